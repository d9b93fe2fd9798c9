// Each valid send's own time over loopback HTTP, not a round's mean: the
// official SDK, builds of ours and the two floors of loopback.mjs, in
// rounds of 500 sends by turns (the order reversed every other round),
// after 2 rounds of warm-up; prints each one's mean, percentiles, and the
// sends that took over 1 ms, with what they add to the mean. A round's
// mean (what loopback.mjs and make bench compare) holds both a typical
// send and the rare slow one; this tells them apart. Node or Deno.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/send-times.mjs http://127.0.0.1:PORT [DIR ...]
//   deno run --allow-net=127.0.0.1 --allow-read --allow-env bench/probes/send-times.mjs URL [DIR ...]
// (default DIR: the installed package). Not part of `make bench`.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, LOOPBACK_FLOORS, OUR_ENTRY, VALID_SEND, redirectFetchTo, loadIMessage } from '../lib/sdks.mjs';
import { ROOT } from '../lib/process.mjs';

const [base, ...dirs] = globalThis.Deno ? Deno.args : process.argv.slice(2);
if (dirs.length === 0) dirs.push(join(ROOT, 'node_modules/contiguity-imessage'));
redirectFetchTo(base);

const sends = {};
const official = await loadIMessage('official');
sends.official = () => official.send(VALID_SEND);
for (const dir of dirs) {
  const { Contiguity } = await import(pathToFileURL(join(resolve(dir), OUR_ENTRY)).href);
  const imessage = new Contiguity(API_KEY).imessage;
  sends[dir] = () => imessage.send(VALID_SEND);
}
Object.assign(sends, LOOPBACK_FLOORS);

const ROUNDS = 12;
const WARMUP_ROUNDS = 2;
const SENDS_PER_ROUND = 500;
const names = Object.keys(sends);
const times = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    for (let i = 0; i < SENDS_PER_ROUND; i++) {
      const started = performance.now();
      await sends[name]();
      if (round >= WARMUP_ROUNDS) times[name].push((performance.now() - started) * 1000);
    }
  }
}

const at = (sorted, share) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))].toFixed(1);
const sum = (values) => values.reduce((total, value) => total + value, 0);
for (const name of names) {
  const sorted = times[name].sort((a, b) => a - b);
  const slow = sorted.filter((us) => us > 1000);
  console.log(
    `${name.padEnd(36)} mean ${(sum(sorted) / sorted.length).toFixed(1).padStart(6)}  p10 ${at(sorted, 0.1).padStart(6)}` +
      `  p50 ${at(sorted, 0.5).padStart(6)}  p90 ${at(sorted, 0.9).padStart(6)}  p99 ${at(sorted, 0.99).padStart(7)}` +
      `  over 1 ms: ${String(slow.length).padStart(3)}, ${(sum(slow) / sorted.length).toFixed(1).padStart(5)} µs of the mean`,
  );
}
console.log(`µs per send, ${times.official.length} sends each; ${globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`}`);
