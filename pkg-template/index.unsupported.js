// Chosen when no export condition of a supported runtime matched (a
// browser bundle, an unknown runtime). Importing works; using the package
// explains why it cannot run here instead of failing obscurely.
import { createApi } from './api.js';

export { ContiguityError, ValidationError } from './errors.js';

function describeRuntime() {
  const g = globalThis;
  if (g.Deno?.version) return `Deno ${g.Deno.version.deno}`;
  if (g.Bun?.version) return `Bun ${g.Bun.version}`;
  if (g.process?.versions?.node) return `Node.js ${g.process.versions.node}`;
  if (g.navigator?.userAgent) return g.navigator.userAgent;
  return 'an unrecognised JavaScript runtime';
}

export const { Contiguity, verifyWebhookSignature, verifyWebhookRequest, parseWebhookPayload } = createApi(
  describeRuntime,
  () => {
    throw new Error(
      'this is the fallback entry, chosen because no export condition of a supported runtime matched ' +
        '(supported: Node.js 20+ via the "node" export condition, Deno 2 via "deno", Cloudflare Workers ' +
        'via "workerd"/"worker"); if a bundler chose this file, enable one of those conditions',
    );
  },
);
