// Deno 2: a source-phase import gives the compiled module with no file
// read, so only --allow-net is needed.
import source wasmModule from './contiguity_imessage_bg.wasm';
import { initSync } from './contiguity_imessage.js';
import { createApi } from './api.js';
import { webhookHandlerFactory } from './webhook-handler.js';
import { runningRuntime } from './runtime.js';
import { keptDeadlineTimers } from './deadline.js';

export { ContiguityError, ValidationError } from './errors.js';
export const { Contiguity, verifyWebhookSignature, verifyWebhookRequest, parseWebhookPayload } = createApi(
  runningRuntime,
  () => initSync({ module: wasmModule }),
  keptDeadlineTimers(),
);
export const createWebhookHandler = /* @__PURE__ */ webhookHandlerFactory({ Contiguity, verifyWebhookSignature, parseWebhookPayload });
export { toNodeHandler } from './node-adapter.js';
export { memoryStore, kvStore, durableObjectStore } from './stores.js';
export { ContiguityDedupe } from './durable-object.js';
