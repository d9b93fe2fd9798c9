// Where a valid send's wall time goes over loopback HTTP, for the official
// SDK and for each build of ours given: from the call to its fetch (the
// work before the request), from fetch to the Response (the request in
// flight, with what the runtime does for the options given to fetch), and
// from the Response to the result (reading the body, checking it, making
// the result). The global fetch is wrapped to stamp its call and its
// Response, the same for every participant. Interleaved rounds of 300
// sends after 2 of warm-up; each figure is the median over rounds of µs
// per send. Node or Deno.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/loopback-phases.mjs http://127.0.0.1:PORT [DIR ...]
//   deno run --allow-net=127.0.0.1 --allow-read --allow-env bench/probes/loopback-phases.mjs URL [DIR ...]
// (default DIR: the installed package). Not part of `make bench`.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, OUR_ENTRY, VALID_SEND, redirectFetchTo, loadIMessage } from '../lib/sdks.mjs';
import { ROOT } from '../lib/process.mjs';
import { middle as median } from '../lib/stats.mjs';

const [base, ...dirs] = globalThis.Deno ? Deno.args : process.argv.slice(2);
if (dirs.length === 0) dirs.push(join(ROOT, 'node_modules/contiguity-imessage'));
let fetchCalled = 0;
let responded = 0;
redirectFetchTo(base, (send) => {
  fetchCalled = performance.now();
  return send().then((response) => {
    responded = performance.now();
    return response;
  });
});

const clients = { official: await loadIMessage('official') };
for (const dir of dirs) {
  const { Contiguity } = await import(pathToFileURL(join(resolve(dir), OUR_ENTRY)).href);
  clients[dir] = new Contiguity(API_KEY).imessage;
}
const names = Object.keys(clients);
const PHASES = ['before', 'inFlight', 'after', 'total'];
const figures = Object.fromEntries(names.map((name) => [name, Object.fromEntries(PHASES.map((p) => [p, []]))]));
const ROUNDS = 14;
const WARMUP = 2;
const SENDS = 300;
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    const sums = { before: 0, inFlight: 0, after: 0, total: 0 };
    for (let i = 0; i < SENDS; i++) {
      const started = performance.now();
      await clients[name].send(VALID_SEND);
      const ended = performance.now();
      sums.before += fetchCalled - started;
      sums.inFlight += responded - fetchCalled;
      sums.after += ended - responded;
      sums.total += ended - started;
    }
    if (round >= WARMUP) for (const p of PHASES) figures[name][p].push((sums[p] * 1000) / SENDS);
  }
}
for (const name of names) {
  const row = PHASES.map((p) => `${p} ${median(figures[name][p]).toFixed(1).padStart(6)}`).join('   ');
  console.log(`${name.padEnd(44)} ${row}`);
}
console.log('µs per send, median of rounds');
