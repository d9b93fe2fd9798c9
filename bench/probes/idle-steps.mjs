// Each wasm step of a send after the thread has slept, as it does between
// two requests while the answer is on its way. steps.mjs times a step in a
// loop of that step alone, where it stays in the processor's caches; over
// loopback HTTP the same step costs several times as much. Here the thread
// sleeps GAP milliseconds (Atomics.wait, which idles the CPU as a pending
// request does) before each timed step, so a step's cost between requests
// can be measured without the noise of a network round trip, and two
// builds compared in the same process: the packages take turns at every
// step, the order rotating. Prints each step's median µs (wall time, one
// performance.now() pair) for each package, over 5 rounds of 1,500 steps.
//   node bench/probes/idle-steps.mjs GAP [packageDir ...]
//   deno run -A bench/probes/idle-steps.mjs GAP [packageDir ...]
// GAP 0 times the steps back to back; default packageDir: the installed
// package. Not part of `make bench`.
import { join } from 'node:path';
import { ENVELOPE, VALID_SEND } from '../lib/sdks.mjs';
import { BODY_PARSED, CLIENT, REFUSED, SEND, sendStarter, startedPackage } from '../lib/exports.mjs';
import { ROOT } from '../lib/process.mjs';
import { middle as median } from '../lib/stats.mjs';

const [gapText, ...dirs] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const gapMs = Number(gapText);
if (!(gapMs >= 0)) throw new Error('usage: idle-steps.mjs GAP_MS [packageDir ...]');
if (dirs.length === 0) dirs.push(join(ROOT, 'node_modules/contiguity-imessage'));

const ROUNDS = 5;
const STEPS_PER_ROUND = 1500;

const answer = () => new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json' } });
globalThis.fetch = async () => answer();
const started = [];
for (const dir of dirs) started.push(await startedPackage(dir));

// From here the stub returns one settled promise, whose body nothing
// reads, so that callFetch's step is callFetch's own work (a call takes
// the fetch there is when it starts).
const answered = Promise.resolve(answer());
globalThis.fetch = () => answered;
const packages = [];
// A build whose api.js starts a send its own way: `startSend`, which reads
// the values of `to`, `message` and `from` itself (BENCHMARKS.md, "A
// send's fields read by api.js"), or the packed params of
// bench/prototypes/packed-params.patch (`packedTexts`).
const startsItsOwnWay = ({ api }) => api.startSend !== undefined || api.packedTexts !== undefined;
const anyStartsItsOwnWay = started.some(startsItsOwnWay);
for (const { glue, api } of started) {
  const start = sendStarter({ glue, api }); // startSend, or callStart in older builds
  const call = glue.callStart(CLIENT, SEND, VALID_SEND, undefined);
  // A refusal would make every step below time another path, unnoticed.
  if (call === REFUSED) throw new Error(`${glue.callRefusal()}: the valid send was refused`);
  const response = answer();
  packages.push({
    'callStart of a valid send, and callFree': () => glue.callFree(glue.callStart(CLIENT, SEND, VALID_SEND, undefined)),
    // As api.js starts a send, when one of the builds does it its own way
    // (above); the others start it as the step above does.
    ...(anyStartsItsOwnWay && {
      'callStart as api.js calls it, and callFree': api.packedTexts
        ? () => {
            const packed = api.packedTexts(VALID_SEND);
            glue.callFree(glue.callStart(CLIENT, SEND, packed === undefined ? VALID_SEND : undefined, undefined, packed));
          }
        : () => glue.callFree(start(VALID_SEND)),
    }),
    'callFetch (its fetch returns a settled promise)': () => glue.callFetch(call, undefined),
    'JSON.parse of the envelope, then callAnswered': () =>
      glue.callAnswered(call, response, 200, ENVELOPE, JSON.parse(ENVELOPE), BODY_PARSED),
    'clientTimeoutMs (next to nothing: one crossing)': () => glue.clientTimeoutMs(CLIENT),
  });
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = gapMs > 0 ? () => Atomics.wait(sleeper, 0, 0, gapMs) : () => {};
for (const step of Object.keys(packages[0])) {
  const perRound = packages.map(() => []);
  for (let round = -1; round < ROUNDS; round++) {
    const samples = packages.map(() => []);
    for (let i = 0; i < STEPS_PER_ROUND; i++) {
      for (let j = 0; j < packages.length; j++) {
        const index = (i + j) % packages.length;
        const run = packages[index][step];
        sleep();
        const start = performance.now();
        run();
        samples[index].push((performance.now() - start) * 1000);
      }
    }
    if (round < 0) continue; // warm-up
    samples.forEach((values, index) => perRound[index].push(median(values)));
  }
  console.log(step);
  perRound.forEach((medians, index) => {
    console.log(`  ${dirs[index].padEnd(44)} ${medians.map((us) => us.toFixed(2).padStart(7)).join('')}`);
  });
}
console.log(
  `µs, the median of ${STEPS_PER_ROUND} steps in each of ${ROUNDS} rounds, each after ${gapMs} ms asleep; ` +
    `${globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`}`,
);
