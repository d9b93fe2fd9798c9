// The documented surface (`new Contiguity(key).imessage.send(...)`) over the
// wasm classes. Everything that is a rule (validation, requests, errors,
// retries, webhook crypto) happens inside the wasm module; this file only
// gives it the shape users know and loads the module on first use.
import { Client, verifyWebhook, parseWebhook } from './contiguity_imessage.js';

class IMessage {
  #client;
  constructor(client) {
    this.#client = client;
  }
  send(params) {
    return this.#client.send(params);
  }
  reply(event, params) {
    return this.#client.reply(event, params);
  }
  typing(params) {
    return this.#client.typing(params);
  }
  react(action, params) {
    return this.#client.react(action, params);
  }
  read(params) {
    return this.#client.read(params);
  }
  history(params) {
    return this.#client.history(params);
  }
  get(id, opts) {
    return this.#client.get(id, opts);
  }
  availability(params) {
    return this.#client.availability(params);
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

  const verifyWebhookSignature = (rawBody, signatureHeader, secret, toleranceSeconds) => {
    load();
    return verifyWebhook(rawBody, signatureHeader, secret, toleranceSeconds);
  };
  const parseWebhookPayload = (rawBody) => {
    load();
    return parseWebhook(rawBody);
  };
  const webhook = Object.freeze({
    verify(first, second, third, fourth) {
      load();
      return verifyWebhook(first, second, third, fourth);
    },
    parse: parseWebhookPayload,
  });

  class Contiguity {
    constructor(apiKey, options) {
      load();
      const client = new Client(apiKey, options);
      Object.defineProperty(this, 'imessage', { value: new IMessage(client), enumerable: true });
      Object.defineProperty(this, 'webhook', { value: webhook, enumerable: true });
    }
  }

  return { Contiguity, verifyWebhookSignature, parseWebhookPayload };
}
