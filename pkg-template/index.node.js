// Node 20+: read the wasm next to this file, synchronously, on first use,
// so both `import` and `require()` work (no top-level await).
import { readFileSync } from 'node:fs';
import { initSync } from './contiguity_imessage.js';
import { createApi } from './api.js';

export { ContiguityError, ValidationError } from './errors.js';
export const { Contiguity, verifyWebhookSignature, verifyWebhookRequest, parseWebhookPayload } = createApi(() => `Node.js ${process.versions.node}`, () =>
  initSync({ module: readFileSync(new URL('./contiguity_imessage_bg.wasm', import.meta.url)) }),
);
