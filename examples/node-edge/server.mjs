// Serves handler.mjs with node:http, so the example runs as is:
//   CONTIGUITY_API_KEY=... CONTIGUITY_WEBHOOK_SECRET=... node server.mjs
// (PORT, default 3000; HOST, default 127.0.0.1). Platforms that take a
// (request) => Response function directly need only handler.mjs.
import http from 'node:http';
import { toNodeHandler } from 'contiguity-imessage';
import { handler } from './handler.mjs';

// toNodeHandler streams the raw body into a Request and gives the handler a
// waitUntil: the answer goes out at once, the bot's work runs after it.
const nodeHandler = toNodeHandler(handler);
const server = http.createServer(nodeHandler);

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});
// Stop cleanly (e.g. on Ctrl-C, or when a test stops it): no new requests,
// and the replies already under way are finished first.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => nodeHandler.drain().then(() => process.exit(0))));
}
