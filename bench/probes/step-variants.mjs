// Copies of the installed package that leave out wasm steps of a valid
// send, to tell how much of the difference over loopback HTTP each step
// makes (BENCHMARKS.md, "The night of 2026-12-02: an Intel host"). Not
// packages anyone could ship: each copy starts one call on its first send
// and reuses that call's handle for every later send, never freeing it,
// and handles only the answer the loopback server gives.
//   js-only   no wasm step per send: api.js makes the request the wasm
//             would make (the same URL and init, read off one send through
//             the package here) and makes a 200's parsed body into the
//             result (result.js's resultOf)
//   start     js-only, with callStart and callFree back on every send
//   fetch     js-only, with callFetch back (the wasm makes the request)
//   answered  js-only, with callAnswered back (the wasm checks the answer)
// Everything else is the package's: the AbortController and deadline of
// each attempt, the body read (its two header reads too), the promises.
//   node bench/probes/step-variants.mjs [OUT]     (default target/bench/step-variants)
// then pass the folders it prints to loopback-builds.mjs (Node, Deno) or
// workerd-builds.mjs, beside the package itself. Not part of `make bench`.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, OUR_ENTRY, VALID_SEND } from '../lib/sdks.mjs';
import { ROOT } from '../lib/process.mjs';

const out = resolve(process.argv[2] ?? join(ROOT, 'target/bench/step-variants'));
const installed = join(ROOT, 'node_modules/contiguity-imessage');

// The request a valid send makes, as the wasm makes it.
let sent;
globalThis.fetch = async (url, init) => {
  sent = { url, init: { ...init, signal: undefined } };
  return new Response('{"data":{}}', { status: 200, headers: { 'content-type': 'application/json' } });
};
const { Contiguity } = await import(pathToFileURL(join(installed, OUR_ENTRY)).href);
await new Contiguity(API_KEY).imessage.send(VALID_SEND);
const { method, headers, body, redirect } = sent.init;
const jsFetch =
  `globalThis.fetch(${JSON.stringify(sent.url)}, { method: ${JSON.stringify(method)}, ` +
  `headers: ${JSON.stringify(headers)}, body: ${JSON.stringify(body)}, signal, redirect: ${JSON.stringify(redirect)} })`;

/** `source` with `from` replaced by `to`; throws when `from` is not in it (api.js has changed). */
function edit(source, from, to) {
  if (!source.includes(from)) throw new Error(`step-variants.mjs: api.js no longer has ${JSON.stringify(from)}`);
  return source.replace(from, to);
}

const KEEP_CALL = (api) => {
  api = edit(api, '// --- the client ---', 'let keptCall; // step-variants.mjs: one call for every send\n\n// --- the client ---');
  api = edit(api, '        glue.callFree(call);', '        if (call !== keptCall) glue.callFree(call);');
  const start = '        const started = method === SEND ? startSend(client, first) : glue.callStart(client, method, first, second);\n';
  return edit(api, start, `        if (keptCall !== undefined) return keptCall;\n${start}        keptCall = started;\n`);
};
const JS_FETCH = (api) => edit(api, 'subscribe(glue.callFetch(call, signal), responded, failed);', `subscribe(${jsFetch}, responded, failed);`);
const JS_ANSWER = (api) => {
  api = edit(api, "import { ownDeadlineTimers } from './deadline.js';", "import { ownDeadlineTimers } from './deadline.js';\nimport { resultOf } from './result.js';");
  return edit(api, '  return glue.callAnswered(call, response,', '  if (status === 200 && kind === BODY_PARSED) return resultOf(parsed);\n  return glue.callAnswered(call, response,');
};

const VARIANTS = {
  'js-only': [KEEP_CALL, JS_FETCH, JS_ANSWER],
  start: [JS_FETCH, JS_ANSWER],
  fetch: [KEEP_CALL, JS_ANSWER],
  answered: [KEEP_CALL, JS_FETCH],
};

const original = readFileSync(join(installed, 'api.js'), 'utf8');
mkdirSync(out, { recursive: true });
for (const [name, edits] of Object.entries(VARIANTS)) {
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(installed, dir, { recursive: true });
  writeFileSync(join(dir, 'api.js'), edits.reduce((api, apply) => apply(api), original));
  console.log(dir);
}
