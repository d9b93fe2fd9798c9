// The published tarball through the packaging linters: Are the Types Wrong
// (every entry's typings resolve, in the right module format, for node10,
// node16 from CommonJS and from ES modules, and bundlers) and publint
// (--strict: its warnings fail too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bin, nodeEnv, TARBALL } from '../runtimes/support/consumer.mjs';
import { run } from '../runtimes/support/process.mjs';

test('attw: no problem in any entry, for any module resolution', { timeout: 60_000 }, async () => {
  const result = await run(bin('attw'), [TARBALL, '--format', 'ascii'], { env: nodeEnv(), timeoutMs: 45_000 });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /No problems found/);
  for (const entry of ['"contiguity-imessage"', '"contiguity-imessage/sandbox"']) {
    assert.ok(result.stdout.includes(entry), `attw did not check ${entry}:\n${result.stdout}`);
  }
});

test('publint --strict: no error, warning or suggestion', { timeout: 60_000 }, async () => {
  const result = await run(bin('publint'), ['run', '--strict', TARBALL], { env: nodeEnv(), timeoutMs: 45_000 });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /All good!/);
});
