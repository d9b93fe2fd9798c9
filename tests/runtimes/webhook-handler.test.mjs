// createWebhookHandler from the packed tarball, in workerd (Miniflare, with
// a local Durable Object and KV namespace), in Node.js (behind toNodeHandler)
// and in Deno (Deno.serve): the same checks (support/handler-checks.mjs) of
// redeliveries in a row and at once, a failing callback, wrong signatures,
// secret rotation, and when the answer is sent relative to the work.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startSandboxProcess, API_KEY } from '../js/support/sandbox.mjs';
import { bin, denoEnv, makeConsumer, nodeEnv } from './support/consumer.mjs';
import { startServer } from './support/process.mjs';
import { checks, SANDBOX_SECRET, SECRETS, startGate } from './support/handler-checks.mjs';

const MINIFLARE_SERVER = fileURLToPath(new URL('./support/miniflare-server.mjs', import.meta.url));
const COMPATIBILITY_DATE = '2026-04-01';
const JSON_LINE = /"url":"(http:\/\/[^"]+)"/;

let sandbox;
let gate;
let consumer;
let check;
before(async () => {
  [sandbox, gate, consumer] = await Promise.all([
    startSandboxProcess(['--webhook-secret', SANDBOX_SECRET]),
    startGate(),
    makeConsumer('webhook-handler', {
      fixtures: ['handler-app.mjs', 'handler-worker.mjs', 'handler-node.mjs', 'handler-deno.mjs'],
    }),
  ]);
  check = checks({ sandbox, gate });
});
after(async () => {
  await gate?.close();
  await sandbox?.stop();
});

const config = () => ({ secrets: SECRETS, apiKey: API_KEY, baseUrl: sandbox.url, gateUrl: gate.url });

describe('workerd: two isolates sharing a Durable Object namespace and a KV namespace', () => {
  let workers;
  let urls;
  before(async () => {
    const { secrets, apiKey, baseUrl, gateUrl } = config();
    const worker = (name, durableObject) => ({
      name,
      scriptPath: join(consumer, 'handler-worker.mjs'),
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { SECRETS: secrets, API_KEY: apiKey, BASE_URL: baseUrl, GATE_URL: gateUrl },
      durableObjects: { DEDUPE: durableObject },
      kvNamespaces: { KV: 'webhook-dedupe' },
    });
    const options = {
      workers: [
        worker('first', { className: 'ContiguityDedupe', useSQLite: true }),
        // The second isolate reaches the first one's objects, as every
        // isolate of a deployed Worker reaches the same namespace.
        worker('second', { className: 'ContiguityDedupe', scriptName: 'first', useSQLite: true }),
      ],
    };
    workers = await startServer(process.execPath, [MINIFLARE_SERVER, JSON.stringify(options)], {
      cwd: consumer,
      env: nodeEnv(),
      timeoutMs: 120_000,
      ready: JSON_LINE,
    });
    urls = JSON.parse(workers.output.stdout.split('\n').find((line) => line.includes('"urls"'))).urls;
  });
  after(() => workers?.stop());

  const at = (name, route) => `${urls[name]}/${route}`;

  test('Durable Object store: in a row, at once, from both isolates, once', { timeout: 60_000 }, async () => {
    await check.inARow(at('first', 'do'), 'background');
    await check.concurrently(at('first', 'do'), 'background');
    await check.acrossReceivers(at('first', 'do'), at('second', 'do'), { shared: true });
    await check.concurrentlyAcrossReceivers(at('first', 'do'), at('second', 'do'));
    await check.inARow(at('second', 'do-sync'), 'sync');
    await check.concurrently(at('second', 'do-sync'), 'sync');
  });

  test('control: the memory store is per isolate, so each isolate runs the event', { timeout: 60_000 }, async () => {
    await check.acrossReceivers(at('first', 'memory'), at('second', 'memory'), { shared: false });
  });

  test('KV store: in a row and at once in one isolate, once; seen by the other isolate once done', { timeout: 60_000 }, async () => {
    await check.inARow(at('first', 'kv'), 'background');
    await check.concurrently(at('first', 'kv'), 'background');
    // Local KV is consistent at once; deployed, this is what "best effort" covers.
    const event = await check.signed('kv across isolates');
    assert.deepEqual(await check.deliver(at('first', 'kv-sync'), event), { status: 200, text: 'ok' });
    assert.deepEqual(await check.deliver(at('second', 'kv-sync'), event), { status: 200, text: 'duplicate' });
  });

  test('a failing callback is retried on redelivery (background and sync)', { timeout: 60_000 }, async () => {
    await check.failureRetried(at('first', 'do'), 'background', at('first', '__failures'));
    await check.failureRetried(at('first', 'do-sync'), 'sync', at('first', '__failures'));
  });

  test('wrong signatures: 401, nothing runs; rotation: either secret', { timeout: 60_000 }, async () => {
    await check.wrongSignature(at('first', 'do'));
    await check.rotation(at('first', 'do'));
  });

  test('waitUntil: the 200 is sent before the callback sends anything; sync waits for it', { timeout: 60_000 }, async () => {
    await check.answeredBeforeWork(at('first', 'do'));
    await check.answeredAfterWork(at('first', 'do-sync'));
  });
});

describe('Node.js: toNodeHandler on node:http, the default memory store', () => {
  let server;
  before(async () => {
    server = await startServer(process.execPath, ['handler-node.mjs', JSON.stringify(config())], {
      cwd: consumer,
      env: nodeEnv(),
      timeoutMs: 120_000,
      ready: JSON_LINE,
    });
  });
  after(() => server?.stop());

  test('in a row and at once: once; failures retried; wrong signatures; rotation; answer order', { timeout: 60_000 }, async () => {
    const url = (route) => `${server.url}/${route}`;
    await check.inARow(url('memory'), 'background');
    await check.concurrently(url('memory'), 'background');
    await check.inARow(url('memory-sync'), 'sync');
    await check.concurrently(url('memory-sync'), 'sync');
    await check.failureRetried(url('memory'), 'background', url('__failures'));
    await check.failureRetried(url('memory-sync'), 'sync', url('__failures'));
    await check.wrongSignature(url('memory'));
    await check.rotation(url('memory'));
    await check.answeredBeforeWork(url('memory'));
    await check.answeredAfterWork(url('memory-sync'));
  });
});

describe('Deno: Deno.serve, the default memory store, --allow-net for loopback only', () => {
  let server;
  before(async () => {
    server = await startServer(bin('deno'), ['run', '--allow-net=127.0.0.1', 'handler-deno.mjs', JSON.stringify(config())], {
      cwd: consumer,
      env: denoEnv(),
      timeoutMs: 120_000,
      ready: JSON_LINE,
    });
  });
  after(() => server?.stop());

  // Deno.serve gives no waitUntil: every route answers after its callback.
  test('in a row and at once: once; failures retried; wrong signatures; rotation; answer order', { timeout: 60_000 }, async () => {
    await check.answeringAfterTheCallback((route) => `${server.url}/${route}`);
  });
});
