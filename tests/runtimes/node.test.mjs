// The packed tarball, installed into a fresh consumer project, in Node:
// ES module `import`, CommonJS `require()`, and nothing done at import time;
// in the machine's Node and in the current LTS (support/consumer.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandboxProcess, API_KEY } from '../js/support/sandbox.mjs';
import { makeConsumer, nodeEnv, nodes } from './support/consumer.mjs';
import { runJson } from './support/process.mjs';
import { assertScenario, assertScenarioRequests, assertWebhookProbe } from './support/expect.mjs';

let sandbox;
let consumer;
before(async () => {
  sandbox = await startSandboxProcess();
  consumer = await makeConsumer('node', {
    fixtures: ['scenario.mjs', 'node-esm.mjs', 'node-cjs.cjs', 'node-import-probe.mjs', 'webhook-probe.mjs', 'webhook-main.mjs'],
  });
});
after(() => sandbox?.stop());

async function scenarioIn(node, entry, runtime) {
  await sandbox.reset();
  const config = JSON.stringify({ runtime, baseUrl: sandbox.url, apiKey: API_KEY });
  const { json, stderr } = await runJson(node.path, [entry, config], {
    cwd: consumer,
    env: nodeEnv(),
    timeoutMs: 30_000,
  });
  assertScenario(json, runtime);
  await assertScenarioRequests(sandbox);
  return stderr;
}

for (const node of nodes()) {
  test(`${node.name} ESM: import from the installed tarball runs the scenario`, { timeout: 60_000 }, async () => {
    await scenarioIn(node, 'node-esm.mjs', 'node-esm');
  });

  test(`${node.name} CJS: require() of the installed tarball runs the same scenario`, { timeout: 60_000 }, async () => {
    // require(esm) must work without a flag and without a warning-turned-error.
    const stderr = await scenarioIn(node, 'node-cjs.cjs', 'node-cjs');
    assert.doesNotMatch(stderr, /ERR_REQUIRE_(ESM|ASYNC_MODULE)/);
  });

  test(`${node.name}: importing does no I/O, randomness or timers; first use reads no file`, { timeout: 60_000 }, async () => {
    const { json } = await runJson(node.path, ['node-import-probe.mjs'], {
      cwd: consumer,
      env: nodeEnv(),
      timeoutMs: 30_000,
    });
    assert.deepEqual(json.atImport, []);
    assert.deepEqual(json.atFirstUse, []);
    // The spies work: the control read is seen (readFileSync itself calls the
    // spied openSync, hence the filter).
    assert.deepEqual(json.control.filter((call) => call.startsWith('readFileSync')), ['readFileSync:node-import-probe.mjs']);
  });

  test(`${node.name}: webhook verification against WebCrypto-made signatures, every form and false case`, { timeout: 60_000 }, async () => {
    const { json } = await runJson(node.path, ['webhook-main.mjs'], { cwd: consumer, env: nodeEnv(), timeoutMs: 30_000 });
    assertWebhookProbe(json);
  });

  test(`${node.name}: the entry needs no .wasm file; a broken embedded module says so, naming the runtime`, { timeout: 60_000 }, async () => {
    const broken = await makeConsumer('node-broken', {});
    const installed = join(broken, 'node_modules/contiguity-imessage');
    const probe = `
      import { Contiguity } from 'contiguity-imessage';
      try { new Contiguity('contiguity_sk_probe'); console.log(JSON.stringify({ threw: false })); }
      catch (e) { console.log(JSON.stringify({ threw: true, isError: e instanceof Error, message: e.message })); }`;
    const construct = async () =>
      (await runJson(node.path, ['--input-type=module', '-e', probe], { cwd: broken, env: nodeEnv(), timeoutMs: 30_000 })).json;

    rmSync(join(installed, 'contiguity_imessage_bg.wasm'));
    assert.deepEqual(await construct(), { threw: false });

    // The magic number and version, then nothing: not a module.
    writeFileSync(join(installed, 'contiguity_imessage_bg.wasm.base64.js'), "export default 'AGFzbQEAAAAB';\n");
    const json = await construct();
    assert.equal(json.threw, true);
    assert.equal(json.isError, true);
    assert.match(
      json.message,
      new RegExp(`^contiguity-imessage could not start in Node\\.js ${node.version.replaceAll('.', '\\.')}: WebAssembly\\.Module\\(\\)`),
    );
  });
}
