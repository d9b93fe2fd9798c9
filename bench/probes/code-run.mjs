// Which wasm functions one valid send runs, and how many bytes of code they
// hold: a figure of what a send touches that does not move from run to run,
// where its time between two requests does (idle-steps.mjs). A build of the
// module is instrumented with wasm-opt's --log-execution (a call to an
// import at each function's entry and each loop's head), one send made
// through the package's api.js with a stubbed fetch, and the functions
// whose marks were reached are listed, largest first, with the size of
// their code in the module as shipped (wasm-opt -Oz, as the Makefile makes
// it). A function's size is the most of it a send can run: a send runs one
// method's branch of `callStart`, say, not all of it. Also counted, from a
// copy instrumented with --instrument-memory: the loads and stores of wasm
// memory one send makes, and the 64-byte lines and 4 KiB pages they touch
// (copies by `memory.copy` and the glue's own writes are not seen).
//   make build && node bench/probes/code-run.mjs [rows]
// (from the cargo build in target/; default 30 rows). Needs wasm-bindgen,
// wasm-opt and wasm-dis, which `make setup` installs. Not part of `make bench`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, ENVELOPE, VALID_SEND } from '../lib/sdks.mjs';
import { ROOT } from '../lib/process.mjs';

const rows = Number(process.argv[2] ?? 30);
const NAME = 'contiguity_imessage';
const CARGO_WASM = join(ROOT, `target/wasm32-unknown-unknown/release/${NAME}.wasm`);
// wasm-opt's feature flags, as the Makefile gives them (two lines there).
const features = /^WASM_FEATURES := ([^\n]*\\\n[^\n]*)/m.exec(readFileSync(join(ROOT, 'Makefile'), 'utf8'));
if (!features) throw new Error('the Makefile has changed: WASM_FEATURES is not on the two lines expected');
const FEATURES = features[1].replace('\\\n', ' ').split(/\s+/).filter(Boolean);
const dir = join(ROOT, 'target/bench/code-run');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
// wasm-opt and wasm-dis from the workspace's binaryen, wasm-bindgen from cargo's bin.
const PATH = [join(ROOT, 'node_modules/.bin'), join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin'), process.env.PATH].join(':');
const tool = (name, args) => execFileSync(name, args, { cwd: dir, env: { ...process.env, PATH } });

// The module as the Makefile makes it, names kept (-g), and two instrumented copies.
tool('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', dir, '--out-name', NAME, CARGO_WASM]);
tool('wasm-opt', [...FEATURES, '-g', '-Oz', `${NAME}_bg.wasm`, '-o', 'shipped.wasm']);
tool('wasm-opt', [...FEATURES, '-g', '--log-execution', 'shipped.wasm', '-o', 'logged.wasm']);
tool('wasm-opt', [...FEATURES, '-g', '--instrument-memory', 'shipped.wasm', '-o', 'memory.wasm']);
tool('wasm-dis', [...FEATURES, 'shipped.wasm', '-o', 'shipped.wat']);
tool('wasm-dis', [...FEATURES, 'logged.wasm', '-o', 'logged.wat']);

// The package's JS beside an instrumented module (a copy each: api.js
// keeps one instance), the glue patched as the build patches it, with the
// imports the instrumentation added. Makes one valid send after a first one
// (which also instantiates the module), `observe` on from just before it.
// `addImports` rewrites the start of the glue's imports object.
globalThis.fetch = async () =>
  new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(ENVELOPE.length) } });
async function sendThrough(module, addImports, observe) {
  const copy = join(dir, module.replace('.wasm', ''));
  cpSync(join(ROOT, 'pkg-template'), copy, { recursive: true });
  const gluePath = join(copy, `${NAME}.js`);
  copyFileSync(join(dir, `${NAME}.js`), gluePath);
  execFileSync('node', [join(ROOT, 'scripts/patch-glue.mjs'), gluePath]);
  const glue = readFileSync(gluePath, 'utf8');
  const returned = '    return {\n        __proto__: null,\n';
  if (glue.split(returned).length !== 2) throw new Error('the glue has changed: its imports object was not found once');
  writeFileSync(gluePath, glue.replace(returned, () => addImports(returned)));
  const { createApi } = await import(pathToFileURL(join(copy, 'api.js')).href);
  const { initSync } = await import(pathToFileURL(gluePath).href);
  const { Contiguity } = createApi(
    () => 'Node.js',
    () => initSync({ module: readFileSync(join(dir, module)) }),
  );
  const { imessage } = new Contiguity(API_KEY);
  await imessage.send(VALID_SEND);
  observe(true);
  const sent = await imessage.send(VALID_SEND);
  observe(false);
  if (sent.message_id !== 'imsg_1') throw new Error('the send did not go through');
}

