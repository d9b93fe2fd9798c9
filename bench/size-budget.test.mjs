// The size budgets: fail when the gzip -9 size of the shipped .wasm, or of
// everything a Worker importing the package ships, grows past
// bench/size-budget.json. Byte counts of the installed package (put there by
// `make pack`), not timings: they cannot flake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { measureOursMinified } from './lib/shipped.mjs';

const budget = JSON.parse(readFileSync(new URL('./size-budget.json', import.meta.url), 'utf8'));
const WASM = new URL('../node_modules/contiguity-imessage/contiguity_imessage_bg.wasm', import.meta.url);

test('the shipped wasm stays within its gzip size budget', (t) => {
  assert.ok(Number.isInteger(budget.wasmGzipBytes) && budget.wasmGzipBytes > 0, 'wasmGzipBytes in size-budget.json');
  const wasm = readFileSync(WASM);
  const gzipBytes = gzipSync(wasm, { level: 9 }).length;
  t.diagnostic(
    `contiguity_imessage_bg.wasm: ${wasm.length} B raw, ${gzipBytes} B gzip -9; ` +
      `budget ${budget.wasmGzipBytes} B, ${budget.wasmGzipBytes - gzipBytes} B to spare`,
  );
  assert.ok(
    gzipBytes <= budget.wasmGzipBytes,
    `the wasm is ${gzipBytes} B gzipped, over its budget of ${budget.wasmGzipBytes} B (bench/size-budget.json): ` +
      'make it smaller, or raise the budget with a reason in the note',
  );
});

test('a Worker importing the package ships at most 45 KB gzipped', async (t) => {
  assert.ok(Number.isInteger(budget.workerGzipBytes) && budget.workerGzipBytes > 0, 'workerGzipBytes in size-budget.json');
  const { gzipBytes, files } = await measureOursMinified();
  t.diagnostic(
    `${files.map((f) => `${f.file} ${f.gzipBytes} B`).join(' + ')} = ${gzipBytes} B gzip -9; ` +
      `budget ${budget.workerGzipBytes} B, ${budget.workerGzipBytes - gzipBytes} B to spare`,
  );
  assert.ok(
    gzipBytes <= budget.workerGzipBytes,
    `a Worker ships ${gzipBytes} B gzipped, over its budget of ${budget.workerGzipBytes} B (bench/size-budget.json)`,
  );
});
