// Writes the wasm's bytes as a JS module (base64 text as its default
// export), for the Node.js entry: a bundle then carries the module in its
// own code, and needs no `.wasm` file beside it.
//   node scripts/embed-wasm.mjs <module.wasm> <out.js>
// Base64 because ASCII text in a string literal passes through every
// bundler and minifier unchanged, and Node.js and Bun decode it natively
// (Buffer.from). The module is validated first, so a truncated file fails
// the build rather than the first call.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [wasmPath, outPath] = process.argv.slice(2);
const bytes = readFileSync(wasmPath);
if (!WebAssembly.validate(bytes)) {
  console.error(`embed-wasm: ${wasmPath} is not a valid WebAssembly module`);
  process.exit(1);
}
writeFileSync(
  outPath,
  `// ${basename(wasmPath)}, base64-encoded by scripts/embed-wasm.mjs.\n` +
    `export default '${bytes.toString('base64')}';\n`,
);
