// Every function the built wasm module imports, checked against an
// allow-list. A JS exception that unwinds through wasm frames skips the
// module's own clean-up (its stack pointer, a table borrowed mid-step), so
// each import must either be a `catch` binding (its whole body in a `try`
// whose `catch` hands the exception to the wasm as a value: wasm-bindgen
// writes it with a `handleError` wrapper, scripts/patch-glue.mjs inlines
// it as `handleThrown`) or be
// named below with the reason it cannot run a caller's code. A new import
// that is neither fails this test.
//
// The imports are read from what is shipped: the glue's import object in
// the installed package, whose keys wasm-opt shortened; the build's
// target/wasm-renames.json maps them back to wasm-bindgen's names
// (`__wbg_<name>_<hash>`), of which the hash is dropped (it changes with
// the crate's version).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../runtimes/support/process.mjs';

const require = createRequire(import.meta.url);
const PACKAGE = require.resolve('contiguity-imessage/package.json').replace(/package\.json$/, '');
const GLUE = readFileSync(`${PACKAGE}contiguity_imessage.js`, 'utf8');
const WASM = readFileSync(`${PACKAGE}contiguity_imessage_bg.wasm`);
const RENAMES = JSON.parse(readFileSync(new URL('../../target/wasm-renames.json', import.meta.url), 'utf8'));

// Imports that are not `catch`, each with what it must do (a fragment of its
// glue function) and why that cannot throw into the wasm. Matching the code
// as well as the name keeps an entry from vouching for another binding of
// the same name (`parse` is both Date.parse and JSON.parse).
const CANNOT_THROW = [
  ...Object.entries({
    is_undefined: 'arg0 === undefined',
    is_object: "typeof(val) === 'object' && val !== null",
    is_function: "typeof(arg0) === 'function'",
    is_symbol: "typeof(arg0) === 'symbol'",
  }).map(([name, does]) => ({
    name: `__wbindgen_${name}`,
    does,
    why: 'a typeof or === test, which runs no code whatever the value is (a Proxy or a revoked one included)',
  })),
  {
    name: '__wbindgen_number_get',
    does: "typeof(obj) === 'number'",
    why: 'a typeof test, then the number written into wasm memory',
  },
  {
    name: '__wbindgen_boolean_get',
    does: "typeof(v) === 'boolean'",
    why: 'a typeof test on the value',
  },
  {
    name: '__wbindgen_string_get',
    does: "typeof(obj) === 'string'",
    why: "a typeof test; only a string primitive is then copied into wasm memory, by the glue's own encoder",
  },
  {
    name: 'length',
    does: 'arg0.length',
    why: "Keys::count, the length of an array Object.keys made, which is no getter",
  },
  {
    name: '__wbindgen_generic',
    does: 'Cast intrinsic for `F64 -> Externref`',
    why: 'returns the number it is given',
  },
  {
    name: '__wbindgen_generic',
    does: 'Cast intrinsic for `Ref(String) -> Externref`',
    why: "decodes a string from wasm memory with the glue's own decoder",
  },
  {
    name: '__wbindgen_init_externref_table',
    does: 'table.set(',
    why: "runs once at instantiation and fills the module's own table",
  },
  {
    name: 'static_accessor_GLOBAL_THIS',
    does: 'const ret = globalThis;',
    why: 'reads the global binding `globalThis`; a caller would have to redefine that binding itself to make it throw',
  },
  // Built-ins called with no caller value. Like the glue's own TextEncoder
  // and typed arrays, they run no caller code unless the caller replaced
  // the built-in itself.
  { name: 'now', does: 'Date.now()', why: 'no argument' },
  { name: 'random', does: 'Math.random()', why: 'no argument' },
  {
    name: 'parse',
    does: 'Date.parse(getStringFromWasm0(',
    why: 'a string made from wasm memory: parsing it calls no valueOf or toString of a caller',
  },
];

