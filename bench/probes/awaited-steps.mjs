// The steps of a valid send added one at a time to the floor (the stubbed
// fetch, its text, JSON.parse), each variant an awaited call as a user
// makes it, in interleaved rounds, in CPU time: what each step costs among
// the runtime's own work, where caches are colder than in the tight loops
// of bench/probes/steps.mjs. The last row is the public send itself.
//   node bench/probes/awaited-steps.mjs
// prints a table; not part of `make bench`.
import { join } from 'node:path';
import { ENVELOPE, VALID_SEND } from '../lib/sdks.mjs';
import { BODY_PARSED, sendStarter, startedPackage } from '../lib/exports.mjs';
import { ROOT } from '../lib/process.mjs';
import { interleavedRounds, middle as median } from '../lib/stats.mjs';

const PACKAGE = join(ROOT, 'node_modules/contiguity-imessage');
globalThis.fetch = async () => new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json' } });
const started = await startedPackage(PACKAGE);
const { imessage, glue } = started;

const init = () => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(VALID_SEND) });
const startSend = sendStarter(started); // as api.js starts a send
const start = () => startSend(VALID_SEND);
// As api.js calls callAnswered: the status and the parsed body given.
const answer = (call, response, text) => glue.callAnswered(call, response, response.status, text, JSON.parse(text), BODY_PARSED);
const VARIANTS = {
  'floor: fetch, text, JSON.parse': async () => JSON.parse(await (await fetch('https://api.contiguity.com/send/imessage', init())).text()),
  '+ callStart, callFree': async () => {
    const call = start();
    const result = JSON.parse(await (await fetch('https://api.contiguity.com/send/imessage', init())).text());
    glue.callFree(call);
    return result;
  },
  '+ callFetch instead of fetch': async () => {
    const call = start();
    const result = JSON.parse(await (await glue.callFetch(call, undefined)).text());
    glue.callFree(call);
    return result;
  },
  '+ callAnswered after JSON.parse': async () => {
    const call = start();
    const response = await glue.callFetch(call, undefined);
    const result = answer(call, response, await response.text());
    glue.callFree(call);
    return result;
  },
  '+ a fresh AbortController': async () => {
    const call = start();
    const response = await glue.callFetch(call, new AbortController().signal);
    const result = answer(call, response, await response.text());
    glue.callFree(call);
    return result;
  },
  '+ a deadline timer': async () => {
    const call = start();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    const response = await glue.callFetch(call, controller.signal);
    const text = await response.text();
    clearTimeout(timer);
    const result = answer(call, response, text);
    glue.callFree(call);
    return result;
  },
  'send (api.js: the race, the body read with its limit)': () => imessage.send(VALID_SEND),
};

const names = Object.keys(VARIANTS);
const cpuClock = {
  start: () => process.cpuUsage(),
  elapsedUs: (started) => {
    const { user, system } = process.cpuUsage(started);
    return user + system;
  },
};
const samples = await interleavedRounds(VARIANTS, { rounds: 13, calls: 2000, clock: cpuClock });
const floor = samples[names[0]];
let previous = floor;
for (const name of names) {
  const over = median(samples[name].map((us, i) => us - floor[i]));
  const step = median(samples[name].map((us, i) => us - previous[i]));
  previous = samples[name];
  console.log(`${name.padEnd(54)} ${median(samples[name]).toFixed(1).padStart(6)}   over floor ${over.toFixed(1).padStart(5)}   this step ${step.toFixed(1).padStart(5)}`);
}
console.log('µs of CPU per awaited call, median of 11 rounds of 2,000');
