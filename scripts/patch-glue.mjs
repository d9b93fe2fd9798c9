// Rewrites the wasm-bindgen glue (--target web) for the platforms the
// package runs on, in place:
//   node scripts/patch-glue.mjs <glue.js>
//
// 1. initSync checks `module instanceof WebAssembly.Module`, which is false
//    for a module compiled in another realm: Next.js and the `edge-runtime`
//    package compile an edge route's `.wasm?module` import outside the `vm`
//    context the route runs in. The glue then tries to compile the module
//    again, which throws (and compiling at run time is forbidden at the edge
//    anyway). The brand check by Object.prototype.toString holds in every
//    realm, and `new WebAssembly.Instance` accepts such a module.
// 2. The async init's default, `new URL('<name>.wasm', import.meta.url)`, is
//    code the package never runs (every entry passes the module in), but
//    webpack, Turbopack and others see the pattern and emit the `.wasm` as
//    an asset of the bundle, beside the copy the entry really uses.
// 3. After a trap, the package's api.js drops the instance (its stack
//    pointer and borrow flags are left mid-call) so that the next initSync
//    makes a fresh one: `__resetInstance()` is added for that.
// 4. Each `catch` import is wrapped as `function() { return handleError(
//    function (args) { body }, arguments); }`: a closure made and applied
//    with `arguments` on every call, a dozen times a send. Written instead
//    as `function (args) { try { body } catch (e) { handleThrown(e); } }`,
//    which does the same (the body never reads `this`); V8's profile of a
//    send over loopback HTTP had the wrapper among its largest rows
//    (`node bench/probes/loopback-profile.mjs`).
// 5. The glue makes its TextDecoder and TextEncoder at import. Some test
//    environments have neither (Jest's jsdom one): importing the package
//    there threw a ReferenceError before any call. They are made on first
//    use instead, so importing does nothing but define.
// 6. Two paths no entry takes, taken out for the bytes a Worker ships:
//    initSync's support for its deprecated argument form (each entry passes
//    `{ module }`; the warning's text alone was most of it), and
//    passStringToWasm0's branch for a call without `realloc` (every call in
//    the glue passes it).
// Each spot must be found exactly once, or the build fails: a new
// wasm-bindgen that words them differently must be looked at, not shipped.
import { readFileSync, writeFileSync } from 'node:fs';

const [gluePath] = process.argv.slice(2);
let glue = readFileSync(gluePath, 'utf8');

function replaceOnce(pattern, replacement, what) {
  const found = glue.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;
  if (found !== 1) {
    console.error(`patch-glue: expected ${what} once in ${gluePath}, found it ${found} times`);
    process.exit(1);
  }
  glue = glue.replace(pattern, replacement);
}

replaceOnce(
  /if \(!\(module instanceof WebAssembly\.Module\)\) \{/,
  "if (Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {",
  "initSync's `module instanceof WebAssembly.Module` check",
);
replaceOnce(
  /module_or_path = new URL\('[\w.-]+\.wasm', import\.meta\.url\);/,
  "throw new Error('contiguity-imessage: the wasm module must be passed in (the entry files do)');",
  "the async init's default `new URL('….wasm', import.meta.url)`",
);

replaceOnce(
  /^let wasmModule, wasmInstance, wasm;$/m,
  `let wasmModule, wasmInstance, wasm;

/** Forgets the instance; the next initSync() instantiates the module afresh. */
export function __resetInstance() {
    wasm = undefined;
    wasmInstance = undefined;
}`,
  'the declaration `let wasmModule, wasmInstance, wasm;`',
);

const WRAPPED = /function\(\) \{ return handleError\(function \(([\w, ]*)\) \{([\s\S]*?)\}, arguments\); \}/g;
const wrapped = glue.match(WRAPPED)?.length ?? 0;
glue = glue.replace(WRAPPED, 'function ($1) { try {$2} catch (e) { handleThrown(e); } }');
replaceOnce(
  /^function handleError\(f, args\) \{\n    try \{\n        return f\.apply\(this, args\);\n    \} catch \(e\) \{\n(        const idx = addToExternrefTable0\(e\);\n        wasm\.\w+\(idx\);\n)    \}\n\}$/m,
  'function handleThrown(e) {\n$1}',
  'the definition of handleError',
);
if (wrapped === 0 || glue.includes('handleError')) {
  console.error(`patch-glue: ${wrapped} catch imports rewritten, but handleError is still used in ${gluePath}`);
  process.exit(1);
}

replaceOnce(
  /^let cachedTextDecoder = new TextDecoder\('utf-8', \{ ignoreBOM: true \}\);\ncachedTextDecoder\.decode\(\);$/m,
  'let cachedTextDecoder; // made on first use, in decodeText',
  "the glue's TextDecoder made at import",
);
replaceOnce(
  /numBytesDecoded \+= bytes\.length;\n    if \(numBytesDecoded >= MAX_SAFARI_DECODE_BYTES\) \{/,
  'numBytesDecoded += bytes.length;\n    if (cachedTextDecoder === undefined || numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {',
  "decodeText's check for a fresh TextDecoder",
);
replaceOnce(
  /^const cachedTextEncoder = new TextEncoder\(\);\n\n(if \(!\('encodeInto' in cachedTextEncoder\)\) \{\n[\s\S]*?\n\})$/m,
  'let cachedTextEncoder; // made on first use, by textEncoder()\n\nfunction textEncoder() {\n    if (cachedTextEncoder !== undefined) return cachedTextEncoder;\n    cachedTextEncoder = new TextEncoder();\n$1\n    return cachedTextEncoder;\n}',
  "the glue's TextEncoder made at import",
);
const stringPasses = glue.match(/passStringToWasm0\(/g)?.length ?? 0;
const withRealloc = glue.match(/passStringToWasm0\(\w+, wasm\.[\w$]+, wasm\.[\w$]+\)/g)?.length ?? 0;
if (withRealloc !== stringPasses - 1) {
  console.error(`patch-glue: ${stringPasses - 1 - withRealloc} calls of passStringToWasm0 without realloc in ${gluePath}`);
  process.exit(1);
}
replaceOnce(
  /^(function passStringToWasm0\(arg, malloc, realloc\) \{\n)    if \(realloc === undefined\) \{\n[\s\S]*?\n        return ptr;\n    \}\n\n/m,
  '$1',
  "passStringToWasm0's branch for a call without realloc",
);
replaceOnce(
  /^    if \(module !== undefined\) \{\n        if \(Object\.getPrototypeOf\(module\) === Object\.prototype\) \{\n            \(\{module\} = module\)\n        \} else \{\n            console\.warn\('using deprecated parameters for `initSync\(\)`; pass a single object instead'\)\n        \}\n    \}$/m,
  '    ({ module } = module); // every entry passes { module }',
  "initSync's handling of its deprecated argument form",
);
replaceOnce(
  /const ret = cachedTextEncoder\.encodeInto\(arg, view\);/,
  'const ret = textEncoder().encodeInto(arg, view);',
  "passStringToWasm0's encodeInto",
);

writeFileSync(gluePath, glue);
