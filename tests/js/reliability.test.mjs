// Errors and retries over real loopback HTTP (docs/reference.md#errors and
// #retries-and-timeouts): every error shape, timeouts, and every retry
// branch, driven by the sandbox's fault switches.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Contiguity, ContiguityError } from 'contiguity-imessage';
import { startSandboxProcess, API_KEY, LEASED } from './support/sandbox.mjs';

const PERSON = '+15551234567';
const SEND = { to: PERSON, message: 'Hello!' };
const HISTORY = { to: PERSON, from: LEASED };
let sandbox;

before(async () => {
  sandbox = await startSandboxProcess();
});
after(() => sandbox.stop());
beforeEach(() => sandbox.reset());

/** A client on the sandbox whose `debug` lines are captured, not printed. */
function client(options = {}) {
  const lines = [];
  const original = console.debug;
  const contiguity = new Contiguity(API_KEY, { baseUrl: sandbox.url, debug: true, ...options });
  const capture = async (promise) => {
    console.debug = (line) => lines.push(line);
    try {
      return await promise;
    } finally {
      console.debug = original;
    }
  };
  return { im: contiguity.imessage, lines, capture };
}

const rejection = (promise) =>
  promise.then(
    (value) => assert.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (error) => error,
  );
const count = async () => (await sandbox.requests()).length;
/** The waits the client announced in its debug log, in ms. */
const waits = (lines) => lines.map((l) => /retrying in (\d+) ms/.exec(l)?.[1]).filter(Boolean).map(Number);

/** A loopback port with nothing listening: connecting is refused. */
async function closedPort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('error envelope, top-level {message,status}, HTML page, empty body: all ContiguityError', async () => {
  const { im, capture } = client({ maxRetries: 0 });
  await sandbox.inject([
    { path: '/send/imessage', status: 422, json: { message: 'Attachment too large', status: 422 } },
    { path: '/send/imessage', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'content-type': 'text/html' } },
    { path: '/send/imessage', status: 503, body: '' },
    { path: '/send/imessage', status: 500 },
  ]);
  const topLevel = await capture(rejection(im.send(SEND)));
  assert.deepEqual([topLevel.code, topLevel.status, topLevel.message], ['bad_request', 422, 'Attachment too large']);
  const html = await capture(rejection(im.send(SEND)));
  assert.ok(html instanceof ContiguityError);
  assert.deepEqual([html.code, html.status], ['server_error', 502]);
  assert.equal(html.message, 'The Contiguity API answered HTTP 502 Bad Gateway with a body that is not JSON');
  const empty = await capture(rejection(im.send(SEND)));
  assert.deepEqual([empty.code, empty.status], ['server_error', 503]);
  assert.match(empty.message, /empty body/);
  const envelope = await capture(rejection(im.send(SEND)));
  assert.deepEqual([envelope.code, envelope.status], ['server_error', 500]);
  assert.match(envelope.requestId, /^err_/);
  assert.deepEqual(await sandbox.messages(), []);
});

test('a 2xx that is not the envelope is invalid_response, never a SyntaxError', async () => {
  const { im, capture } = client({ maxRetries: 0 });
  const faults = [
    { body: 'ok' },
    { body: '' },
    { json: { message_id: 'imsg_1' } },
    { json: { data: null } },
    { json: [{ data: {} }] },
    { json: { id: 'err_1', object: 'error', data: { error: 'x' } } },
  ];
  for (const fault of faults) {
    await sandbox.inject({ path: '/send/imessage', status: 200, ...fault });
    const error = await capture(rejection(im.send(SEND)));
    assert.ok(error instanceof ContiguityError, String(error));
    assert.equal(error.code, 'invalid_response');
    assert.equal(error.status, 200);
  }
});

test('a 2xx envelope is a success whatever its data holds, as test doubles answer', async () => {
  const { im } = client({ maxRetries: 0 });
  await sandbox.inject({ path: '/send/imessage', status: 200, json: { id: 'req_x', object: 'response', data: {} } });
  assert.deepEqual(await im.send(SEND), { metadata: { id: 'req_x', object: 'response' } });
  await sandbox.inject({ path: '/send/imessage', status: 201, json: { data: { wrong: 1 } } });
  assert.deepEqual(await im.send(SEND), { wrong: 1, metadata: {} });
});

