// Memory after many calls through one client: the JS heap and the wasm
// linear memory must stay flat (objects freed, no leaked closures).
//   node --expose-gc bench/memory.mjs [calls] [--sdk=ours|official]
// prints one JSON line. `--sdk=official` runs the same loop through the
// official `contiguity` SDK for comparison (it has no wasm memory: null).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { INVALID_SEND, VALID_SEND, loadIMessage, stubGlobalFetch } from './lib/sdks.mjs';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const args = process.argv.slice(2);
const calls = Number(args.find((arg) => !arg.startsWith('--')) ?? 100000);
const sdk = args.find((arg) => arg.startsWith('--sdk='))?.slice('--sdk='.length) ?? 'ours';
if (!['ours', 'official'].includes(sdk)) throw new Error(`unknown --sdk=${sdk}`);

stubGlobalFetch();
const im = await loadIMessage(sdk);

// The package's own wasm-bindgen glue (the same module instance the package
// uses), to read the size of the wasm memory.
async function wasmMemoryReader() {
  if (sdk !== 'ours') return () => null;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('contiguity-imessage/package.json'));
  const glue = await import(pathToFileURL(join(dir, 'contiguity_imessage.js')).href);
  // Found by type: the build shortens export names (scripts/shorten-wasm-names.mjs).
  const memory = () => Object.values(glue.initSync()).find((e) => e instanceof WebAssembly.Memory);
  return () => memory().buffer.byteLength;
}
const wasmMemory = await wasmMemoryReader();

function snapshot() {
  globalThis.gc();
  globalThis.gc();
  return { heapUsed: process.memoryUsage().heapUsed, wasmMemory: wasmMemory() };
}

async function run(n) {
  for (let i = 0; i < n; i++) {
    if (i % 10 === 9) {
      // Every tenth call is rejected by validation: that path must not leak either.
      await im.send(INVALID_SEND).catch(() => {});
    } else {
      await im.send({ ...VALID_SEND, message: `message ${i}` });
    }
  }
}

const warmup = Math.min(10000, Math.floor(calls / 10));
await run(warmup);
const before = snapshot();
await run(calls - warmup);
const after = snapshot();
const growth = (from, to) => (from === null ? null : to - from);
console.log(
  JSON.stringify({
    sdk,
    calls,
    warmup,
    heapUsedBefore: before.heapUsed,
    heapUsedAfter: after.heapUsed,
    heapGrowthBytes: after.heapUsed - before.heapUsed,
    wasmMemoryBefore: before.wasmMemory,
    wasmMemoryAfter: after.wasmMemory,
    wasmGrowthBytes: growth(before.wasmMemory, after.wasmMemory),
  }),
);
