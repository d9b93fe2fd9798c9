// The bot's side of a test: a node:http webhook receiver that answers 200 at
// once and hands each delivery to the test in order, so the test can act as
// the bot (verify, typing, reply) step by step.
import http from 'node:http';
import { once } from 'node:events';

export async function startBot() {
  const waiting = [];
  const arrived = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const hit = { headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      const taker = waiting.shift();
      if (taker) taker(hit);
      else arrived.push(hit);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}/webhook`,
    /** The next delivery; fails after `ms` so a missing webhook cannot hang the test. */
    next(ms = 10_000) {
      if (arrived.length) return Promise.resolve(arrived.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no webhook delivery arrived in time')), ms);
        waiting.push((hit) => { clearTimeout(timer); resolve(hit); });
      });
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
