// An iMessage bot on Deno: each incoming message is marked read, answered
// with a moment of typing, then a reply. examples/worker and
// examples/node-edge do the same on purpose: each example is a standalone
// project users copy whole. Keep them in step.
//
//   deno task start      (see README.md for the local sandbox)
//
// Permissions: --allow-net, and --allow-env for exactly the variables read
// here; no --allow-read (the package imports its wasm as a module).
import { createWebhookHandler } from 'contiguity-imessage';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Deno.serve gives no waitUntil, so the answer is sent once the bot's work
// is done; the default memory store answers a redelivered event once while
// the process runs.
const handler = createWebhookHandler({
  secret: Deno.env.get('CONTIGUITY_WEBHOOK_SECRET'),
  apiKey: Deno.env.get('CONTIGUITY_API_KEY'),
  clientOptions: { baseUrl: Deno.env.get('CONTIGUITY_BASE_URL') }, // unset: the real API
  async onMessage(event, { read, typing, reply }) {
    await read();
    await typing('start');
    await pause(1000);
    await typing('stop');
    await reply(`Thanks! We got your message: "${event.data.body}"`);
  },
});

const server = Deno.serve(
  {
    hostname: Deno.env.get('HOST') ?? '127.0.0.1',
    port: Number(Deno.env.get('PORT') ?? 8000),
    onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
  },
  handler,
);
// Stop cleanly: no new requests, the ones under way finished first.
Deno.addSignalListener('SIGTERM', () => server.shutdown().then(() => Deno.exit(0)));
