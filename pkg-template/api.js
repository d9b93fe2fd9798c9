// The documented surface (`new Contiguity(key).imessage.send(...)`) over the
// wasm classes. Everything that is a rule (validation, requests, errors,
// retries, webhook crypto) happens inside the wasm module; this file only
// gives it the shape users know and loads the module on first use.
import { Client, IMessageCall, parseWebhook, verifySignature, webhookTolerance } from './contiguity_imessage.js';
import { fromRecord } from './errors.js';

// The wasm throws bad input as the core's JSON record (a string); the error
// is made here so that its stack starts at the caller's line, not in wasm
// frames. Anything else thrown (a trap, say) passes through as it is.
const failure = (thrown) => (typeof thrown === 'string' ? fromRecord(thrown) : thrown);

// A method's promise: the call's own, or its input's error as a rejection.
const settle = (call) => {
  try {
    return call();
  } catch (thrown) {
    return Promise.reject(failure(thrown));
  }
};

class IMessage {
  #client;
  constructor(client) {
    this.#client = client;
  }
  send(params) {
    return settle(() => this.#client.call(IMessageCall.Send, params));
  }
  reply(event, params) {
    return settle(() => this.#client.call(IMessageCall.Reply, event, params));
  }
  typing(params) {
    return settle(() => this.#client.call(IMessageCall.Typing, params));
  }
  react(action, params) {
    return settle(() => this.#client.call(IMessageCall.React, action, params));
  }
  read(params) {
    return settle(() => this.#client.call(IMessageCall.Read, params));
  }
  history(params) {
    return settle(() => this.#client.call(IMessageCall.History, params));
  }
  get(id, opts) {
    return settle(() => this.#client.call(IMessageCall.Get, id, opts));
  }
  availability(params) {
    return settle(() => this.#client.call(IMessageCall.Availability, params));
  }
}

// --- webhook.verify and webhook.parse: argument forms -------------------------
// Reduced here to what the wasm checks (src/js/webhook.rs): the raw body's
// bytes and the signature header's value. A caller's object may throw when
// read (a getter, a revoked Proxy): what cannot be read is absent, and a
// delivery without a readable body or signature does not verify.

const SIGNATURE_HEADER = 'contiguity-signature';
let encoder;

/** `target[key]`, or undefined when reading it throws. */
function field(target, key) {
  try {
    return target[key];
  } catch {
    return undefined;
  }
}

/** A body's bytes: a string as UTF-8, an ArrayBuffer or any view (Buffer too); else undefined. */
function bytesOf(body) {
  try {
    if (typeof body === 'string') return (encoder ??= new TextEncoder()).encode(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (Object.prototype.toString.call(body) === '[object ArrayBuffer]') return new Uint8Array(body);
  } catch {
    // A look-alike that throws when read is not a body.
  }
  return undefined;
}

/** A header value: a string, or the first of an array (Node's repeated headers). */
function firstString(value) {
  try {
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  } catch {
    return undefined;
  }
}

/** The signature from a `Headers` object, or from a plain object in any case. */
function signatureIn(headers) {
  try {
    if (typeof headers?.get === 'function') return firstString(headers.get(SIGNATURE_HEADER));
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (name.toLowerCase() === SIGNATURE_HEADER) return firstString(value);
    }
  } catch {
    // Unreadable headers carry no signature.
  }
  return undefined;
}

/**
 * `verify(rawBody, signatureHeader, secret, toleranceSeconds?)`, or
 * `verify(request, secret, toleranceSeconds?)` with a Fetch `Request` (then a
 * Promise: its body can only be read so) or `{ headers, rawBody | body }`.
 */
function verify(first, second, third, fourth) {
  const raw = bytesOf(first);
  const requestForm =
    raw === undefined && typeof first === 'object' && first !== null && (third == null || typeof third === 'number');
  if (!requestForm) {
    const tolerance = webhookTolerance(fourth); // a bad one throws, whatever the body
    return raw !== undefined && verifySignature(raw, firstString(second), third, tolerance);
  }
  const tolerance = webhookTolerance(third);
  const header = signatureIn(field(first, 'headers'));
  const body = bytesOf(field(first, 'rawBody')) ?? bytesOf(field(first, 'body'));
  if (body !== undefined) return verifySignature(body, header, second, tolerance);
  // A Fetch Request: a Promise, whatever happens reading it. Cloned now (the
  // caller may read the body next) and the clone read.
  if (typeof field(first, 'arrayBuffer') !== 'function') return false;
  let source;
  try {
    source = typeof first.clone === 'function' ? first.clone() : first;
  } catch {
    return Promise.resolve(false);
  }
  return Promise.resolve()
    .then(() => source.arrayBuffer())
    .then(
      (buffer) => {
        const bytes = bytesOf(buffer);
        return bytes !== undefined && verifySignature(bytes, header, second, tolerance);
      },
      () => false,
    );
}

/** `parse(rawBody)`: a string, bytes in any form, or an already-parsed event. */
function parse(rawBody) {
  return parseWebhook(typeof rawBody === 'string' ? rawBody : (bytesOf(rawBody) ?? rawBody));
}

/**
 * Builds the public API for one runtime. `instantiate` loads the wasm module
 * the way that runtime allows; it runs once, on first use, never at import.
 * `runtime()` names the runtime, for the error when that fails.
 */
export function createApi(runtime, instantiate) {
  let loaded = false;
  const load = () => {
    if (loaded) return;
    try {
      instantiate();
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new Error(
        `contiguity-imessage could not start in ${runtime()}: ${why}`,
        { cause },
      );
    }
    loaded = true;
  };

  // Runs a synchronous export, turning a thrown record into its error.
  const run = (call) => {
    load();
    try {
      return call();
    } catch (thrown) {
      throw failure(thrown);
    }
  };
  const verifyWebhookSignature = (first, second, third, fourth) => run(() => verify(first, second, third, fourth));
  const parseWebhookPayload = (rawBody) => run(() => parse(rawBody));
  const webhook = Object.freeze({ verify: verifyWebhookSignature, parse: parseWebhookPayload });

  class Contiguity {
    constructor(apiKey, options) {
      const client = run(() => new Client(apiKey, options));
      Object.defineProperty(this, 'imessage', { value: new IMessage(client), enumerable: true });
      Object.defineProperty(this, 'webhook', { value: webhook, enumerable: true });
    }
  }

  return { Contiguity, verifyWebhookSignature, parseWebhookPayload };
}
