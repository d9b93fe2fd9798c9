// The examples/ projects, each copied into a fresh consumer project with the
// packed tarball installed, run against the sandbox, so they cannot rot: the
// Worker (built by wrangler and served by workerd, and under the real
// `wrangler dev`), the Node handler (served by its server.mjs) and the Deno
// server. Each is the same bot: mark read, typing, a pause, stop, reply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess, API_KEY, LEASED } from '../js/support/sandbox.mjs';
import { bin, denoEnv, FIXTURES, makeConsumer, nodeEnv, ROOT, wranglerEnv } from './support/consumer.mjs';
import { run, startServer } from './support/process.mjs';
import { waitFor } from './support/handler-checks.mjs';

const MINIFLARE_SERVER = fileURLToPath(new URL('./support/miniflare-server.mjs', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');
const SECRET = 'whsec_examples_test_secret'; // not the sandbox default: proves the env secret is used
const CUSTOMER = '+15557654321';

let sandbox;
before(async () => {
  sandbox = await startSandboxProcess(['--webhook-secret', SECRET]);
});
after(() => sandbox?.stop());

// Method, path and JSON body of what the sandbox received (never headers:
// they hold the key).
const received = async () => (await sandbox.requests()).map(({ method, path, json }) => ({ method, path, json }));

function expectedFlow(body) {
  const conversation = { to: CUSTOMER, from: LEASED };
  return [
    { method: 'POST', path: '/send/imessage/read', json: conversation },
    { method: 'POST', path: '/send/imessage/typing', json: { ...conversation, action: 'start' } },
    { method: 'POST', path: '/send/imessage/typing', json: { ...conversation, action: 'stop' } },
    { method: 'POST', path: '/send/imessage', json: { ...conversation, message: `Thanks! We got your message: "${body}"` } },
  ];
}

/**
 * One signed imessage.incoming delivery to the webhook URL leads to the
 * read receipt, typing start and stop, and the reply: answered at once
 * ('accepted', the work after the answer) or after it ('ok'). The same
 * event redelivered is a duplicate and sends nothing. A wrong signature or
 * none: 401, nothing sent.
 */
async function assertWebhookFlow(webhookUrl, answer) {
  await sandbox.reset();
  const body = 'A table for two tonight?';
  const incoming = await sandbox.incoming({ url: webhookUrl, from: CUSTOMER, body });
  assert.deepEqual(incoming.delivery, { status: 200, body: answer });
  if (answer === 'ok') assert.deepEqual(await received(), expectedFlow(body));
  await waitFor(async () => (await received()).length >= 4, 'the bot to reply');
  assert.deepEqual(await received(), expectedFlow(body));

  // The service's redelivery: once the work is recorded done (until then a
  // redelivery is told to come back, 409), a duplicate that sends nothing.
  let redelivered;
  await waitFor(async () => {
    redelivered = await sandbox.redeliver(incoming.deliveryId);
    return redelivered.status !== 409;
  }, 'the event to be recorded done');
  assert.equal(`${redelivered.status} ${redelivered.responseBody}`, '200 duplicate');
  assert.equal((await received()).length, 4);

  await sandbox.reset();
  const forged = await sandbox.incoming({ url: webhookUrl, from: CUSTOMER, body: 'forged', secret: 'whsec_wrong' });
  assert.equal(forged.delivery.status, 401);
  const unsigned = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: incoming.rawBody,
    signal: AbortSignal.timeout(20_000),
  });
  assert.equal(unsigned.status, 401);
  assert.deepEqual(await received(), []);
}

function workerSettings() {
  const toml = readFileSync(join(EXAMPLES, 'worker/wrangler.toml'), 'utf8');
  const settings = toml.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
  const compatibilityDate = /^compatibility_date = "(\d{4}-\d{2}-\d{2})"$/m.exec(settings)?.[1];
  return { settings, compatibilityDate };
}

test('examples/worker: wrangler build, no compatibility flags, the webhook flow in workerd', { timeout: 90_000 }, async () => {
  const { settings, compatibilityDate } = workerSettings();
  assert.doesNotMatch(settings, /compatibility_flags|nodejs_compat/);
  assert.ok(compatibilityDate, 'wrangler.toml sets a compatibility_date');
  // The Durable Object binding is the two documented lines.
  assert.match(settings, /^durable_objects\.bindings = \[\{ name = "WEBHOOK_DEDUPE", class_name = "ContiguityDedupe" \}\]$/m);
  assert.match(settings, /^migrations = \[\{ tag = "v1", new_sqlite_classes = \["ContiguityDedupe"\] \}\]$/m);

  const consumer = await makeConsumer('example-worker', { from: join(EXAMPLES, 'worker') });
  const built = await run(bin('wrangler'), ['deploy', '--dry-run', '--outdir', 'dist'], {
    cwd: consumer,
    env: wranglerEnv(),
    timeoutMs: 60_000,
  });
  assert.equal(built.code, 0, `wrangler failed:\n${built.stdout}\n${built.stderr}`);

  // The harness imports dist/index.js unchanged and only counts (see its header).
  cpSync(join(FIXTURES, 'example-worker-harness.mjs'), join(consumer, 'harness.mjs'));
  const config = {
    scriptPath: join(consumer, 'harness.mjs'),
    compatibilityDate,
    bindings: { CONTIGUITY_API_KEY: API_KEY, CONTIGUITY_WEBHOOK_SECRET: SECRET, CONTIGUITY_BASE_URL: sandbox.url },
    durableObjects: { WEBHOOK_DEDUPE: { className: 'ContiguityDedupe', useSQLite: true } },
  };
  const worker = await startServer(process.execPath, [MINIFLARE_SERVER, JSON.stringify(config)], {
    cwd: consumer,
    env: nodeEnv(),
    timeoutMs: 60_000,
  });
  try {
    await assertWebhookFlow(`${worker.url}/webhooks/contiguity`, 'accepted');
    // Four webhook requests so far, one isolate: one client, one wasm instance.
    const counts = await (await fetch(`${worker.url}/__harness`, { signal: AbortSignal.timeout(20_000) })).json();
    assert.deepEqual(counts, { keyReads: 1, wasmInstances: 1 });
  } finally {
    await worker.stop();
  }
});