// Each function's size in the module: the code section's body sizes, in
// the order the text lists the functions.
const bytes = readFileSync(join(dir, 'shipped.wasm'));
const leb = (at) => {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
};
const sizes = [];
for (let at = 8; at < bytes.length; ) {
  const section = bytes[at++];
  const [length, start] = leb(at);
  if (section === 10) {
    let [count, next] = leb(start);
    while (count-- > 0) {
      const [size, body] = leb(next);
      sizes.push(size);
      next = body + size;
    }
  }
  at = start + length;
}
// A function's name: `$name`, or `$"..."` when it has spaces.
const nameOf = (part) => (part.startsWith('$"') ? part.slice(0, part.indexOf('"', 2) + 1) : part.split(/\s/, 1)[0]);
const functionsIn = (text) => text.split('\n (func ').slice(1).map((part) => ({ name: nameOf(part), part }));
const shipped = functionsIn(readFileSync(join(dir, 'shipped.wat'), 'utf8'));
if (shipped.length !== sizes.length) throw new Error(`${shipped.length} functions in the text, ${sizes.length} bodies`);
const logImport = /\(import "[^"]*" "log_execution" \(func (\$\S+)/.exec(readFileSync(join(dir, 'logged.wat'), 'utf8'))[1];
const escaped = logImport.replace(/[$.*+?^()[\]{}|\\]/g, '\\$&');
const markCall = new RegExp(`call ${escaped}\\s*\\(i32\\.const (\\d+)\\)`, 'g');
// The function (by its index, the same in both texts) each mark is in.
const logged = functionsIn(readFileSync(join(dir, 'logged.wat'), 'utf8'));
if (logged.some(({ name }, index) => name !== shipped[index]?.name)) throw new Error('the instrumented module lists other functions');
const ownerOf = new Map();
logged.forEach(({ part }, index) => {
  for (const [, mark] of part.matchAll(markCall)) ownerOf.set(Number(mark), index);
});

const reached = new Set();
let logging = false;
globalThis.__reached = (mark) => logging && reached.add(mark);
await sendThrough('logged.wasm', (start) => `    import0.log_execution = globalThis.__reached;\n${start}`, (on) => (logging = on));

const run = [...new Set([...reached].map((mark) => ownerOf.get(mark)))].sort((a, b) => sizes[b] - sizes[a]);
const total = (indices) => indices.reduce((sum, index) => sum + sizes[index], 0);
console.log(
  `a valid send runs ${run.length} of the module's ${sizes.length} functions: ${total(run)} of its ${sizes.reduce((sum, size) => sum + size, 0)} bytes of code`,
);
const readable = (name) => name.replace(/^\$"?|"$/g, '').replace(/::h[0-9a-f]{16}$/, '');
for (const index of run.slice(0, rows)) console.log(`${String(sizes[index]).padStart(7)}  ${readable(shipped[index].name)}`);

// Every load and store the instrumented module makes passes its address
// (and offset) through these imports, which return it unchanged.
let accesses = 0;
const lines = new Set();
let counting = false;
const touch = (size, offset, address) => {
  if (!counting) return address;
  accesses += 1;
  const start = (address >>> 0) + offset;
  for (let line = Math.floor(start / 64); line <= Math.floor((start + size - 1) / 64); line++) lines.add(line);
  return address;
};
const same = (id, value) => value;
globalThis.__memoryImports = {
  load_ptr: (id, size, offset, address) => touch(size, offset, address),
  store_ptr: (id, size, offset, address) => touch(size, offset, address),
  memory_grow_pre: same,
  memory_grow_post: same,
  ...Object.fromEntries(['load', 'store'].flatMap((op) => ['i32', 'i64', 'f32', 'f64'].map((type) => [`${op}_val_${type}`, same]))),
};
await sendThrough('memory.wasm', (start) => `${start}        env: globalThis.__memoryImports,\n`, (on) => (counting = on));
const pages = new Set([...lines].map((line) => Math.floor(line / 64)));
console.log(`wasm memory: ${accesses} loads and stores, on ${lines.size} lines of 64 B in ${pages.size} pages of 4 KiB`);
