// A refused send's CPU time through the public API of several builds of the
// package, in the same process and interleaved rounds, beside a floor (a
// promise rejected with a new Error). Only the public API is used, so any
// two builds compare, whatever their exports.
//   node bench/probes/refused-builds.mjs DIR [DIR ...]
//   deno run -A bench/probes/refused-builds.mjs DIR [DIR ...]
// (DIR: a copy of node_modules/contiguity-imessage); prints a table, not
// part of `make bench`.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, INVALID_SEND, OUR_ENTRY } from '../lib/sdks.mjs';

const dirs = process.argv.slice(2);
if (dirs.length === 0) throw new Error('usage: refused-builds.mjs DIR [DIR ...]');
const ROUNDS = 11;
const CALLS = 20_000;

const participants = [];
for (const dir of dirs) {
  const { Contiguity } = await import(pathToFileURL(join(resolve(dir), OUR_ENTRY)).href);
  const { imessage } = new Contiguity(API_KEY);
  participants.push({ name: dir, send: () => imessage.send(INVALID_SEND).catch(() => {}) });
}
participants.push({ name: 'floor', send: () => Promise.reject(new Error('refused')).catch(() => {}) });

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const samples = participants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let turn = 0; turn < participants.length; turn++) {
    const index = (turn + round) % participants.length; // a different order each round
    const { send } = participants[index];
    const started = cpuUs();
    for (let i = 0; i < CALLS; i++) await send();
    samples[index].push((cpuUs() - started) / CALLS);
  }
}
participants.forEach(({ name }, index) => {
  const sorted = [...samples[index]].sort((a, b) => a - b);
  console.log(`${sorted[sorted.length >> 1].toFixed(2).padStart(8)} (best ${sorted[0].toFixed(2)})  ${name}`);
});
console.log(`µs of CPU per refused send, median (best) of ${ROUNDS} rounds of ${CALLS}`);
