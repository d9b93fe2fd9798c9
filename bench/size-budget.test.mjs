// The size budget of the wasm: fails when the gzip -9 size of the shipped
// .wasm grows past bench/size-budget.json. A byte count of the installed
// package (put there by `make pack`), not a timing: it cannot flake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

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
