// Where our valid send's own time goes over loopback HTTP, step by step,
// measured inside a real request loop rather than a tight loop of one step
// (steps.mjs): there the same code runs with warm caches and costs a
// fraction of what it costs between two requests. A copy of the package is
// made under target/bench/stamped, its api.js marked with a clock reading
// at each step (the probe stops if api.js no longer has the lines it
// marks); the global fetch is wrapped to read the clock at its call and at
// its Response. Prints the median µs of each step over 3 rounds of 3,000
// sends, after 3,000 of warm-up. loopback-phases.mjs gives the official
// SDK's before / in flight / after for comparison. Node or Deno.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/loopback-stamps.mjs http://127.0.0.1:PORT [DIR]
//   deno run --allow-net=127.0.0.1 --allow-read --allow-write=target/bench --allow-env bench/probes/loopback-stamps.mjs URL [DIR]
// (default DIR: the installed package). Not part of `make bench`.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, OUR_ENTRY, VALID_SEND, redirectFetchTo } from '../lib/sdks.mjs';
import { ROOT } from '../lib/process.mjs';
import { middle as median } from '../lib/stats.mjs';

const [base, dir = join(ROOT, 'node_modules/contiguity-imessage')] = globalThis.Deno ? Deno.args : process.argv.slice(2);

// Each mark: a line of api.js, and the clock reading put before it (or
// after it, for `after: true`).
const MARKS = [
  { name: 'call', line: '    let call; // a call handle, or the record of why the call is refused' },
  { name: 'started', line: '    return perform(call, this.#client.timeoutMs);' },
  { name: 'armed', line: '  const deadline = deadlines.arm(timeoutMs, () => failed(TIMED_OUT));', after: true },
  { name: 'responded', line: '    response = value;' },
  { name: 'headersRead', line: "    const within = declared <= limit && header(response, 'content-encoding') === undefined;", after: true },
  // The attempt's answered callback, which text()'s value is handed to.
  { name: 'text', line: '  const answered = (body) => {', after: true },
  { name: 'parsed', line: '      kind = BODY_PARSED;', after: true },
  { name: 'answered', line: '    conclude(() => answer(call, response, body));', after: true },
];
// The intervals printed: from one mark to the next, in the order a send
// passes them ('fetch' and 'response' are read by the fetch wrapper,
// 'resumed' by the loop after its await).
const STEPS = [
  ['call', 'started', 'callStart: read the params, check them, build the request'],
  ['started', 'armed', 'the call\'s promise, an AbortController, the deadline armed'],
  ['armed', 'fetch', 'callFetch: the init object, up to the call of fetch'],
  ['fetch', 'response', 'in flight (the Response resolved)'],
  ['response', 'responded', 'to the attempt\'s callback'],
  ['responded', 'headersRead', 'content-length and content-encoding read'],
  ['headersRead', 'text', 'text()'],
  ['text', 'parsed', 'JSON.parse'],
  ['parsed', 'answered', 'callAnswered (checks, the result), the call freed, resolved'],
  ['answered', 'resumed', 'to the caller\'s await'],
];

const copy = join(ROOT, 'target/bench/stamped');
rmSync(copy, { recursive: true, force: true });
cpSync(resolve(dir), copy, { recursive: true });
let api = readFileSync(join(copy, 'api.js'), 'utf8');
for (const mark of MARKS) {
  if (api.split(mark.line).length !== 2) throw new Error(`api.js has changed: the line for mark "${mark.name}" is not there once`);
  const stamp = `globalThis.__stamps[${JSON.stringify(mark.name)}] = performance.now()`;
  const marked = mark.after ? `${mark.line}\n${stamp};` : `${stamp};\n${mark.line}`;
  api = api.replace(mark.line, () => marked);
}
writeFileSync(join(copy, 'api.js'), api);

const stamps = (globalThis.__stamps = {});
redirectFetchTo(base, (send) => {
  stamps.fetch = performance.now();
  return send().then((response) => {
    stamps.response = performance.now();
    return response;
  });
});

const { Contiguity } = await import(pathToFileURL(join(copy, OUR_ENTRY)).href);
const { imessage } = new Contiguity(API_KEY);
const ROUNDS = 3;
const SENDS = 3000;
const perRound = STEPS.map(() => []);
for (let round = -1; round < ROUNDS; round++) {
  const samples = STEPS.map(() => []);
  for (let i = 0; i < SENDS; i++) {
    for (const key in stamps) stamps[key] = NaN; // a mark not passed stays NaN
    await imessage.send(VALID_SEND);
    stamps.resumed = performance.now();
    STEPS.forEach(([from, to], step) => samples[step].push((stamps[to] - stamps[from]) * 1000));
  }
  if (round < 0) continue; // warm-up
  samples.forEach((values, step) => {
    if (values.some(Number.isNaN)) throw new Error(`a send did not pass the marks of "${STEPS[step][2]}"`);
    perRound[step].push(median(values));
  });
}
for (const [step, [, , what]] of STEPS.entries()) {
  console.log(`${what.padEnd(64)} ${perRound[step].map((us) => us.toFixed(2).padStart(7)).join('')}`);
}
console.log(`µs, the median of ${SENDS} sends in each of ${ROUNDS} rounds; ${globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`}`);