test('examples/worker: `wrangler dev` as its README runs it, offline, with .dev.vars', { timeout: 120_000 }, async () => {
  const consumer = await makeConsumer('example-worker-dev', { from: join(EXAMPLES, 'worker') });
  writeFileSync(
    join(consumer, '.dev.vars'),
    `CONTIGUITY_API_KEY=${API_KEY}\nCONTIGUITY_WEBHOOK_SECRET=${SECRET}\nCONTIGUITY_BASE_URL=${sandbox.url}\n`,
  );
  // Ephemeral ports for the Worker and the inspector, local state inside
  // the consumer; wrangler prints "Ready on <url>" once it serves.
  const dev = await startServer(
    bin('wrangler'),
    ['dev', '--ip', '127.0.0.1', '--port', '0', '--inspector-port', '0', '--show-interactive-dev-session=false', '--persist-to', '.wrangler/state'],
    { cwd: consumer, env: wranglerEnv(), timeoutMs: 90_000, ready: /Ready on (http:\/\/[\d.]+:\d+)/ },
  );
  try {
    await assertWebhookFlow(`${dev.url}/`, 'accepted');
  } finally {
    await dev.stop();
  }
  // The secrets were read from .dev.vars and never printed.
  assert.match(dev.output.stdout, /Using secrets defined in \.dev\.vars/);
  for (const secret of [API_KEY, SECRET]) assert.ok(!`${dev.output.stdout}${dev.output.stderr}`.includes(secret));
});

test('examples/node-edge: the handler behind toNodeHandler in server.mjs', { timeout: 60_000 }, async () => {
  const consumer = await makeConsumer('example-node-edge', { from: join(EXAMPLES, 'node-edge') });
  const server = await startServer(process.execPath, ['server.mjs'], {
    cwd: consumer,
    env: nodeEnv({ PORT: '0', CONTIGUITY_API_KEY: API_KEY, CONTIGUITY_WEBHOOK_SECRET: SECRET, CONTIGUITY_BASE_URL: sandbox.url }),
    timeoutMs: 60_000,
  });
  try {
    await assertWebhookFlow(`${server.url}/api/webhook`, 'accepted');
  } finally {
    const { code } = await server.stop();
    assert.equal(code, 0, 'server.mjs stops cleanly on SIGTERM');
  }
  assert.equal(server.output.stderr, '');
});

test('examples/deno: Deno.serve with the handler; --allow-env for its variables only', { timeout: 60_000 }, async () => {
  // The example's package.json names the package; npm installed the
  // tarball into node_modules, which deno.json tells Deno to use.
  const consumer = await makeConsumer('example-deno', { from: join(EXAMPLES, 'deno') });
  const env = denoEnv({
    CONTIGUITY_API_KEY: API_KEY,
    CONTIGUITY_WEBHOOK_SECRET: SECRET,
    CONTIGUITY_BASE_URL: sandbox.url,
    PORT: '0',
  });

  const checked = await run(bin('deno'), ['check', 'main.ts'], { cwd: consumer, env, timeoutMs: 60_000 });
  assert.equal(checked.code, 0, `deno check (against the package's index.d.ts):\n${checked.stderr}`);

  const { tasks } = JSON.parse(readFileSync(join(consumer, 'deno.json'), 'utf8'));
  const args = tasks.start.split(' ').slice(1); // the documented task, as `deno task start` runs it
  assert.deepEqual(args, ['run', '--allow-net', '--allow-env=CONTIGUITY_API_KEY,CONTIGUITY_WEBHOOK_SECRET,CONTIGUITY_BASE_URL,HOST,PORT', 'main.ts']);
  const server = await startServer(bin('deno'), args, { cwd: consumer, env, timeoutMs: 60_000 });
  try {
    await assertWebhookFlow(`${server.url}/`, 'ok');
  } finally {
    await server.stop();
  }
  assert.equal(server.output.stderr, '');
});
