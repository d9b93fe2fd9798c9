// What each step of a call costs, in one Node (or Deno) process: the wasm
// exports api.js strings together (callStart for a valid and a refused send,
// callFetch with a stubbed fetch less the stub's own time, callAnswered
// with a success), and whole sends through the public API. CPU time (user
// + system) per step, median and best of interleaved rounds, so that other
// work on a shared machine inflates it less than wall time.
// Given several package folders, measures each in the same rounds: the way
// to compare two builds (copy node_modules/contiguity-imessage aside,
// rebuild with `make pack`, then pass both). It calls the exports as
// api.js does since commit cfd10c9 (callAnswered given the
// status and the parsed body); for older builds, refused-builds.mjs and
// loopback-builds.mjs use the public API.
//   node bench/probes/steps.mjs [packageDir ...]   (default: the installed package)
//   deno run -A bench/probes/steps.mjs [packageDir ...]
// prints a table; not part of `make bench`.
import { join } from 'node:path';
import { ENVELOPE, INVALID_SEND, VALID_SEND } from '../lib/sdks.mjs';
import { BODY_PARSED, REFUSED, sendStarter, startedPackage } from '../lib/exports.mjs';
import { ROOT } from '../lib/process.mjs';

const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push(join(ROOT, 'node_modules/contiguity-imessage'));
const ROUNDS = 9;
const CALLS = 20_000;

const answer = () => new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json' } });
globalThis.fetch = async () => answer();

const packages = [];
for (const dir of dirs) {
  const started = await startedPackage(dir);
  const { imessage, glue } = started;
  const start = sendStarter(started); // as api.js starts a send
  const call = start(VALID_SEND);
  const response = answer();
  packages.push({
    name: dir,
    steps: {
      'callStart, valid send': () => glue.callFree(start(VALID_SEND)),
      'callStart, refused send (and its record)': () => {
        if (start(INVALID_SEND) === REFUSED) return glue.callRefusal();
        throw new Error('the refused send was accepted');
      },
      'callFetch (stub included)': () => glue.callFetch(call, undefined),
      'the stub alone': () => answer(),
      'callAnswered, a success (and the JSON.parse api.js makes)': () =>
        glue.callAnswered(call, response, 200, ENVELOPE, JSON.parse(ENVELOPE), BODY_PARSED),
      'send, valid (async)': () => imessage.send(VALID_SEND),
      'send, refused (async)': () => imessage.send(INVALID_SEND).catch(() => {}),
    },
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const names = Object.keys(packages[0].steps);
for (const step of names) {
  const samples = packages.map(() => []);
  const async = step.includes('(async)');
  const calls = async ? CALLS / 10 : CALLS;
  for (let round = 0; round < ROUNDS; round++) {
    for (let j = 0; j < packages.length; j++) {
      const index = (j + round) % packages.length;
      const run = packages[index].steps[step];
      const cpu = process.cpuUsage();
      if (async) for (let i = 0; i < calls; i++) await run();
      else for (let i = 0; i < calls; i++) run();
      const { user, system } = process.cpuUsage(cpu);
      samples[index].push((user + system) / calls);
    }
  }
  const cells = samples.map((s) => `${median(s).toFixed(2)} (best ${Math.min(...s).toFixed(2)})`);
  console.log(`${step.padEnd(28)} ${cells.join('   ')}`);
}
console.log(`µs of CPU per step, median (best) of ${ROUNDS} rounds; columns: ${dirs.join(', ')}`);
