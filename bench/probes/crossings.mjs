// Every call the wasm makes out to JS during one valid and one refused
// send, in order, by wasm-bindgen's name for it: a copy of the installed
// package (or of the folder given) whose glue counts its imports, with a
// stubbed fetch. Each crossing is a call through the engine's wasm-to-JS
// stub, and a string handed out of the wasm is a TextDecoder call too: the
// way to see what a change to src/js/ adds or saves per call.
//   node bench/probes/crossings.mjs [packageDir]    (or deno run -A)
// Reads the import names from target/wasm-renames.json, so the package must
// be the one `make pack` built last. Not part of `make bench`.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, ENVELOPE, INVALID_SEND, VALID_SEND } from '../lib/sdks.mjs';
import { ROOT } from '../lib/process.mjs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const source = resolve(args[0] ?? join(ROOT, 'node_modules/contiguity-imessage'));
const renames = JSON.parse(readFileSync(join(ROOT, 'target/wasm-renames.json'), 'utf8'));
const longName = new Map(renames.imports.map(([, from, to]) => [to, from]));
// `__wbg_parse_6670a7f1df75c94b` is `parse`, `__wbg___wbindgen_is_string_…` `__wbindgen_is_string`.
const readable = (short) =>
  (longName.get(short) ?? short).replace(/^__wbg___wbindgen_/, '__wbindgen_').replace(/^__wbg_/, '').replace(/_[0-9a-f]{16}$/, '');

const copy = mkdtempSync(join(tmpdir(), 'crossings-'));
try {
  cpSync(source, copy, { recursive: true });
  const gluePath = join(copy, 'contiguity_imessage.js');
  const glue = readFileSync(gluePath, 'utf8');
  const start = glue.indexOf('function __wbg_get_imports() {');
  const end = glue.indexOf('\n    return {', start);
  if (start < 0 || end < 0) throw new Error('the glue no longer builds its imports in __wbg_get_imports');
  const counting =
    '\n    for (const key of Object.keys(import0)) {\n' +
    '        const f = import0[key];\n' +
    "        if (typeof f === 'function') import0[key] = function (...args) { globalThis.__crossings?.push(key); return f.apply(this, args); };\n" +
    '    }';
  writeFileSync(gluePath, glue.slice(0, end) + counting + glue.slice(end));

  globalThis.fetch = async () => new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json' } });
  const { Contiguity } = await import(pathToFileURL(join(copy, 'index.node.js')).href);
  const { imessage } = new Contiguity(API_KEY);
  await imessage.send(VALID_SEND); // instantiates the wasm: its own imports are not a send's
  for (const [what, params] of [['valid send', VALID_SEND], ['refused send', INVALID_SEND]]) {
    globalThis.__crossings = [];
    await imessage.send(params).catch(() => {});
    const names = globalThis.__crossings.map(readable);
    console.log(`${what}: ${names.length} calls out of the wasm\n  ${names.join(' ')}`);
  }
} finally {
  rmSync(copy, { recursive: true, force: true });
}
