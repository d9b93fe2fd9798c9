// Node.js 20.19+ and Bun (both resolve the "node" export condition). The
// wasm's bytes are embedded in a JS module (base64, written by the build), so
// this entry keeps working once a bundler (webpack and Turbopack in Next.js,
// esbuild, `bun build`) has put it in a bundle that has no `.wasm` file
// beside it, and it reads no file. They are decoded and compiled
// synchronously, on first use, so both `import` and `require()` work (no
// top-level await).
import { Buffer } from 'node:buffer';
import wasmBase64 from './contiguity_imessage_bg.wasm.base64.js';
import { initSync } from './contiguity_imessage.js';
import { createApi } from './api.js';
import { webhookHandlerFactory } from './webhook-handler.js';
import { runningRuntime } from './runtime.js';

export { ContiguityError, ValidationError } from './errors.js';
export const { Contiguity, verifyWebhookSignature, verifyWebhookRequest, parseWebhookPayload } = createApi(runningRuntime, () =>
  initSync({ module: Buffer.from(wasmBase64, 'base64') }),
);
export const createWebhookHandler = /* @__PURE__ */ webhookHandlerFactory({ Contiguity, verifyWebhookSignature, parseWebhookPayload });
export { toNodeHandler } from './node-adapter.js';
export { memoryStore, kvStore, durableObjectStore } from './stores.js';
export { ContiguityDedupe } from './durable-object.js';
