// Serves handler.mjs with node:http, so the example runs as is:
//   CONTIGUITY_API_KEY=... CONTIGUITY_WEBHOOK_SECRET=... node server.mjs
// (PORT, default 3000; HOST, default 127.0.0.1). Platforms that take a
// (Request) => Response function directly need only handler.mjs.
import http from 'node:http';
import { handler } from './handler.mjs';

const server = http.createServer(async (req, res) => {
  try {
    // node:http request -> Fetch Request, with the body exactly as received.
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([name, value]) =>
        [value].flat().map((item) => [name, item]),
      ),
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    // Name and message only: the client's errors never contain the key.
    console.error(`${error?.name}: ${error?.message}`);
    res.writeHead(500).end();
  }
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});
// Stop cleanly (e.g. on Ctrl-C, or when a test stops it).
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
