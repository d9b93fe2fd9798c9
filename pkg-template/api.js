// The documented surface (`new Contiguity(key).imessage.send(...)`) over the
// wasm classes. Everything that is a rule (validation, requests, errors,
// retries, webhook crypto) happens inside the wasm module; this file only
// gives it the shape users know and loads the module on first use.
import { Client, verifyWebhook, parseWebhook } from './contiguity_imessage.js';
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
    return settle(() => this.#client.send(params));
  }
  reply(event, params) {
    return settle(() => this.#client.reply(event, params));
  }
  typing(params) {
    return settle(() => this.#client.typing(params));
  }
  react(action, params) {
    return settle(() => this.#client.react(action, params));
  }
  read(params) {
    return settle(() => this.#client.read(params));
  }
  history(params) {
    return settle(() => this.#client.history(params));
  }
  get(id, opts) {
    return settle(() => this.#client.get(id, opts));
  }
  availability(params) {
    return settle(() => this.#client.availability(params));
  }
}

/**
 * Builds the public API for one runtime. `instantiate` loads the wasm module
 * the way that runtime allows; it runs once, on first use, never at import.
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
        `contiguity-imessage could not start in ${runtime}: ${why}`,
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
  const verifyWebhookSignature = (rawBody, signatureHeader, secret, toleranceSeconds) =>
    run(() => verifyWebhook(rawBody, signatureHeader, secret, toleranceSeconds));
  const parseWebhookPayload = (rawBody) => run(() => parseWebhook(rawBody));
  const webhook = Object.freeze({
    verify: (first, second, third, fourth) => run(() => verifyWebhook(first, second, third, fourth)),
    parse: parseWebhookPayload,
  });

  class Contiguity {
    constructor(apiKey, options) {
      const client = run(() => new Client(apiKey, options));
      Object.defineProperty(this, 'imessage', { value: new IMessage(client), enumerable: true });
      Object.defineProperty(this, 'webhook', { value: webhook, enumerable: true });
    }
  }

  return { Contiguity, verifyWebhookSignature, parseWebhookPayload };
}
