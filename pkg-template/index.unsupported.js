// Chosen when no export condition of a supported runtime matched (a
// browser bundle, an unknown runtime). Importing works; using the package
// explains why it cannot run here instead of failing obscurely.
import { createApi } from './api.js';
import { webhookHandlerFactory } from './webhook-handler.js';
import { runningRuntime } from './runtime.js';

export { ContiguityError, ValidationError } from './errors.js';

export const { Contiguity, verifyWebhookSignature, verifyWebhookRequest, parseWebhookPayload } = createApi(runningRuntime, () => {
  throw new Error(
    'this is the fallback entry, chosen because no export condition of a supported runtime matched ' +
      '(supported: Node.js 20.19+ and Bun via the "node" export condition, Deno 2 via "deno", ' +
      'Cloudflare Workers via "workerd" or "worker", Vercel\'s Edge Runtime and Next.js edge routes ' +
      'via "edge-light"); if a bundler chose this file, enable one of those conditions',
  );
});
export const createWebhookHandler = /* @__PURE__ */ webhookHandlerFactory({ Contiguity, verifyWebhookSignature, parseWebhookPayload });
export { toNodeHandler } from './node-adapter.js';
export { memoryStore, kvStore, durableObjectStore } from './stores.js';
export { ContiguityDedupe } from './durable-object.js';
