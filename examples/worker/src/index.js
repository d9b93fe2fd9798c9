// An iMessage bot on Cloudflare Workers: each incoming message is marked
// read, answered with a moment of typing, then a reply. The handler checks
// the signature, answers Contiguity at once and does the work after the
// response (ctx.waitUntil); the Durable Object makes a redelivered event run
// once. examples/node-edge and examples/deno do the same on purpose: each
// example is a standalone project users copy whole. Keep them in step.
import { createWebhookHandler, durableObjectStore } from 'contiguity-imessage';

// The Durable Object class that remembers handled events; wrangler.toml binds it.
export { ContiguityDedupe } from 'contiguity-imessage';

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export default {
  // Workers call fetch(request, env, ctx). The options are a function of env,
  // read on the first request and kept: one client per isolate.
  fetch: createWebhookHandler((env) => ({
    secret: env.CONTIGUITY_WEBHOOK_SECRET,
    apiKey: env.CONTIGUITY_API_KEY,
    clientOptions: { baseUrl: env.CONTIGUITY_BASE_URL }, // unset: the real API
    dedupe: durableObjectStore(env.WEBHOOK_DEDUPE),
    async onMessage(event, { read, typing, reply }) {
      await read();
      await typing('start');
      await pause(1000);
      await typing('stop');
      await reply(`Thanks! We got your message: "${event.data.body}"`);
    },
  })),
};
