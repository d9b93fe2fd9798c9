// The packed tarball in workerd (the Cloudflare Workers runtime, through
// Miniflare), with NO compatibility flags: bundled by wrangler as a deploy
// would, and loaded unbundled with module rules. Also: one wasm instance per
// isolate, and an import that does nothing workerd forbids at global scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess, API_KEY } from '../js/support/sandbox.mjs';
import { bin, makeConsumer, nodeEnv, wranglerEnv } from './support/consumer.mjs';
import { run, startServer } from './support/process.mjs';
import { assertScenario, assertScenarioRequests, assertWebhookProbe, EXPORTS } from './support/expect.mjs';

const MINIFLARE_SERVER = fileURLToPath(new URL('./support/miniflare-server.mjs', import.meta.url));
const COMPATIBILITY_DATE = '2026-04-01';

let sandbox;
let consumer; // one project: wrangler.toml, the fixtures, the installed tarball
before(async () => {
  sandbox = await startSandboxProcess();
  consumer = await makeConsumer('workerd', {
    fixtures: [
      'scenario.mjs',
      'worker-logic.mjs',
      'worker-bundled.js',
      'worker-direct.mjs',
      'worker-import-only.mjs',
      'worker-global-random.mjs',
      'webhook-probe.mjs',
    ],
    // Nothing beyond name, main and compatibility_date: no flags.
    files: {
      'wrangler.toml': `name = "consumer"\nmain = "worker-bundled.js"\ncompatibility_date = "${COMPATIBILITY_DATE}"\n`,
    },
  });
});
after(() => sandbox?.stop());

// Serves a Worker under Miniflare; the caller stops it (by PID) when done.
function serveWorker(scriptPath) {
  const config = {
    scriptPath: join(consumer, scriptPath),
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { BASE_URL: sandbox.url, API_KEY },
  };
  return startServer(process.execPath, [MINIFLARE_SERVER, JSON.stringify(config)], {
    cwd: consumer,
    env: nodeEnv(),
    timeoutMs: 60_000,
  });
}

async function getJson(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

// The scenario and the webhook probe, then two more requests to the same isolate: the module-scope
// request counter goes on, and the wasm module was instantiated exactly once
// (not at import: the counter is installed after the package was imported).
async function scenarioAndIsolate(scriptPath, runtime) {
  await sandbox.reset();
  const worker = await serveWorker(scriptPath);
  try {
    assertScenario(await getJson(`${worker.url}/scenario`), runtime);
    await assertScenarioRequests(sandbox);
    assertWebhookProbe(await getJson(`${worker.url}/webhook`));
    assert.deepEqual(await getJson(`${worker.url}/isolate`), { served: 3, wasmInstances: 1, client: 'function' });
    assert.deepEqual(await getJson(`${worker.url}/isolate`), { served: 4, wasmInstances: 1, client: 'function' });
  } finally {
    await worker.stop();
  }
}

test('workerd: a Worker bundled by `wrangler deploy --dry-run` runs the scenario', { timeout: 90_000 }, async () => {
  const built = await run(bin('wrangler'), ['deploy', '--dry-run', '--outdir', 'dist'], {
    cwd: consumer,
    env: wranglerEnv(),
    timeoutMs: 60_000,
  });
  assert.equal(built.code, 0, `wrangler failed:\n${built.stdout}\n${built.stderr}`);
  // wrangler resolved the "workerd" condition: the wasm is a separate module.
  assert.ok(readdirSync(join(consumer, 'dist')).some((file) => file.endsWith('contiguity_imessage_bg.wasm')));
  await scenarioAndIsolate('dist/worker-bundled.js', 'workerd-wrangler');
});

test('workerd: the package loaded by Miniflare without a bundler runs the scenario', { timeout: 60_000 }, async () => {
  await scenarioAndIsolate('worker-direct.mjs', 'workerd-miniflare');
});

test('workerd: a Worker that only imports the package starts (no I/O or random at import)', { timeout: 60_000 }, async () => {
  const worker = await serveWorker('worker-import-only.mjs');
  try {
    assert.deepEqual(await getJson(worker.url), { exports: EXPORTS });
  } finally {
    await worker.stop();
  }
  // Control: workerd does refuse random values at global scope, so the
  // start above is evidence.
  await assert.rejects(serveWorker('worker-global-random.mjs'), /Disallowed operation called within global scope/);
});