test('403 for Fast Track without the entitlement carries data.agreement_url', async () => {
  await sandbox.config({ fastTrack: false });
  try {
    const { im, capture } = client();
    const error = await capture(rejection(im.send({ ...SEND, fast_track: true })));
    assert.deepEqual([error.code, error.status], ['forbidden', 403]);
    assert.match(error.data.agreement_url, /^https:\/\//);
    assert.match(error.requestId, /^err_/);
    assert.equal(await count(), 1, '403 is not retried');
  } finally {
    await sandbox.config({ fastTrack: true });
  }
});

test('timeout: a hung request rejects with code timeout; a send is not retried', { timeout: 15000 }, async () => {
  const { im, capture } = client({ timeoutMs: 300, maxRetries: 2 });
  await sandbox.inject({ path: '/send/imessage', hang: true, times: 3 });
  const error = await capture(rejection(im.send(SEND)));
  assert.ok(error instanceof ContiguityError);
  assert.equal(error.code, 'timeout');
  assert.equal(error.status, undefined);
  assert.match(error.message, /300 ms/);
  assert.equal(await count(), 1, 'a send that may have arrived is never sent again');
});

test('timeout is per attempt: a read that hangs once succeeds on the retry', { timeout: 15000 }, async () => {
  const { im, lines, capture } = client({ timeoutMs: 300, maxRetries: 1 });
  await sandbox.inject({ path: '/conversations/*', hang: true });
  const history = await capture(im.history(HISTORY));
  assert.ok(Array.isArray(history.conversation));
  assert.equal(await count(), 2);
  assert.match(lines.join('\n'), /failed \(timeout\); retrying/);
});

test('a slow answer within the timeout is a success', async () => {
  const { im, capture } = client({ timeoutMs: 5000 });
  await sandbox.inject({ path: '/send/imessage', delayMs: 300 });
  const result = await capture(im.send(SEND));
  assert.match(result.message_id, /^imsg_/);
  assert.equal((await sandbox.messages()).length, 1);
});

test('reads retry 503 then 502 with growing, jittered backoff, then succeed (504: the next test)', async () => {
  const { im, lines, capture } = client({ maxRetries: 2 });
  await sandbox.inject([
    { path: '/conversations/*', status: 503 },
    { path: '/conversations/*', status: 502 },
  ]);
  const history = await capture(im.history(HISTORY));
  assert.ok(Array.isArray(history.conversation));
  assert.equal(await count(), 3);
  const [first, second] = waits(lines);
  assert.ok(first >= 250 && first <= 500, `first wait ${first}`);
  assert.ok(second >= 500 && second <= 1000, `second wait ${second}`);
});

test('reads give up after maxRetries with the last error', async () => {
  const { im, capture } = client({ maxRetries: 2 });
  await sandbox.inject({ path: '/conversations/*', status: 504, times: 3 });
  const error = await capture(rejection(im.history(HISTORY)));
  assert.deepEqual([error.code, error.status], ['server_error', 504]);
  assert.equal(await count(), 3);
});

test('maxRetries: 0 turns retrying off', async () => {
  const { im, capture } = client({ maxRetries: 0 });
  await sandbox.inject({ path: '/conversations/*', status: 503 });
  const error = await capture(rejection(im.history(HISTORY)));
  assert.equal(error.status, 503);
  assert.equal(await count(), 1);
});

test('typing and read are retried on gateway errors; react is not', async () => {
  const { im, capture } = client();
  await sandbox.inject({ path: '/send/imessage/typing', status: 504 });
  assert.equal((await capture(im.typing({ to: PERSON, action: 'start' }))).status, 'started');
  await sandbox.inject({ path: '/send/imessage/read', status: 503 });
  assert.equal((await capture(im.read({ to: PERSON, from: LEASED }))).status, 'sent');
  assert.equal(await count(), 4);

  await sandbox.reset();
  await sandbox.inject({ path: '/send/imessage/reactions', status: 502 });
  const error = await capture(rejection(im.react('add', { to: PERSON, from: LEASED, tapback: 'love', message: 'Hi' })));
  assert.equal(error.status, 502);
  assert.equal(await count(), 1);
});

test('sends are never retried on 5xx: the service may have acted', async () => {
  const { im, capture } = client({ maxRetries: 2 });
  for (const status of [500, 502, 503, 504]) {
    await sandbox.reset();
    await sandbox.inject({ path: '/send/imessage', status });
    const error = await capture(rejection(im.send(SEND)));
    assert.equal(error.status, status);
    assert.equal(await count(), 1, `status ${status}`);
  }
});

test('a send is retried on 429 and goes out exactly once', async () => {
  const { im, lines, capture } = client();
  await sandbox.inject({ path: '/send/imessage', status: 429, headers: { 'retry-after': '1' } });
  const result = await capture(im.send(SEND));
  assert.match(result.message_id, /^imsg_/);
  assert.equal(await count(), 2);
  assert.equal((await sandbox.messages()).length, 1);
  assert.ok(waits(lines)[0] >= 1000, 'Retry-After of 1 s is honoured');
});

test('Retry-After as an HTTP date is honoured', async () => {
  const { im, lines, capture } = client();
  const at = new Date(Date.now() + 2500).toUTCString();
  await sandbox.inject({ path: '/conversations/*', status: 429, headers: { 'retry-after': at } });
  await capture(im.history(HISTORY));
  const [wait] = waits(lines);
  assert.ok(wait >= 1000 && wait <= 3000, `wait ${wait}`);
});

test('a Retry-After beyond the cap is not waited for: the error says when to retry', async () => {
  const { im, capture } = client();
  await sandbox.inject({ path: '/send/imessage', status: 429, headers: { 'retry-after': '60' } });
  const error = await capture(rejection(im.send(SEND)));
  assert.deepEqual([error.code, error.status, error.retryAfter], ['rate_limited', 429, 60]);
  assert.equal(await count(), 1);
});

test('a connection lost after the request was sent: reads retry, sends do not', async () => {
  const { im, capture } = client();
  await sandbox.inject({ path: '/send/imessage', drop: true });
  const error = await capture(rejection(im.send(SEND)));
  assert.equal(error.code, 'network_error');
  assert.equal(error.status, undefined);
  assert.equal(await count(), 1);

  await sandbox.reset();
  await sandbox.inject({ path: '/conversations/*', drop: true });
  const history = await capture(im.history(HISTORY));
  assert.ok(Array.isArray(history.conversation));
  assert.equal(await count(), 2);
});

test('an answer whose body breaks off: the service was reached, a send is not retried', async () => {
  // The sandbox really answers (and records the message); the body the
  // client reads then fails with words that name a refused connection, as a
  // proxy's or a custom fetch's may. The status proves the request arrived.
  const fetchVia = async (url, init) => {
    const answer = await fetch(url, init);
    const broken = new ReadableStream({
      pull(controller) {
        controller.error(new TypeError('body stream failed: upstream ECONNREFUSED'));
      },
    });
    return new Response(broken, { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
  const { im, capture } = client({ fetch: fetchVia });
  const error = await capture(rejection(im.send(SEND)));
  assert.ok(error instanceof ContiguityError);
  assert.equal(error.code, 'network_error');
  assert.match(error.message, /^The Contiguity API's answer broke off: body stream failed/);
  assert.equal(error.cause.message, 'body stream failed: upstream ECONNREFUSED');
  assert.equal((await sandbox.messages()).length, 1);

  // A read is retried, as after any connection lost midway.
  await sandbox.reset();
  let attempts = 0;
  const once = (url, init) => (attempts++ === 0 ? fetchVia(url, init) : fetch(url, init));
  const history = await client({ fetch: once }).im.history(HISTORY);
  assert.ok(Array.isArray(history.conversation));
  assert.equal(attempts, 2);
});

test('a refused connection is retried, even for a send, and the message goes out once', async () => {
  const port = await closedPort();
  let attempts = 0;
  // The first attempt really connects to a closed loopback port.
  const fetchVia = (url, init) => fetch(attempts++ === 0 ? url.replace(/:\d+\//, `:${port}/`) : url, init);
  const { im, lines, capture } = client({ fetch: fetchVia });
  const result = await capture(im.send(SEND));
  assert.match(result.message_id, /^imsg_/);
  assert.equal(attempts, 2);
  assert.equal((await sandbox.messages()).length, 1);
  assert.match(lines.join('\n'), /failed \(network_error\); retrying/);
});

test('no fetch at all: a network_error at once, not retried', async () => {
  const { im, lines, capture } = client({ maxRetries: 2 });
  const global = globalThis.fetch;
  globalThis.fetch = undefined;
  let error;
  try {
    error = await capture(rejection(im.history(HISTORY)));
  } finally {
    globalThis.fetch = global;
  }
  assert.equal(error.code, 'network_error');
  assert.match(error.message, /no global fetch; pass options\.fetch/);
  assert.deepEqual(waits(lines), [], 'no retry was scheduled');
  assert.equal(await count(), 0);
});

test('nothing listening at all: network_error after the retries', async () => {
  const port = await closedPort();
  let attempts = 0;
  const im = new Contiguity(API_KEY, {
    baseUrl: `http://127.0.0.1:${port}`,
    fetch: (url, init) => (attempts++, fetch(url, init)),
  }).imessage;
  const error = await rejection(im.send(SEND));
  assert.equal(error.code, 'network_error');
  assert.match(error.message, /Could not reach the Contiguity API/);
  assert.equal(attempts, 3);
});
