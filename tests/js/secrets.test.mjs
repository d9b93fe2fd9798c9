// The API key never appears in any error message, stack, inspected error,
// JSON.stringify(error) or debug log line, on every error path; the key is
// never sent in clear text to a non-loopback host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import net from 'node:net';
import http from 'node:http';
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
    inspect(error),
    inspect(error, { depth: 12, showHidden: true, getters: true }),
    JSON.stringify(error),
    JSON.stringify(Object.getOwnPropertyDescriptors(error)),
    ...logLines,
  ];
  for (const marker of [API_KEY, SECRET_MARK]) {
    for (const text of texts) {
      // Shown without the secret, which must not reach the test's output either.
      assert.ok(!String(text).includes(marker), `${path}: secret in ${String(text).replaceAll(marker, '<SECRET>')}`);
    }
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

test('plain http to a host that only looks like loopback is refused', () => {
  const lookAlikes = [
    // fetch reads `\` as `/`: this is http://evil.com/.localhost
    'http://evil.com\\.localhost',
    'http://evil.com\\@localhost',
    'http:\\\\evil.com',
    // resolved by whatever DNS the runtime uses, not necessarily to this machine
    'http://evil.localhost',
    'http://localhost.evil.com',
    'http://127.0.0.1.evil.com',
    'http://localhost.',
    // not a URL fetch could use: refused as such, never read as [::1]
    'http://[::1]evil.com',
    'http://[::ffff:127.0.0.1]',
    // a fragment, a query or credentials hiding the real host
    'http://evil.com#@localhost',
    'http://evil.com?@localhost',
    'http://localhost@evil.com',
    'http://127.0.0.1:80@evil.com',
  ];
  for (const baseUrl of lookAlikes) {
    assert.throws(() => new Contiguity(API_KEY, { baseUrl }), (e) => e instanceof ValidationError && e.issues[0].path[0] === 'baseUrl', baseUrl);
  }
});

test('every base URL accepted for plain http sends to this machine', async () => {
  const hosts = [];
  const fetch = (url) => {
    hosts.push(new URL(url).hostname);
    return new Response('{"data":{}}');
  };
  for (const baseUrl of ['http://localhost:1', 'http://LOCALHOST:1', 'http://127.0.0.1:1', 'http://127.1:1', 'http://0x7f.1:1', 'http://[::1]:1', 'http://[0:0:0:0:0:0:0:1]:1']) {
    await new Contiguity(API_KEY, { baseUrl, fetch }).imessage.send(SEND);
  }
  assert.deepEqual([...new Set(hosts)].sort(), ['127.0.0.1', '[::1]', 'localhost']);
});

test('a base URL with credentials in it: refused, and the error does not repeat them', () => {
  for (const baseUrl of [
    'https://user:SECRET@host/?x',
    'https://SECRET@host',
    'https://user:SECRET@host\\x',
    'http://user:SECRET@localhost',
    // Forms without "//" that a URL parser also reads as credentials, each
    // refused by an earlier check that quotes the URL.
    'https:\\\\user:SECRET@host',
    'https:/user:SECRET@host ',
    'https:user:SECRET@host\t',
    'ftp:user:SECRET@host',
    'ftp:/user:SECRET@host',
  ]) {
    let error;
    try {
      new Contiguity(API_KEY, { baseUrl });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ValidationError, baseUrl);
    assert.deepEqual(error.issues[0].path, ['baseUrl']);
    for (const text of [error.message, error.stack, JSON.stringify(error), inspect(error, { depth: 5 })]) {
      assert.ok(!text.includes('SECRET'), `${baseUrl}: ${text}`);
    }
  }
});

test('a key with a character no HTTP header can carry is refused at construction, not echoed', () => {
  for (const key of [`contiguity_sk_${SECRET_MARK}\u0100`, `contiguity_sk_${SECRET_MARK}\u043a`, `contiguity_sk_${SECRET_MARK}\u00e9`, `contiguity_sk_${SECRET_MARK}\u{1F600}`]) {
    let error;
    try {
      new Contiguity(key);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ValidationError, JSON.stringify(key));
    assert.deepEqual(error.issues[0].path, ['apiKey']);
    assertNoSecret(error, [], 'a non-Latin-1 key');
  }
});

// What a custom fetch (or a library behind it) may put in the error it
// throws: the request, its headers, or the key itself, anywhere in it.
const CARRIERS = [
  ['its message', (url, init) => new Error(`POST ${url} failed with headers ${JSON.stringify(init.headers)}`)],
  ['its cause.message', (url, init) => new TypeError('fetch failed', { cause: new Error(`sent ${init.headers.Authorization}`) })],
  ['a thrown string', (url, init) => `fetch failed: ${init.headers.Authorization}`],
  ['its code', (url, init) => Object.assign(new Error('fetch failed'), { code: init.headers.Authorization })],
  ['an own enumerable field', (url, init) => Object.assign(new TypeError('fetch failed'), { config: { headers: init.headers } })],
  ['an own field that is not enumerable', (url, init) => Object.defineProperty(new TypeError('fetch failed'), 'options', { value: { headers: init.headers } })],
  ['a field under a symbol', (url, init) => Object.assign(new TypeError('fetch failed'), { [Symbol('request')]: init.headers.Authorization })],
  ['the errors of an AggregateError', (url, init) => new AggregateError([new Error(`refused with ${init.headers.Authorization}`)], 'fetch failed')],
  ['the Request it made', (url, init) => Object.assign(new TypeError('Request failed'), { request: new Request(url, init) })],
  ['a Headers object', (url, init) => Object.assign(new TypeError('fetch failed'), { headers: new Headers(init.headers) })],
  ['a Map', (url, init) => Object.assign(new TypeError('fetch failed'), { sent: new Map(Object.entries(init.headers)) })],
  [
    'a cause six errors deep',
    (url, init) => [1, 2, 3, 4, 5].reduce((cause, n) => new Error(`level ${n}`, { cause }), new Error(init.headers.Authorization)),
  ],
  ['a rejected plain object', (url, init) => ({ message: 'fetch failed', init })],
];

test('a custom fetch whose error carries the key anywhere: the ContiguityError shows none of it', async () => {
  for (const [where, makeError] of CARRIERS) {
    for (const how of ['throws', 'rejects']) {
      const fetch = (url, init) => {
        const error = makeError(url, init);
        if (how === 'throws') throw error;
        return Promise.reject(error);
      };
      const im = new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch, maxRetries: 0 }).imessage;
      const error = await im.send(SEND).then(() => assert.fail('sent'), (e) => e);
      assert.ok(error instanceof ContiguityError, `${where}: ${error}`);
      assert.equal(error.code, 'network_error');
      assertNoSecret(error, [], `the key in ${where} (${how})`);
    }
  }
});

