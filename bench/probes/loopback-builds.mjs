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
import { API_KEY, OUR_ENTRY, VALID_SEND, redirectFetchTo, loadIMessage } from '../lib/sdks.mjs';
import { interleavedRounds, middle as median } from '../lib/stats.mjs';

const [base, ...dirs] = globalThis.Deno ? Deno.args : process.argv.slice(2);
redirectFetchTo(base);

const clients = { official: await loadIMessage('official') };
for (const dir of dirs) {
  const { Contiguity } = await import(pathToFileURL(`${resolve(dir)}/${OUR_ENTRY}`).href);
  clients[dir] = new Contiguity(API_KEY).imessage;
}
const sends = Object.fromEntries(Object.entries(clients).map(([name, imessage]) => [name, () => imessage.send(VALID_SEND)]));
const samples = await interleavedRounds(sends, { rounds: 16, calls: 300 });
for (const name of Object.keys(clients)) {
  const ratio = median(samples[name].map((us, i) => us / samples.official[i]));
  console.log(`${name.padEnd(44)} ${median(samples[name]).toFixed(1).padStart(7)} µs   / official ${ratio.toFixed(3)}`);
}
