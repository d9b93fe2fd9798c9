// A stand-in for the Contiguity API on a loopback port, for the loopback
// per-call figures: node:http with keep-alive, answering every request with
// the service's envelope for a send once it has read the request's body.
// Prints {"url":"http://127.0.0.1:<port>"} when it listens; runs until
// SIGTERM. Its own process, so its work is not counted in a client's time
// (on a machine with two cores or more it runs beside the client).
//   node bench/probes/loopback-server.mjs
import { createServer } from 'node:http';
import { ENVELOPE } from '../lib/sdks.mjs';

const body = Buffer.from(ENVELOPE);
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  request.resume(); // the body is read, and dropped
  request.once('end', () => response.writeHead(200, headers).end(body));
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