/** A glue's import object (the shipped one's by default): each key with the source of its function. */
function importsInGlue(glue = GLUE) {
  const start = glue.indexOf('function __wbg_get_imports() {');
  const end = glue.indexOf('\n    return {', start);
  assert.ok(start >= 0 && end > start, 'the glue builds its imports in __wbg_get_imports');
  const object = glue.slice(start, end);
  const keys = [...object.matchAll(/^ {8}([A-Za-z_$][\w$]*): function ?\(/gm)];
  return keys.map((match, i) => ({
    key: match[1],
    source: object.slice(match.index, keys[i + 1]?.index ?? object.length).trim(),
  }));
}

/** wasm-bindgen's name without its hash: `__wbg_parse_48a1…` is `parse`. */
function bindgenName(name) {
  return name
    .replace(/^__wbg___wbindgen_/, '__wbindgen_')
    .replace(/^__wbg_/, '')
    .replace(/_[0-9a-f]{16}$/, '');
}

test('the renames, the glue and the module agree on the imports', () => {
  const moduleImports = WebAssembly.Module.imports(new WebAssembly.Module(WASM));
  const shortNames = RENAMES.imports.map(([, , to]) => to).sort();
  assert.deepEqual(moduleImports.map((i) => i.name).sort(), shortNames, 'target/wasm-renames.json is from this build');
  assert.deepEqual(importsInGlue().map((i) => i.key).sort(), shortNames);
  assert.ok(moduleImports.every((i) => i.kind === 'function'));
});

test('handleThrown hands a thrown exception to the wasm as a value', () => {
  const handleThrown = /function handleThrown\(e\) \{\n([\s\S]*?)\n\}/.exec(GLUE)?.[1];
  assert.ok(handleThrown, 'the glue defines handleThrown');
  assert.match(handleThrown, /^\s*const idx = addToExternrefTable0\(e\);\s*wasm\.\w+\(idx\);\s*$/);
  assert.doesNotMatch(GLUE, /handleError/, "no import is left in wasm-bindgen's wrapper");
});

// wasm-bindgen's own output, before scripts/patch-glue.mjs (the Makefile
// writes it there and copies it into the package to be patched).
const UNPATCHED = readFileSync(new URL('../../target/glue/contiguity_imessage.js', import.meta.url), 'utf8');
const PATCH_GLUE = fileURLToPath(new URL('../../scripts/patch-glue.mjs', import.meta.url));

/** patch-glue run on `glue` in a scratch folder: its exit code, stderr and the glue it left. */
async function patched(glue) {
  const dir = mkdtempSync(join(tmpdir(), 'patch-glue-'));
  try {
    const file = join(dir, 'glue.js');
    writeFileSync(file, glue);
    const { code, stderr } = await run(process.execPath, [PATCH_GLUE, file], { timeoutMs: 30_000 });
    return { code, stderr, glue: readFileSync(file, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("patch-glue keeps each catch import's body whole, and the rest of the imports as they were", async () => {
  const result = await patched(UNPATCHED);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.glue, GLUE, 'the shipped glue is what patch-glue makes of wasm-bindgen\'s');
  const after = new Map(importsInGlue(result.glue).map(({ key, source }) => [key, source]));
  let rewritten = 0;
  for (const { key, source } of importsInGlue(UNPATCHED)) {
    // Cut by position, not by the script's pattern: `key: function() {
    // return handleError(function (<params>) {<body>}, arguments); }`.
    const opening = `${key}: function() { return handleError(function (`;
    const closing = '}, arguments); }';
    const comma = source.endsWith(',') ? ',' : '';
    if (!source.startsWith(opening)) {
      assert.equal(after.get(key), source, `${key} is not a catch import and is left alone`);
      continue;
    }
    assert.ok(source.endsWith(closing + comma), `${key} ends as wasm-bindgen's wrapper does`);
    const inner = source.slice(opening.length, source.length - closing.length - comma.length);
    const params = inner.slice(0, inner.indexOf(') {'));
    const body = inner.slice(params.length + ') {'.length);
    assert.equal(after.get(key), `${key}: function (${params}) { try {${body}} catch (e) { handleThrown(e); } }${comma}`);
    rewritten++;
  }
  assert.ok(rewritten > 0);
});

test('patch-glue fails the build on a glue worded otherwise than it expects', async () => {
  const variants = {
    'one wrapper spaced differently': UNPATCHED.replace('function() { return handleError(', 'function () { return handleError('),
    'one wrapper without its semicolon': UNPATCHED.replace('}, arguments); }', '}, arguments) }'),
    'handleError defined otherwise': UNPATCHED.replace('return f.apply(this, args);', 'return f.call(this, ...args);'),
  };
  for (const [what, glue] of Object.entries(variants)) {
    assert.notEqual(glue, UNPATCHED, what);
    const result = await patched(glue);
    assert.equal(result.code, 1, what);
    assert.match(result.stderr, /^patch-glue: /, what);
  }
});

test('every import is a catch binding or on the allow-list, with its reason', (t) => {
  const fromShort = new Map(RENAMES.imports.map(([, from, to]) => [to, from]));
  const used = new Set();
  const refused = [];
  let catchCount = 0;
  for (const { key, source } of importsInGlue()) {
    const name = bindgenName(fromShort.get(key));
    // The whole body in the try: it opens the function and its catch ends it.
    if (/^\w+: function \([\w, ]*\) \{ try \{[\s\S]*\} catch \(e\) \{ handleThrown\(e\); \} \},?$/.test(source)) {
      catchCount++;
      continue;
    }
    const entries = CANNOT_THROW.filter((entry) => entry.name === name && source.includes(entry.does));
    if (entries.length !== 1) {
      refused.push(`${fromShort.get(key)} (shipped as ${key}):\n${source}`);
      continue;
    }
    used.add(entries[0]);
  }
  t.diagnostic(`${catchCount} catch imports, ${used.size} allow-listed`);
  assert.deepEqual(refused, [], 'imports that are neither `catch` nor allow-listed (make them `catch` in src/js/boundary.rs, or add them here with a reason)');
  const stale = CANNOT_THROW.filter((entry) => !used.has(entry)).map((e) => `${e.name}: ${e.does}`);
  assert.deepEqual(stale, [], 'allow-list entries no import matches any more');
});
