// The packed tarball in Bun (the binary of the `bun` npm package), which
// resolves the "node" export condition: run as installed (`bun run`), and
// bundled by `bun build --target=bun`, the bundle run alone in a folder
// (support/alone.mjs: no .wasm beside it). Start-up errors name Bun, not the
// Node.js version Bun reports in process.versions. createWebhookHandler
// under Bun.serve, checked as in every other runtime
// (tests/runtimes/support/handler-checks.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandboxProcess } from '../js/support/sandbox.mjs';
import { bin, makeConsumer, nodeEnv } from '../runtimes/support/consumer.mjs';
import { run, runJson, startServer } from '../runtimes/support/process.mjs';
import { API_KEY } from '../js/support/sandbox.mjs';
import { checks, SANDBOX_SECRET, SECRETS, startGate } from '../runtimes/support/handler-checks.mjs';
import { assertProbe, assertStartError, platformFiles, probeConfig } from './support/expect.mjs';
import { moveAlone } from './support/alone.mjs';

const BUN = bin('bun');
// No transpiler cache (Bun writes it under $HOME otherwise), no telemetry.
const bunEnv = () => nodeEnv({ BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0', DO_NOT_TRACK: '1' });

let sandbox;
let consumer;
before(async () => {
  sandbox = await startSandboxProcess();
  consumer = await makeConsumer('bun', {
    fixtures: ['scenario.mjs'],
    files: platformFiles('platform-probe.mjs', 'main.mjs', 'main-require.cjs', 'start-probe.mjs'),
  });
});
after(() => sandbox?.stop());

async function probeWithBun(script, cwd, runtime) {
  await sandbox.reset();
  const config = probeConfig(sandbox, runtime);
  const { json } = await runJson(BUN, ['run', script, JSON.stringify(config)], { cwd, env: bunEnv(), timeoutMs: 30_000 });
  await assertProbe(json, sandbox, { runtime });
}

test('Bun: `bun run` of the installed package, by import and by require()', { timeout: 60_000 }, async () => {
  await probeWithBun('main.mjs', consumer, 'bun-run');
  await probeWithBun('main-require.cjs', consumer, 'bun-run-require');
});

test('Bun: a `bun build --target=bun` bundle runs with no .wasm beside it', { timeout: 60_000 }, async () => {
  const built = await run(BUN, ['build', '--target=bun', 'main.mjs', '--outdir', 'dist'], {
    cwd: consumer,
    env: bunEnv(),
    timeoutMs: 30_000,
  });
  assert.equal(built.code, 0, built.stderr);
  assert.deepEqual(readdirSync(join(consumer, 'dist')), ['main.js']); // the bundle, and no asset to load
  const alone = moveAlone(join(consumer, 'dist/main.js'));
  try {
    await probeWithBun(alone.file, alone.dir, 'bun-build');
  } finally {
    alone.remove();
  }
});

test('Bun: a start-up error names Bun and its version', { timeout: 60_000 }, async () => {
  const version = (await run(BUN, ['--version'], { env: bunEnv(), timeoutMs: 10_000 })).stdout.trim();
  assert.match(version, /^\d+\.\d+\.\d+$/);
  const broken = await makeConsumer('bun-broken', { files: platformFiles('start-probe.mjs') });
  // The magic number and version, then nothing: not a module.
  writeFileSync(join(broken, 'node_modules/contiguity-imessage/contiguity_imessage_bg.wasm.base64.js'), "export default 'AGFzbQEAAAAB';\n");
  const { json } = await runJson(BUN, ['run', 'start-probe.mjs'], { cwd: broken, env: bunEnv(), timeoutMs: 30_000 });
  assertStartError(json, `Bun ${version.replaceAll('.', '\\.')}`, /WebAssembly\.Module/);
});

test('Bun: Bun.serve({ fetch: handler }): once; failures retried; wrong signatures; rotation; answer order', { timeout: 90_000 }, async () => {
  const [hookSandbox, gate, receiver] = await Promise.all([
    startSandboxProcess(['--webhook-secret', SANDBOX_SECRET]),
    startGate(),
    makeConsumer('bun-webhook-handler', { fixtures: ['handler-app.mjs', 'handler-bun.mjs'] }),
  ]);
  let server;
  try {
    const config = { secrets: SECRETS, apiKey: API_KEY, baseUrl: hookSandbox.url, gateUrl: gate.url };
    server = await startServer(BUN, ['run', 'handler-bun.mjs', JSON.stringify(config)], {
      cwd: receiver,
      env: bunEnv(),
      timeoutMs: 60_000,
      ready: /"url":"(http:\/\/[^"]+)"/,
    });
    const check = checks({ sandbox: hookSandbox, gate });
    await check.answeringAfterTheCallback((route) => `${server.url}/${route}`);
  } finally {
    await server?.stop();
    await gate.close();
    await hookSandbox.stop();
  }
});
