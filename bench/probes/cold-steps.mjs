// What each wasm step of a send costs in a tight loop and right after a
// request over loopback HTTP, when the caches are cold from the wait as a
// real send finds them: callStart (valid and refused), callAnswered with a
// parsed success, and, for scale, the JSON.parse of the same envelope and
// resultOf alone. Each step is called as api.js calls it (since commit
// cfd10c9). 7 rounds of 300 calls per step, the first 2 not counted; the
// figure is the median round's µs per call. Steps run in the order listed,
// and a step that runs after others sharing its code finds it warmer: read
// the figures of one run against each other, not against another order.
// Node or Deno; the installed package unless a folder is given.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/cold-steps.mjs http://127.0.0.1:PORT [packageDir]
//   deno run -A bench/probes/cold-steps.mjs URL [packageDir]
// not part of `make bench`.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENVELOPE, INVALID_SEND, VALID_SEND } from '../lib/sdks.mjs';
import { BODY_PARSED, REFUSED, sendStarter, startedPackage } from '../lib/exports.mjs';
import { ROOT } from '../lib/process.mjs';
import { middle as median } from '../lib/stats.mjs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [base, dir = join(ROOT, 'node_modules/contiguity-imessage')] = args;
const url = (file) => pathToFileURL(join(resolve(dir), file)).href;

const answer = () => new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json' } });
const realFetch = globalThis.fetch;
globalThis.fetch = async () => answer();
const started = await startedPackage(dir);
const { imessage, glue } = started;
const start = sendStarter(started); // as api.js starts a send
const { resultOf } = await import(url('result.js'));
const call = start(VALID_SEND);
const response = answer();
const STEPS = {
  'callStart, valid send': () => glue.callFree(start(VALID_SEND)),
  'callStart, refused send, its record': () => {
    if (start(INVALID_SEND) === REFUSED) return glue.callRefusal();
    throw new Error('the refused send was accepted');
  },
  'JSON.parse of the envelope': () => JSON.parse(ENVELOPE),
  'resultOf alone': () => resultOf(JSON.parse(ENVELOPE)),
  'callAnswered, a success, its JSON.parse': () => glue.callAnswered(call, response, 200, ENVELOPE, JSON.parse(ENVELOPE), BODY_PARSED),
};
const request = async () => (await realFetch(`${base}/send/imessage`, { method: 'POST', body: '{}' })).text();
for (const mode of ['tight loop', 'after a request']) {
  console.log(mode);
  for (const [name, step] of Object.entries(STEPS)) {
    const rounds = [];
    for (let round = 0; round < 7; round++) {
      let sum = 0;
      for (let i = 0; i < 300; i++) {
        if (mode !== 'tight loop') await request();
        const started = performance.now();
        step();
        sum += performance.now() - started;
      }
      if (round >= 2) rounds.push((sum * 1000) / 300);
    }
    console.log(`  ${name.padEnd(42)} ${median(rounds).toFixed(2).padStart(6)}`);
  }
}
console.log('µs per call, median of rounds');
