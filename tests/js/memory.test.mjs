// 100,000 calls through one client leave the JS heap and the wasm memory
// flat. Measured in a child process with --expose-gc (bench/memory.mjs, which
// `make bench` also runs); the figures are printed with the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../bench/memory.mjs', import.meta.url));

test('100,000 sends: heap and wasm memory stay flat', { timeout: 120000 }, (t) => {
  const output = execFileSync(process.execPath, ['--expose-gc', script, '100000'], { encoding: 'utf8' });
  const figures = JSON.parse(output.trim().split('\n').at(-1));
  t.diagnostic(`memory after ${figures.calls} calls: ${output.trim()}`);
  assert.equal(figures.calls, 100000);
  // wasm memory only grows by whole 64 KiB pages; after warm-up it must not grow at all.
  assert.equal(figures.wasmGrowthBytes, 0);
  // Objects of 90,000 calls, were they kept, would take tens of MB.
  assert.ok(figures.heapGrowthBytes < 2 * 1024 * 1024, `heap grew by ${figures.heapGrowthBytes} bytes`);
});
