// Builds of ours side by side with the official SDK over loopback HTTP:
// the way to tell whether a change to the package helps a real request
// (copy node_modules/contiguity-imessage aside, rebuild with `make pack`,
// pass both folders). 14 interleaved rounds of 300 valid sends each, the
// order rotating; prints each one's median µs per send and its median
// ratio to the official, round by round. Node or Deno.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/loopback-builds.mjs http://127.0.0.1:PORT DIR [DIR ...]
//   deno run --allow-net=127.0.0.1 --allow-read --allow-env bench/probes/loopback-builds.mjs URL DIR ...
// not part of `make bench`.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, VALID_SEND, loadIMessage } from '../lib/sdks.mjs';

const [base, ...dirs] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const SERVICE = 'https://api.contiguity.com';
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => realFetch(base + String(input).slice(SERVICE.length), init);

const clients = { official: await loadIMessage('official') };
for (const dir of dirs) {
  const { Contiguity } = await import(pathToFileURL(`${resolve(dir)}/index.node.js`).href);
  clients[dir] = new Contiguity(API_KEY).imessage;
}
const names = Object.keys(clients);
const samples = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < 16; round++) {
  for (let j = 0; j < names.length; j++) {
    const name = names[(j + round) % names.length];
    const started = performance.now();
    for (let i = 0; i < 300; i++) await clients[name].send(VALID_SEND);
    if (round >= 2) samples[name].push(((performance.now() - started) * 1000) / 300);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
for (const name of names) {
  const ratio = median(samples[name].map((us, i) => us / samples.official[i]));
  console.log(`${name.padEnd(44)} ${median(samples[name]).toFixed(1).padStart(7)} µs   / official ${ratio.toFixed(3)}`);
}
