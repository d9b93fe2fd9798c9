// Vercel's Edge Runtime and Next.js edge routes (the "edge-light" export
// condition). Their bundlers turn a `.wasm?module` import into a compiled
// WebAssembly.Module that the runtime hands in (compiling bytes at run time
// is forbidden there). It comes from another realm than this code (Next.js
// and the `edge-runtime` package run edge code in a separate `vm` context),
// which the glue accepts: the build makes its module check realm-independent.
import wasmModule from './contiguity_imessage_bg.wasm?module';
import { initSync } from './contiguity_imessage.js';
import { createApi } from './api.js';
import { webhookHandlerFactory } from './webhook-handler.js';
import { runningRuntime } from './runtime.js';

export { ContiguityError, ValidationError } from './errors.js';
export const { Contiguity, verifyWebhookSignature, verifyWebhookRequest, parseWebhookPayload } = createApi(runningRuntime, () =>
  initSync({ module: wasmModule }),
);
export const createWebhookHandler = /* @__PURE__ */ webhookHandlerFactory({ Contiguity, verifyWebhookSignature, parseWebhookPayload });
export { toNodeHandler } from './node-adapter.js';
export { memoryStore, kvStore, durableObjectStore } from './stores.js';
export { ContiguityDedupe } from './durable-object.js';
