// Adds `__resetInstance()` to the wasm-bindgen glue: after a trap, the
// package's api.js drops the instance (its stack pointer and borrow flags
// are left mid-call) so that the next `initSync` makes a fresh one.
//   node scripts/add-instance-reset.mjs <glue.js>
// Fails the build when the glue does not declare its instance as expected.
import { readFileSync, writeFileSync } from 'node:fs';

const [gluePath] = process.argv.slice(2);
const glue = readFileSync(gluePath, 'utf8');
const declaration = /^let wasmModule, wasmInstance, wasm;$/m;
if (glue.split(declaration).length !== 2) {
  console.error('add-instance-reset: the glue does not declare `let wasmModule, wasmInstance, wasm;` once');
  process.exit(1);
}
const reset = `
/** Forgets the instance; the next initSync() instantiates the module afresh. */
export function __resetInstance() {
    wasm = undefined;
    wasmInstance = undefined;
}
`;
writeFileSync(gluePath, `${glue}${reset}`);
