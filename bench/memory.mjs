// Memory after many calls through one client: the JS heap and the wasm
// linear memory must stay flat (objects freed, no leaked closures).
//   node --expose-gc bench/memory.mjs [calls]     prints one JSON line
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Contiguity } from 'contiguity-imessage';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const calls = Number(process.argv[2] ?? 100000);
const require = createRequire(import.meta.url);
// The package's own wasm-bindgen glue (the same module instance the package
// uses), to read the size of the wasm memory.
const glueUrl = pathToFileURL(join(dirname(require.resolve('contiguity-imessage/package.json')), 'contiguity_imessage.js'));
const glue = await import(glueUrl.href);

const envelope = JSON.stringify({ id: 'req_1', timestamp: 1785698220563, api_version: 'v2026.8.2', object: 'response', data: { message_id: 'imsg_1' } });
const fetch = async () => new Response(envelope, { status: 200, headers: { 'content-type': 'application/json' } });
const im = new Contiguity('contiguity_sk_memory_bench', { fetch }).imessage;

function snapshot() {
  globalThis.gc();
  globalThis.gc();
  return { heapUsed: process.memoryUsage().heapUsed, wasmMemory: glue.initSync().memory.buffer.byteLength };
}

async function run(n) {
  for (let i = 0; i < n; i++) {
    if (i % 10 === 9) {
      // Every tenth call is rejected by validation: that path must not leak either.
      await im.send({ to: 'not a number', message: '' }).catch(() => {});
    } else {
      await im.send({ to: '+15551234567', message: `message ${i}` });
    }
  }
}

const warmup = Math.min(10000, Math.floor(calls / 10));
await run(warmup);
const before = snapshot();
await run(calls - warmup);
const after = snapshot();
console.log(
  JSON.stringify({
    calls,
    warmup,
    heapUsedBefore: before.heapUsed,
    heapUsedAfter: after.heapUsed,
    heapGrowthBytes: after.heapUsed - before.heapUsed,
    wasmMemoryBefore: before.wasmMemory,
    wasmMemoryAfter: after.wasmMemory,
    wasmGrowthBytes: after.wasmMemory - before.wasmMemory,
  }),
);
