// The examples/ projects, each copied into a fresh consumer project with the
// packed tarball installed, run against the sandbox, so they cannot rot:
// the Worker (built by wrangler, served by workerd), the Node edge-style
// handler (served by its server.mjs) and the Deno script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess, API_KEY, LEASED } from '../js/support/sandbox.mjs';
import { bin, denoEnv, FIXTURES, makeConsumer, nodeEnv, ROOT, wranglerEnv } from './support/consumer.mjs';
import { run, startServer } from './support/process.mjs';

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

// One signed imessage.incoming delivery to the webhook URL must lead to
// typing start/stop, the reply and the read receipt, and answer 200; a wrong
// signature or none must answer 401 and send nothing.
async function assertWebhookFlow(webhookUrl) {
  await sandbox.reset();
  const incoming = await sandbox.incoming({ url: webhookUrl, from: CUSTOMER, body: 'A table for two tonight?' });
  assert.equal(incoming.delivery.status, 200, incoming.delivery.body);
  const conversation = { to: CUSTOMER, from: LEASED };
  assert.deepEqual(await received(), [
    { method: 'POST', path: '/send/imessage/typing', json: { ...conversation, action: 'start' } },
    { method: 'POST', path: '/send/imessage/typing', json: { ...conversation, action: 'stop' } },
    {
      method: 'POST',
      path: '/send/imessage',
      json: { ...conversation, message: 'Thanks! We got your message: "A table for two tonight?"' },
    },
    { method: 'POST', path: '/send/imessage/read', json: conversation },
  ]);

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

test('examples/worker: wrangler build, no compatibility flags, the webhook flow in workerd', { timeout: 90_000 }, async () => {
  const toml = readFileSync(join(EXAMPLES, 'worker/wrangler.toml'), 'utf8');
  const settings = toml.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
  assert.doesNotMatch(settings, /compatibility_flags|nodejs_compat/);
  const compatibilityDate = /^compatibility_date = "(\d{4}-\d{2}-\d{2})"$/m.exec(settings)?.[1];
  assert.ok(compatibilityDate, 'wrangler.toml sets a compatibility_date');

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
  };
  const worker = await startServer(process.execPath, [MINIFLARE_SERVER, JSON.stringify(config)], {
    cwd: consumer,
    env: nodeEnv(),
    timeoutMs: 60_000,
  });
  try {
    await assertWebhookFlow(`${worker.url}/webhooks/contiguity`);
    // Three webhook requests so far, one isolate: one client, one wasm instance.
    const counts = await (await fetch(`${worker.url}/__harness`, { signal: AbortSignal.timeout(20_000) })).json();
    assert.deepEqual(counts, { keyReads: 1, wasmInstances: 1 });
  } finally {
    await worker.stop();
  }
});

test('examples/node-edge: the (Request) => Response handler behind server.mjs', { timeout: 60_000 }, async () => {
  const consumer = await makeConsumer('example-node-edge', { from: join(EXAMPLES, 'node-edge') });
  const server = await startServer(process.execPath, ['server.mjs'], {
    cwd: consumer,
    env: nodeEnv({ PORT: '0', CONTIGUITY_API_KEY: API_KEY, CONTIGUITY_WEBHOOK_SECRET: SECRET, CONTIGUITY_BASE_URL: sandbox.url }),
    timeoutMs: 60_000,
  });
  try {
    await assertWebhookFlow(`${server.url}/api/webhook`);
  } finally {
    const { code } = await server.stop();
    assert.equal(code, 0, 'server.mjs stops cleanly on SIGTERM');
  }
  assert.equal(server.output.stderr, '');
});

test('examples/deno: sends, prints the history; --allow-env for its two variables only', { timeout: 60_000 }, async () => {
  // The example's deno.json maps the name to npm:contiguity-imessage; the
  // package.json written here makes Deno take it from node_modules.
  const consumer = await makeConsumer('example-deno', { from: join(EXAMPLES, 'deno') });
  const env = denoEnv({ CONTIGUITY_API_KEY: API_KEY, CONTIGUITY_BASE_URL: sandbox.url });

  const checked = await run(bin('deno'), ['check', 'main.ts'], { cwd: consumer, env, timeoutMs: 60_000 });
  assert.equal(checked.code, 0, `deno check (against the package's index.d.ts):\n${checked.stderr}`);

  await sandbox.reset();
  const result = await run(
    bin('deno'),
    [
      'run',
      `--allow-net=${new URL(sandbox.url).host}`,
      '--allow-env=CONTIGUITY_API_KEY,CONTIGUITY_BASE_URL',
      'main.ts',
      CUSTOMER,
      LEASED,
      'Hello from the Deno example',
    ],
    { cwd: consumer, env, timeoutMs: 30_000 },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^sent imsg_\w+$/m);
  assert.match(result.stdout, /^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] \+15550001111 -> \+15557654321: Hello from the Deno example$/m);
  assert.deepEqual(
    (await received()).map(({ method, path }) => `${method} ${path}`),
    ['POST /send/imessage', 'GET /conversations/history/imessage/%2B15557654321/%2B15550001111/20'],
  );
});
