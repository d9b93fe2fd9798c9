// The packed tarball in Deno 2, from a consumer's node_modules and through
// the npm: specifier, with --allow-net for the sandbox's address only: no
// --allow-read (the deno entry imports the wasm as a module, reading no file)
// and no --allow-env (the key is passed explicitly).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess, API_KEY } from '../js/support/sandbox.mjs';
import { bin, denoEnv, makeConsumer } from './support/consumer.mjs';
import { run, runJson } from './support/process.mjs';
import { assertScenario, assertScenarioRequests, assertWebhookProbe } from './support/expect.mjs';

let sandbox;
let allowNet;
before(async () => {
  sandbox = await startSandboxProcess();
  allowNet = `--allow-net=${new URL(sandbox.url).host}`; // 127.0.0.1:PORT
});
after(() => sandbox?.stop());

async function scenarioIn(consumer, entry, runtime) {
  await sandbox.reset();
  const config = JSON.stringify({ runtime, baseUrl: sandbox.url, apiKey: API_KEY });
  const { json } = await runJson(bin('deno'), ['run', allowNet, entry, config], {
    cwd: consumer,
    env: denoEnv(),
    timeoutMs: 30_000,
  });
  assertScenario(json, runtime);
  await assertScenarioRequests(sandbox);
}

test('Deno: bare import from node_modules, --allow-net only', { timeout: 60_000 }, async () => {
  const consumer = await makeConsumer('deno-node-modules', { fixtures: ['scenario.mjs', 'deno-node-modules.mjs'] });
  await scenarioIn(consumer, 'deno-node-modules.mjs', 'deno-node-modules');
});

test('Deno: npm:contiguity-imessage specifier, --allow-net only', { timeout: 60_000 }, async () => {
  const consumer = await makeConsumer('deno-npm', {
    fixtures: ['scenario.mjs', 'deno-npm.mjs'],
    files: { 'deno.json': JSON.stringify({ nodeModulesDir: 'manual' }) },
  });
  await scenarioIn(consumer, 'deno-npm.mjs', 'deno-npm');
});

test('Deno: no key and no --allow-env is a clear ValidationError, not a crash or a prompt', { timeout: 60_000 }, async () => {
  const consumer = await makeConsumer('deno-env', { fixtures: ['deno-env-probe.mjs'] });
  // A key IS in the environment: without permission it must not be read.
  const env = denoEnv({ CONTIGUITY_API_KEY: 'contiguity_sk_env_probe' });
  const probe = (flags) => run(bin('deno'), ['run', ...flags, 'deno-env-probe.mjs'], { cwd: consumer, env, timeoutMs: 30_000 });

  const denied = await probe([]);
  assert.equal(denied.code, 0, denied.stderr);
  assert.equal(denied.stderr, ''); // no prompt, no permission warning
  const outcome = JSON.parse(denied.stdout);
  assert.equal(outcome.constructed, false);
  assert.equal(outcome.name, 'ValidationError');
  assert.equal(outcome.isValidationError, true);
  assert.deepEqual(outcome.issuePaths, ['apiKey']);
  assert.match(outcome.message, /CONTIGUITY_API_KEY/);
  assert.doesNotMatch(outcome.message, /NotCapable|PermissionDenied|Requires env access/);

  // Control: with the permission for that variable, the same code finds the key.
  const granted = await probe(['--allow-env=CONTIGUITY_API_KEY']);
  assert.equal(granted.code, 0, granted.stderr);
  assert.deepEqual(JSON.parse(granted.stdout), { constructed: true });
});

test('Deno: webhook verification against WebCrypto-made signatures, with no permission at all', { timeout: 60_000 }, async () => {
  const consumer = await makeConsumer('deno-webhook', { fixtures: ['webhook-probe.mjs', 'webhook-main.mjs'] });
  const { json } = await runJson(bin('deno'), ['run', 'webhook-main.mjs'], { cwd: consumer, env: denoEnv(), timeoutMs: 30_000 });
  assertWebhookProbe(json);
});

test('Deno: kept deadline timers still time out each attempt, follow a fake clock, survive stray clears and keep no process alive', { timeout: 60_000 }, async () => {
  const consumer = await makeConsumer('deno-deadlines', { fixtures: ['deno-deadlines.mjs'] });
  const started = Date.now();
  const { json } = await runJson(bin('deno'), ['run', 'deno-deadlines.mjs'], { cwd: consumer, env: denoEnv(), timeoutMs: 30_000 });
  const took = Date.now() - started;
  assert.equal(json.afterAnswered, 'timeout');
  // Its own 150 ms, not a kept timer's older, earlier deadline.
  assert.ok(json.afterAnsweredMs >= 140, `timed out after ${json.afterAnsweredMs} ms`);
  assert.deepEqual(
    json.concurrent,
    Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'imsg_1' : 'timeout')),
  );
  assert.deepEqual(json.fakeTimersArmed, [60_000]);
  assert.equal(json.underFakeClock, 'timeout');
  assert.equal(json.underObjectClock, 'imsg_1');
  assert.equal(json.objectTimersLeft, 0, "a fake clock's timer was kept");
  assert.equal(json.afterStrayClears, 'timeout');
  assert.ok(json.afterStrayClearsMs >= 140, `timed out after ${json.afterStrayClearsMs} ms`);
  assert.equal(json.answeredAgain, 'imsg_1');
  // Timers kept for 30 s, unref'd: the process ends when its work does.
  assert.ok(took < 25_000, `the process took ${took} ms to exit`);
});
