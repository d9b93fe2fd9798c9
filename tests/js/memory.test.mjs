// 100,000 calls through one client leave the JS heap and the wasm memory
// flat. Measured in a child process with --expose-gc (bench/memory.mjs, which
// `make bench` also runs); the figures are printed with the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runJson } from '../runtimes/support/process.mjs';

const script = fileURLToPath(new URL('../../bench/memory.mjs', import.meta.url));

test('100,000 sends: heap and wasm memory stay flat', async (t) => {
  // Bounded: a hang is killed (and fails the run) after two minutes.
  const { json: figures, stdout } = await runJson(process.execPath, ['--expose-gc', script, '100000'], {
    timeoutMs: 120_000,
  });
  t.diagnostic(`memory after 100,000 calls: ${stdout.trim()}`);
  // wasm memory only grows by whole 64 KiB pages; after warm-up it must not grow at all.
  assert.equal(figures.wasmGrowthBytes, 0);
  // Were anything of each call kept (its params, its result, a timer or a
  // listener), 90,000 calls would take many times the 2 MiB allowed.
  assert.ok(figures.heapGrowthBytes < 2 * 1024 * 1024, `heap grew by ${figures.heapGrowthBytes} bytes`);
});
