// Runs the drop-in vitest suite (tests/dropin/*.spec.js) once against the
// official SDK and once against the packed contiguity-imessage: the same
// test files, with only what the import line resolves to changed (see
// vitest.config.js). Each run is a bounded child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bin, nodeEnv, ROOT } from '../runtimes/support/consumer.mjs';
import { run } from '../runtimes/support/process.mjs';

const CONFIG = join(ROOT, 'tests/dropin/vitest.config.js');

for (const sdk of ['contiguity', 'contiguity-imessage']) {
  test(`the drop-in suite passes against ${sdk}`, async () => {
    const result = await run(bin('vitest'), ['run', '--config', CONFIG], {
      cwd: ROOT,
      env: nodeEnv({ DROPIN_SDK: sdk }),
      timeoutMs: 120_000,
    });
    assert.equal(
      result.code,
      0,
      `vitest against ${sdk} exited with ${result.code ?? result.signal}\n${result.stdout}\n${result.stderr}`,
    );
  });
}
