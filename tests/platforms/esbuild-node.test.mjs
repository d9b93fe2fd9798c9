// The packed tarball bundled by `esbuild --bundle --platform=node`, as
// serverless tools package a Node.js function (ES module, or CommonJS with
// require()), the bundle run by Node.js alone in a folder (support/alone.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSandboxProcess } from '../js/support/sandbox.mjs';
import { bin, makeConsumer, nodeEnv } from '../runtimes/support/consumer.mjs';
import { run, runJson } from '../runtimes/support/process.mjs';
import { assertProbe, platformFiles, probeConfig } from './support/expect.mjs';
import { moveAlone } from './support/alone.mjs';

let sandbox;
let consumer;
before(async () => {
  sandbox = await startSandboxProcess();
  consumer = await makeConsumer('esbuild-node', {
    fixtures: ['scenario.mjs'],
    files: platformFiles('platform-probe.mjs', 'main.mjs', 'main-require.cjs'),
  });
});
after(() => sandbox?.stop());

for (const [entry, format, outfile] of [
  ['main.mjs', 'esm', 'bundle.mjs'],
  ['main-require.cjs', 'cjs', 'bundle.cjs'],
]) {
  test(`esbuild --bundle --platform=node --format=${format}: the bundle alone runs`, { timeout: 60_000 }, async () => {
    const built = await run(
      bin('esbuild'),
      [entry, '--bundle', '--platform=node', `--format=${format}`, `--outfile=dist/${outfile}`, '--log-level=warning'],
      { cwd: consumer, env: nodeEnv(), timeoutMs: 30_000 },
    );
    assert.equal(built.code, 0, built.stderr);
    assert.equal(built.stderr, ''); // not even a warning
    assert.deepEqual(readdirSync(join(consumer, 'dist')), [outfile]);

    const alone = moveAlone(join(consumer, 'dist', outfile));
    try {
      await sandbox.reset();
      const config = probeConfig(sandbox, `esbuild-node-${format}`);
      const { json } = await runJson(process.execPath, [alone.file, JSON.stringify(config)], {
        cwd: alone.dir,
        env: nodeEnv(),
        timeoutMs: 30_000,
      });
      await assertProbe(json, sandbox, { runtime: `esbuild-node-${format}` });
    } finally {
      alone.remove();
    }
  });
}
