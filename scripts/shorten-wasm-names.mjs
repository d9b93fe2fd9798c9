// Applies wasm-opt's --minify-imports-and-exports-and-modules renames to the
// wasm-bindgen glue, so both sides agree on the short names.
//   node scripts/shorten-wasm-names.mjs <renames.json> <glue.js> <module.wasm>
//
// wasm-bindgen names every import `__wbg_<name>_<16 hex digits>`: about a
// hundred of them, each spelled in the wasm's import section and again in
// the glue, and hashes do not compress. Short names make both smaller
// (BENCHMARKS.md, "Size work"), with no change in what either does. The renames come from wasm-opt (its stdout, JSON); the glue
// is rewritten only where it names an import (a key of the import object),
// the import module, or an export (`wasm.<name>`), and every name must be
// found exactly where expected, or the build fails.
import { readFileSync, writeFileSync } from 'node:fs';

const [renamesPath, gluePath, wasmPath] = process.argv.slice(2);
const renames = JSON.parse(readFileSync(renamesPath, 'utf8'));
let glue = readFileSync(gluePath, 'utf8');
const fail = (why) => {
  console.error(`shorten-wasm-names: ${why}`);
  process.exit(1);
};

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Imports: the keys of the object `__wbg_get_imports` builds, one per line.
const modules = new Set();
for (const [module, from, to] of renames.imports) {
  modules.add(module);
  const key = new RegExp(`^(\\s+)${escape(from)}(: function)`, 'gm');
  const found = glue.match(key)?.length ?? 0;
  if (found !== 1) fail(`import ${from} is defined ${found} times in the glue, not once`);
  glue = glue.replace(key, (_, indent, rest) => `${indent}${to}${rest}`); // `to` may be `$`
}

// The import module: wasm-opt gives every import the same new module name.
const imported = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmPath)));
const newModules = new Set(imported.map((i) => i.module));
if (modules.size !== 1 || newModules.size !== 1) fail('expected one import module before and after');
const [oldModule] = modules;
const [newModule] = newModules;
const moduleKey = `${JSON.stringify(oldModule)}: import0`;
if (glue.split(moduleKey).length !== 2) fail(`the glue does not name its import module once (${moduleKey})`);
glue = glue.replace(moduleKey, `${JSON.stringify(newModule)}: import0`);

// Exports: every `wasm.<name>` the glue reads.
const exported = new Map(renames.exports);
glue = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (_, name) => {
  if (!exported.has(name)) fail(`the glue reads wasm.${name}, which the module does not export`);
  return `wasm.${exported.get(name)}`;
});

writeFileSync(gluePath, glue);
