// What a step costs right after the thread has slept, against the same step
// after the thread spun for as long without sleeping, and after it spent
// that time touching 4 MiB of memory (evicting the processor's caches
// without sleeping). Between two requests a client's thread sleeps while the
// answer is on its way; idle-steps.mjs measures the package's steps after
// such a sleep. This probe asks what part of that is the sleep itself: if a
// step after a spin costs what it costs back to back, and after a sleep
// much more, then the sleep slows whatever runs next, the package's code or
// anyone's, by about how much work it does.
// Steps: a valid send's callStart (as api.js starts it) and callFree, the
// envelope's JSON.parse, a new Error (its stack captured), and one crossing
// into the wasm (clientTimeoutMs). Prints, for each step and each kind of
// gap, the range of the five rounds' medians, µs (wall time, one
// performance.now() pair around the step).
//   node bench/probes/wake-penalty.mjs [packageDir]
//   deno run -A bench/probes/wake-penalty.mjs [packageDir]
// default packageDir: the installed package. Not part of `make bench`.
import { join } from 'node:path';
import { ENVELOPE, VALID_SEND } from '../lib/sdks.mjs';
import { CLIENT, sendStarter, startedPackage } from '../lib/exports.mjs';
import { ROOT } from '../lib/process.mjs';
import { middle as median } from '../lib/stats.mjs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const dir = args[0] ?? join(ROOT, 'node_modules/contiguity-imessage');
const GAP_MS = 0.25;
const ROUNDS = 5;
const STEPS_PER_ROUND = 1500;

globalThis.fetch = async () => new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json' } });
const { glue, api } = await startedPackage(dir);
const start = sendStarter({ glue, api });

const steps = {
  'callStart as api.js calls it, and callFree': () => glue.callFree(start(VALID_SEND)),
  'JSON.parse of the envelope': () => JSON.parse(ENVELOPE),
  'new Error (its stack captured)': () => new Error('x'),
  'clientTimeoutMs (one crossing)': () => glue.clientTimeoutMs(CLIENT),
};

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const junk = new Float64Array((4 << 20) / 8);
let at = 0;
const gaps = {
  'back to back': () => {},
  [`${GAP_MS} ms asleep`]: () => Atomics.wait(sleeper, 0, 0, GAP_MS),
  [`${GAP_MS} ms spinning`]: () => {
    const end = performance.now() + GAP_MS;
    while (performance.now() < end);
  },
  [`${GAP_MS} ms touching 4 MiB`]: () => {
    const end = performance.now() + GAP_MS;
    while (performance.now() < end) {
      // A stride of 4,099 doubles (32 KiB and a line): each touch a new line.
      for (let k = 0; k < 512; k++) junk[(at = (at + 4099) % junk.length)] += 1;
    }
  },
};

const width = Math.max(...Object.keys(gaps).map((name) => name.length));
for (const [stepName, step] of Object.entries(steps)) {
  console.log(stepName);
  for (const [gapName, gap] of Object.entries(gaps)) {
    const medians = [];
    for (let round = -1; round < ROUNDS; round++) {
      const samples = [];
      for (let i = 0; i < STEPS_PER_ROUND; i++) {
        gap();
        const started = performance.now();
        step();
        samples.push((performance.now() - started) * 1000);
      }
      if (round >= 0) medians.push(median(samples)); // round -1: warm-up
    }
    const low = Math.min(...medians).toFixed(2);
    const high = Math.max(...medians).toFixed(2);
    console.log(`  ${gapName.padEnd(width)}  ${low}-${high}`);
  }
}
console.log(
  `µs, the range of ${ROUNDS} rounds' medians of ${STEPS_PER_ROUND} steps; ` +
    `${globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`}`,
);
