// The webhook handler as users write it in each runtime; tsc must accept
// this file, and reject each misuse marked @ts-expect-error.
import http from 'node:http';
import {
  Contiguity,
  ContiguityDedupe,
  createWebhookHandler,
  durableObjectStore,
  kvStore,
  memoryStore,
  toNodeHandler,
} from 'contiguity-imessage';
import type { DedupeStore, KVNamespaceLike, DurableObjectNamespaceLike, WebhookHandler } from 'contiguity-imessage';

// A Worker: options as a function of its env; the Durable Object exported.
interface Env {
  CONTIGUITY_WEBHOOK_SECRET: string;
  CONTIGUITY_WEBHOOK_SECRET_NEXT?: string;
  CONTIGUITY_API_KEY: string;
  WEBHOOK_DEDUPE: DurableObjectNamespaceLike;
  EVENTS: KVNamespaceLike;
}
export { ContiguityDedupe };
export const worker = {
  fetch: createWebhookHandler((env: Env) => ({
    secret: [env.CONTIGUITY_WEBHOOK_SECRET, env.CONTIGUITY_WEBHOOK_SECRET_NEXT].filter((s): s is string => !!s),
    apiKey: env.CONTIGUITY_API_KEY,
    dedupe: durableObjectStore(env.WEBHOOK_DEDUPE),
    async onMessage(event, { read, typing, reply, react, env: bound }) {
      const body: string = event.data.body;
      const key: string = bound.CONTIGUITY_API_KEY;
      await read();
      await typing('start');
      await typing('stop');
      await react('love');
      const sent = await reply(`echo: ${body} ${key.length}`);
      const id: string = sent.message_id;
      void id;
      await reply({ message: 'with an attachment', attachments: ['https://example.com/a.png'] });
    },
    onEvent(event) {
      if (event.type === 'text.delivery.failed') {
        const why: string | undefined = event.data.error;
        void why;
      }
    },
  })),
};
const workerFetch: (request: Request, env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }) => Promise<Response> =
  worker.fetch;
void workerFetch;

// Deno.serve, a Next.js route, an edge function: (request) and (request, ctx).
const handler: WebhookHandler = createWebhookHandler({
  secret: 'whsec_...',
  client: new Contiguity('contiguity_sk_...'),
  dedupe: { store: memoryStore({ maxEntries: 1000 }), ttlSeconds: 86400, leaseSeconds: 120 },
  toleranceSeconds: 300,
  background: true,
  maxBodyBytes: 65536,
  onMessage: (_event, { reply }) => reply('hi'),
  onError: (error, event) => console.error(event?.id, error),
});
export const POST = (request: Request) => handler(request, { waitUntil: (work: Promise<unknown>) => void work });
export const GET = (request: Request) => handler(request);

// node:http, and an Express-style request whose raw body was read.
const nodeHandler = toNodeHandler(handler);
http.createServer(nodeHandler).listen(3000);
process.once('SIGTERM', () => void nodeHandler.drain());
declare const req: http.IncomingMessage & { body: Buffer };
declare const res: http.ServerResponse;
void toNodeHandler(handler, { env: process.env })(req, res);

// A store of one's own.
const mine: DedupeStore = {
  claim: async () => 'claimed',
  complete: async () => {},
  release: async () => {},
};
createWebhookHandler({ secret: 'whsec_...', dedupe: mine, onEvent() {} });
declare const kv: KVNamespaceLike;
createWebhookHandler({ secret: 'whsec_...', dedupe: kvStore(kv, { prefix: 'hooks:' }), onEvent() {} });

export function wrong(): void {
  // @ts-expect-error secret is required
  createWebhookHandler({ onMessage() {} });
  // @ts-expect-error typing takes 'start' | 'stop'
  createWebhookHandler({ secret: 's', onMessage: (_e, { typing }) => typing('pause') });
  // @ts-expect-error not a tapback
  createWebhookHandler({ secret: 's', onMessage: (_e, { react }) => react('thumbsup') });
  // @ts-expect-error onMessage gets the imessage.incoming event: it has no email fields
  createWebhookHandler({ secret: 's', onMessage: (event) => event.data.subject });
  // @ts-expect-error dedupe is a store, its options, or false
  createWebhookHandler({ secret: 's', onMessage() {}, dedupe: true });
  // @ts-expect-error a store's claim answers a ClaimState
  const bad: DedupeStore = { claim: async () => true, complete: async () => {}, release: async () => {} };
  void bad;
}