test("a stand-in for a cause that mentions the key keeps the cause's class and redacted texts", async () => {
  const fetch = (url, init) => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ECONNREFUSED with ${init.headers.Authorization}`), { code: 'ECONNREFUSED' }) });
  };
  const error = await new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch, maxRetries: 0 }).imessage.send(SEND).catch((e) => e);
  assert.ok(error.cause instanceof TypeError);
  assert.equal(error.cause.message, 'fetch failed');
  assert.equal(error.cause.cause.code, 'ECONNREFUSED');
  assert.match(error.cause.cause.message, /^connect ECONNREFUSED with Token \[redacted\]$/);
  assertNoSecret(error, [], 'stand-in');
});

test('a cause with no secret in it is kept as it was thrown', async () => {
  const thrown = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', errno: -111 }) });
  const fetch = () => Promise.reject(thrown);
  const error = await new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch, maxRetries: 0 }).imessage.send(SEND).catch((e) => e);
  assert.equal(error.cause, thrown);

  // And what Node.js's own fetch throws for a refused connection.
  const closed = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => closed.once('listening', resolve));
  const { port } = closed.address();
  await new Promise((resolve) => closed.close(resolve));
  let refused;
  const recording = (url, init) =>
    globalThis.fetch(url, init).catch((e) => {
      refused = e;
      throw e;
    });
  const real = await new Contiguity(API_KEY, { baseUrl: `http://127.0.0.1:${port}`, fetch: recording, maxRetries: 0 }).imessage.send(SEND).catch((e) => e);
  assert.equal(real.code, 'network_error');
  assert.ok(refused instanceof TypeError);
  assert.equal(real.cause, refused);
});

test('a 401 whose body and headers echo the Authorization header: the error shows none of it', async () => {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const sent = request.headers.authorization;
      response.writeHead(401, { 'content-type': 'application/json', 'x-echo': sent, 'retry-after': sent });
      response.end(
        JSON.stringify({
          id: 'err_echo',
          object: 'error',
          data: { error: { message: `invalid key: ${sent}`, type: 'unauthorized' }, headers: request.headers, echoed: [sent] },
          message: `bad credentials ${sent}`,
          status: 401,
        }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const lines = [];
    const original = console.debug;
    console.debug = (...args) => lines.push(args.join(' '));
    let error;
    try {
      const im = new Contiguity(API_KEY, { baseUrl: `http://127.0.0.1:${server.address().port}`, debug: true }).imessage;
      error = await im.send(SEND).then(() => assert.fail('sent'), (e) => e);
    } finally {
      console.debug = original;
    }
    assert.ok(error instanceof ContiguityError);
    assert.deepEqual([error.code, error.status], ['unauthorized', 401]);
    assertNoSecret(error, lines, '401 echo');
  } finally {
    await new Promise((resolve) => server.close(resolve));
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

test('a debug line shows no key, even one passed where an id goes', async () => {
  const lines = [];
  const original = console.debug;
  console.debug = (...args) => lines.push(args.join(' '));
  try {
    const fetch = async () => new Response('{"object":"response","data":{}}', { status: 200 });
    const im = new Contiguity(API_KEY, { fetch, debug: true }).imessage;
    await im.get(API_KEY);
    await im.get('whsec_SIGNINGSECRETMARK');
  } finally {
    console.debug = original;
  }
  assert.equal(lines.length, 2);
  for (const line of lines) {
    assert.ok(!line.includes(API_KEY) && !line.includes('SIGNINGSECRETMARK'), line);
    assert.match(line, /^\[contiguity-imessage\] GET https:\/\/api\.contiguity\.com\/conversations\/history\/message\/.*\[redacted\]$/);
  }
});
