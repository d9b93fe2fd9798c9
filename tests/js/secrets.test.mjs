// The API key never appears in any error message, stack, inspected error,
// JSON.stringify(error) or debug log line, on every error path; the key is
// never sent in clear text to a non-loopback host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import net from 'node:net';
import { Contiguity, ContiguityError, ValidationError } from 'contiguity-imessage';
import { startSandboxProcess, API_KEY } from './support/sandbox.mjs';

// A key the sandbox does not accept, with a marker that must never show up.
const SECRET_MARK = 'TOPSECRETMARK';
const WRONG_KEY = `contiguity_sk_${SECRET_MARK}_x`;
const SEND = { to: '+15551234567', message: 'Hello!' };
let sandbox;

before(async () => {
  sandbox = await startSandboxProcess();
});
after(() => sandbox.stop());

function assertNoSecret(error, logLines, path) {
  const texts = [
    error.message,
    error.stack,
    String(error),
    inspect(error, { depth: 5, showHidden: true }),
    JSON.stringify(error),
    JSON.stringify(Object.getOwnPropertyDescriptors(error)),
    ...logLines,
  ];
  for (const marker of [API_KEY, SECRET_MARK]) {
    for (const text of texts) assert.ok(!String(text).includes(marker), `${path}: secret in ${text}`);
  }
}

async function run(path, key, options, call) {
  const lines = [];
  const original = console.debug;
  console.debug = (...args) => lines.push(args.join(' '));
  try {
    const im = new Contiguity(key, { baseUrl: sandbox.url, debug: true, ...options }).imessage;
    const error = await call(im).then(
      () => assert.fail(`${path}: expected a rejection`),
      (e) => e,
    );
    assert.ok(error instanceof ContiguityError || error instanceof ValidationError, `${path}: ${error}`);
    assertNoSecret(error, lines, path);
    return { error, lines };
  } finally {
    console.debug = original;
  }
}

test('no error path and no debug line shows the key', { timeout: 30000 }, async () => {
  const closed = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => closed.once('listening', r));
  const closedPort = closed.address().port;
  await new Promise((r) => closed.close(r));

  const paths = [
    ['validation', API_KEY, {}, (im) => im.send({ to: 'nope' })],
    ['401 unauthorized', WRONG_KEY, {}, (im) => im.send(SEND)],
    ['404 not found', API_KEY, {}, (im) => im.get('imsg_missing')],
    ...[400, 403, 429, 500, 502, 503].map((status) => [
      `${status}`,
      API_KEY,
      { maxRetries: 0 },
      async (im) => {
        await sandbox.inject({ path: '/send/imessage', status, headers: { 'retry-after': '1' } });
        return im.send(SEND);
      },
    ]),
    ['html 502', API_KEY, { maxRetries: 0 }, async (im) => {
      await sandbox.inject({ path: '/send/imessage', status: 502, body: `<html>${'x'.repeat(50)}</html>` });
      return im.send(SEND);
    }],
    ['invalid_response', API_KEY, {}, async (im) => {
      await sandbox.inject({ path: '/send/imessage', status: 200, body: 'garbage' });
      return im.send(SEND);
    }],
    ['timeout', API_KEY, { timeoutMs: 200, maxRetries: 0 }, async (im) => {
      await sandbox.inject({ path: '/send/imessage', hang: true });
      return im.send(SEND);
    }],
    ['dropped connection', API_KEY, {}, async (im) => {
      await sandbox.inject({ path: '/send/imessage', drop: true });
      return im.send(SEND);
    }],
    ['network_error', WRONG_KEY, { baseUrl: `http://127.0.0.1:${closedPort}`, maxRetries: 1 }, (im) => im.send(SEND)],
  ];
  for (const [path, key, options, call] of paths) {
    const { lines } = await run(path, key, options, call);
    if (path !== 'validation') assert.ok(lines.some((l) => l.includes('/send/imessage') || l.includes('/conversations/')), `${path}: debug logs the URL`);
  }
});

test('construction errors never show the key', () => {
  for (const [key, options] of [
    [`sk_live_${SECRET_MARK}`, undefined],
    [WRONG_KEY, { baseUrl: 'http://api.contiguity.com' }],
    [WRONG_KEY, { timeoutMs: 'x' }],
    [`contiguity_sk_${SECRET_MARK} `, undefined],
  ]) {
    let error;
    try {
      new Contiguity(key, options);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ValidationError);
    assertNoSecret(error, [], `construct ${JSON.stringify(options)}`);
  }
});

test('the key is only ever sent over https, except to loopback', () => {
  for (const baseUrl of ['http://api.contiguity.com', 'http://10.0.0.5:8080', 'http://127.0.0.1.nip.io']) {
    assert.throws(() => new Contiguity(API_KEY, { baseUrl }), (e) => e instanceof ValidationError && /https/.test(e.message), baseUrl);
  }
  for (const baseUrl of ['https://api.contiguity.com', 'http://localhost:8787', 'http://127.0.0.1:1', 'http://[::1]:2']) {
    assert.ok(new Contiguity(API_KEY, { baseUrl }).imessage, baseUrl);
  }
});

test('debug logs method and URL, never the body', async () => {
  const lines = [];
  const original = console.debug;
  console.debug = (...args) => lines.push(args.join(' '));
  try {
    const im = new Contiguity(API_KEY, { baseUrl: sandbox.url, debug: true }).imessage;
    await im.send({ to: '+15551234567', message: 'private words' });
  } finally {
    console.debug = original;
  }
  assert.deepEqual(lines, [`[contiguity-imessage] POST ${sandbox.url}/send/imessage`]);
});
