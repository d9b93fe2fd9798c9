// Faults from the caller's code and from the network: a throwing console, a
// custom fetch that throws, returns junk or a hostile thenable, a hostile
// Object.prototype, a gzip bomb, a body of 100 MB, a Retry-After no one can
// wait for, many sends at once. Every call settles with the package's own
// error, and the instance keeps working: where a fault could leave a mark,
// a real send to the sandbox follows it.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Contiguity, ContiguityError, ValidationError, parseWebhookPayload } from 'contiguity-imessage';
import { startSandboxProcess, API_KEY, LEASED } from './support/sandbox.mjs';
import { run } from '../runtimes/support/process.mjs';

const PERSON = '+15551234567';
const SEND = { to: PERSON, message: 'Hello!' };
let sandbox;
before(async () => {
  sandbox = await startSandboxProcess();
});
after(() => sandbox.stop());
beforeEach(() => sandbox.reset());

const settled = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));

/** A real send through `im` reaches the sandbox intact. */
async function assertSends(im, message) {
  const { message_id } = await im.send({ to: PERSON, message, from: LEASED });
  assert.match(message_id, /^imsg_/);
  const sent = (await sandbox.messages()).map((m) => m.message);
  assert.ok(sent.includes(message), `the sandbox got ${JSON.stringify(sent)}`);
}

/** A node:http server on loopback answering with `handle`; closed by the caller. */
async function serve(handle) {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => handle(request, response));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
    server,
  };
}

test('webhook.parse of a typed-array look-alike, 5,000 times: a ValidationError each time; the instance still works', async () => {
  const lookAlike = Object.setPrototypeOf({}, Uint8Array.prototype);
  for (let i = 0; i < 5000; i++) {
    assert.throws(() => parseWebhookPayload(lookAlike), ValidationError);
  }
  const event = { id: 'evt_1', type: 'imessage.incoming', timestamp: 1, api_version: 'v', data: { from: PERSON, to: LEASED, body: 'hi', timestamp: 1 } };
  assert.deepEqual(parseWebhookPayload(JSON.stringify(event)), event);
  await assertSends(new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage, 'after look-alikes');
});

test('debug: true with a console.debug that throws: the send settles and succeeds', { timeout: 10_000 }, async () => {
  const original = console.debug;
  console.debug = () => {
    throw new Error('console is broken');
  };
  try {
    const im = new Contiguity(API_KEY, { baseUrl: sandbox.url, debug: true }).imessage;
    await assertSends(im, 'despite the console');
    // A retried read logs twice (the request and the retry).
    await sandbox.inject({ path: '/conversations/*', status: 503 });
    const history = await im.history({ to: PERSON, from: LEASED });
    assert.ok(Array.isArray(history.conversation));
  } finally {
    console.debug = original;
  }
});

// A revoked Proxy and one whose every trap throws: the worst a caller can hand over.
const { proxy: REVOKED, revoke } = Proxy.revocable({}, {});
revoke();
const TRAPS = ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'apply', 'construct', 'set', 'defineProperty', 'deleteProperty'];
const THROWS_ON_EVERYTHING = new Proxy(function target() {}, Object.fromEntries(TRAPS.map((trap) => [trap, () => { throw new Error(`${trap} trap`); }])));
const envelopeText = JSON.stringify({ id: 'req_1', object: 'response', data: { message_id: 'imsg_stub' } });
const envelope = () => new Response(envelopeText);
const withThrowingGetter = (object, key) => Object.defineProperty(object, key, { get() { throw new Error(`${key} getter`); } });

// What a custom fetch does, and the code the call must reject with.
const HOSTILE_FETCHES = [
  ['throws an Error', () => { throw new Error('boom'); }, 'network_error'],
  ['throws a string', () => { throw 'boom'; }, 'network_error'],
  ['throws undefined', () => { throw undefined; }, 'network_error'],
  ['throws a revoked Proxy', () => { throw REVOKED; }, 'network_error'],
  ['throws a Proxy whose every trap throws', () => { throw THROWS_ON_EVERYTHING; }, 'network_error'],
  ['throws an error whose message getter throws', () => { throw withThrowingGetter(new Error(), 'message'); }, 'network_error'],
  ['returns 42', () => 42, 'invalid_response'],
  ['returns undefined', () => undefined, 'invalid_response'],
  ['returns a revoked Proxy', () => REVOKED, 'network_error'],
  ['returns a Proxy whose every trap throws', () => THROWS_ON_EVERYTHING, 'network_error'],
  ['returns a promise whose constructor getter throws', () => withThrowingGetter(Promise.resolve(envelope()), 'constructor'), 'network_error'],
  // What a fetch returns is awaited only when it is a plain promise of this
  // realm; anything else, a promise with a `then` of its own too, is
  // settled by the package (pkg-template/settle.js), its `then` read.
  ['returns a promise whose then getter throws', () => withThrowingGetter(Promise.resolve(envelope()), 'then'), 'network_error'],
  ['returns a thenable whose then getter throws', () => withThrowingGetter({}, 'then'), 'network_error'],
  ['returns a thenable resolving to a Response', () => ({ then: (resolve) => resolve(envelope()) }), 'resolved'],
  ['returns a thenable whose then throws', () => ({ then() { throw new Error('then'); } }), 'network_error'],
  ['returns a thenable that never settles', () => ({ then() {} }), 'timeout'],
  ['resolves to a Proxy whose every trap throws', async () => THROWS_ON_EVERYTHING, 'network_error'],
  ['resolves to a response whose status getter throws', async () => withThrowingGetter({ text: async () => '{}' }, 'status'), 'invalid_response'],
  ['resolves to a 200 whose text() throws', async () => ({ status: 200, headers: new Headers(), text() { throw new Error('text'); } }), 'network_error'],
  ['resolves to a 200 whose text() never settles', async () => ({ status: 200, headers: new Headers(), text: () => new Promise(() => {}) }), 'timeout'],
  ['resolves to a 200 whose text() returns a string, not a promise', async () => ({ status: 200, headers: new Headers(), text: () => envelopeText }), 'resolved'],
  ['resolves to a 200 whose text() calls back twice, then rejects', async () => ({ status: 200, headers: new Headers(), text: () => ({ then(resolve, reject) { resolve(envelopeText); resolve('{}'); reject(new Error('late')); } }) }), 'resolved'],
  ['resolves to a 200 whose text() rejects after the deadline', async () => ({ status: 200, headers: new Headers(), text: () => new Promise((_, reject) => setTimeout(reject, 700, new Error('late'))) }), 'timeout'],
  ['resolves to a 200 whose json() gives a cyclic value', async () => ({ status: 200, headers: new Headers(), json: async () => { const cyclic = {}; cyclic.self = cyclic; return cyclic; } }), 'network_error'],
  ['resolves to a 200 whose json() gives a BigInt', async () => ({ status: 200, headers: new Headers(), json: async () => ({ data: 1n }) }), 'network_error'],
  ...[
    ['resolves to null', async () => null],
    ['resolves to a result whose done getter throws', async () => withThrowingGetter({}, 'done')],
    ['rejects after the deadline', () => new Promise((_, reject) => setTimeout(reject, 700, new Error('late')))],
  ].map(([what, read]) => [
    `resolves to a gzip 200 whose body reader's read() ${what}`,
    async () => ({ status: 200, headers: new Headers({ 'content-encoding': 'gzip' }), body: { getReader: () => ({ read, cancel: async () => {} }) } }),
    what.includes('deadline') ? 'timeout' : 'network_error',
  ]),
  [
    'resolves to a gzip 200 whose body reader throws',
    async () => ({ status: 200, headers: new Headers({ 'content-encoding': 'gzip' }), body: { getReader: () => ({ read() { throw new Error('read'); }, cancel: async () => {} }) } }),
    'network_error',
  ],
  [
    'resolves to a gzip 200 whose body reader yields junk',
    async () => ({ status: 200, headers: new Headers({ 'content-encoding': 'gzip' }), body: { getReader: () => ({ read: async () => ({ done: false, value: 42 }), cancel: async () => {} }) } }),
    'network_error',
  ],
  // Over the body limit (8 MiB) the reader is cancelled and the answer is
  // invalid_response, whatever a stub's cancel does.
  ...[
    ['returns undefined', () => undefined],
    ['throws', () => { throw new Error('cancel'); }],
    ['resolves to itself', () => { const self = { then: (resolve) => resolve(self) }; return self; }],
  ].map(([what, cancel]) => [
    `resolves to a gzip 200 over the body limit whose reader's cancel ${what}`,
    async () => ({
      status: 200,
      headers: new Headers({ 'content-encoding': 'gzip' }),
      body: { getReader: () => ({ read: async () => ({ done: false, value: new Uint8Array(9 << 20) }), cancel }) },
    }),
    'invalid_response',
  ]),
  [
    'resolves to a gzip 200 whose body reader yields empty chunks forever',
    async () => ({ status: 200, headers: new Headers({ 'content-encoding': 'gzip' }), body: { getReader: () => ({ read: async () => ({ done: false, value: new Uint8Array(0) }), cancel: async () => {} }) } }),
    'timeout',
  ],
  ['resolves to a 429 whose headers.get throws', async () => ({ status: 429, headers: { get() { throw new Error('get'); } }, text: async () => '' }), 'rate_limited'],
];

test('a custom fetch that throws, returns junk or a hostile thenable: a ContiguityError, always settled', { timeout: 30_000 }, async () => {
  for (const [what, fetch, code] of HOSTILE_FETCHES) {
    const im = new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch, maxRetries: 0, timeoutMs: 500 }).imessage;
    const { error } = await settled(im.send(SEND));
    if (code === 'resolved') {
      assert.equal(error, undefined, `${what}: ${error?.stack}`);
      continue;
    }
    assert.ok(error instanceof ContiguityError, `${what}: ${error?.stack ?? 'resolved'}`);
    assert.equal(error.code, code, `${what}: ${error.message}`);
  }
  await assertSends(new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage, 'after hostile fetches');
});

// Each would hang the whole process under `await`, timers and test timeouts
// included, so they run in a child that is killed after a bound.
const SELF_RESOLVING = fileURLToPath(new URL('./support/self-resolving.mjs', import.meta.url));
test('thenables that resolve to themselves, wherever the package waits on a caller: settled, timers alive', { timeout: 60_000 }, async () => {
  const result = await run(process.execPath, [SELF_RESOLVING], { timeoutMs: 45_000 });
  const outcomes = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
  assert.equal(result.code, 0, `the child ${result.signal ? `hung after: ${outcomes.at(-1)?.name ?? 'nothing'}` : `failed:\n${result.stderr}`}`);
  assert.deepEqual(
    Object.fromEntries(outcomes.map(({ name, outcome, timerRan }) => [name, `${outcome}${timerRan ? '' : ', no timer ran'}`])),
    {
      'fetch returns one': 'rejected ContiguityError network_error',
      'fetch returns one that calls back a turn later': 'rejected ContiguityError network_error',
      'fetch returns one passing for a promise': 'rejected ContiguityError network_error',
      "a 200's text() returns one": 'rejected ContiguityError network_error',
      "a 200's json() returns one": 'rejected ContiguityError network_error',
      "a gzip 200's body reader returns one": 'rejected ContiguityError network_error',
      // A failed callback: 500, so that the service redelivers.
      'webhook onMessage returns one': 'answered 500',
      // `then` of a real promise is called, what it returns left alone.
      'webhook onMessage returns a promise whose species makes one': 'answered 200',
      'webhook onEvent returns one': 'answered 500',
      'webhook options function returns one': 'answered 500',
      "webhook store's claim returns one": 'answered 500',
      // Handled, but not recorded as done (docs/webhooks.md).
      "webhook store's complete returns one": 'answered 200',
      // A store that fails a claim: nothing ran, the service redelivers.
      "kvStore: the namespace's get returns one": 'answered 500',
      "kvStore: the namespace's put returns one": 'answered 500',
      "durableObjectStore: the stub's fetch returns one": 'answered 500',
      "durableObjectStore: the answer's text() returns one": 'answered 500',
      "verifyRequest: a Request-like's arrayBuffer() returns one": 'resolved false',
      'a handler given to toNodeHandler returns one': 'answered 500',
    },
  );
});

test('a fetch that ignores its signal is timed out all the same', { timeout: 10_000 }, async () => {
  let signal;
  const fetch = (url, init) => {
    signal = init.signal;
    return new Promise(() => {}); // never settles, whatever the signal says
  };
  const started = Date.now();
  const { error } = await settled(new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch, timeoutMs: 300, maxRetries: 0 }).imessage.send(SEND));
  assert.equal(error?.code, 'timeout');
  assert.ok(Date.now() - started < 5_000, 'rejected within a few seconds');
  assert.equal(signal?.aborted, true, 'the signal was aborted at the deadline');
});

test('a replaced AbortController whose abort throws: the call still times out', { timeout: 10_000 }, async () => {
  const Original = globalThis.AbortController;
  globalThis.AbortController = class extends Original {
    abort() {
      throw new Error('abort replaced by the caller');
    }
  };
  try {
    const fetch = () => new Promise(() => {}); // never settles
    const { error } = await settled(new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch, timeoutMs: 200, maxRetries: 0 }).imessage.send(SEND));
    assert.equal(error?.code, 'timeout');
  } finally {
    globalThis.AbortController = Original;
  }
});

test('a global clearTimeout that throws: answered and timed-out sends settle all the same', { timeout: 10_000 }, async () => {
  const original = globalThis.clearTimeout;
  let calls = 0;
  globalThis.clearTimeout = () => {
    calls++;
    throw new Error('clearTimeout replaced by the caller');
  };
  try {
    const answered = async () => new Response(JSON.stringify({ object: 'response', data: { message_id: 'imsg_1' } }), { status: 200 });
    const sent = await settled(new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch: answered, maxRetries: 0 }).imessage.send(SEND));
    assert.equal(sent.value?.message_id, 'imsg_1');
    const never = () => new Promise(() => {});
    const { error } = await settled(new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch: never, timeoutMs: 100, maxRetries: 0 }).imessage.send(SEND));
    assert.equal(error?.code, 'timeout');
  } finally {
    globalThis.clearTimeout = original;
  }
  assert.ok(calls >= 2, 'the throwing clearTimeout was called');
});

// A fetch that drops its signal answers when it answers: after the
// deadline, that answer is no longer wanted, and its body must be
// cancelled, not left holding a connection open.
test('an answer that comes after the deadline has its body cancelled', { timeout: 10_000 }, async () => {
  for (const headers of [{}, { 'content-encoding': 'gzip' }]) {
    let cancelled;
    const wasCancelled = new Promise((resolve) => (cancelled = resolve));
    const endless = new ReadableStream({ pull: (controller) => controller.enqueue(new Uint8Array(1)), cancel: () => cancelled(true) });
    const late = () => new Promise((resolve) => setTimeout(() => resolve(new Response(endless, { headers })), 300));
    const { error } = await settled(new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch: late, timeoutMs: 100, maxRetries: 0 }).imessage.send(SEND));
    assert.equal(error?.code, 'timeout');
    const outcome = await Promise.race([wasCancelled, new Promise((resolve) => setTimeout(resolve, 3_000, false))]);
    assert.equal(outcome, true, `the late body (${JSON.stringify(headers)}) was cancelled`);
  }
});

test('a late answer whose body never ends does not keep the process alive', { timeout: 30_000 }, async () => {
  const api = await serve((request, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const writing = setInterval(() => response.write(' '), 50);
      response.on('close', () => clearInterval(writing));
    }, 600);
  });
  try {
    const script = fileURLToPath(new URL('./support/late-answer.mjs', import.meta.url));
    const result = await run(process.execPath, [script, api.url, API_KEY], { timeoutMs: 10_000 });
    assert.equal(result.signal, null, 'the child exited by itself, not killed at the bound');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { code: 'timeout' });
  } finally {
    api.server.closeAllConnections();
    await api.close();
  }
});

// A caller's setTimeout wrapper (tracing, test helpers) may pass on only
// the callback and the delay: the package's timers must need no more.
test('a global setTimeout that passes on only the callback and the delay: retries and deadlines work', { timeout: 10_000 }, async () => {
  const realSetTimeout = globalThis.setTimeout;
  const bound = (promise) => Promise.race([promise, new Promise((resolve) => realSetTimeout(resolve, 5_000, { error: 'never settled' }))]);
  let attempts = 0;
  const rateLimitedOnce = async () =>
    attempts++ === 0 ? new Response('{}', { status: 429, headers: { 'retry-after': '0' } }) : envelope();
  const neverAnswers = () => new Promise(() => {});
  globalThis.setTimeout = (callback, ms) => realSetTimeout(callback, ms);
  let outcomes;
  try {
    outcomes = await Promise.all([
      bound(settled(new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch: rateLimitedOnce }).imessage.send(SEND))),
      bound(settled(new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch: neverAnswers, timeoutMs: 200, maxRetries: 0 }).imessage.send(SEND))),
    ]);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  const [retried, hung] = outcomes;
  assert.equal(retried.value?.message_id, 'imsg_stub', `the retried send: ${retried.error?.stack ?? retried.error}`);
  assert.equal(attempts, 2);
  assert.equal(hung.error?.code, 'timeout', `the hung send: ${hung.error?.message ?? hung.error}`);
});

// An assignment to a property an object does not have runs a setter a
// caller put on Object.prototype. The package makes its objects (the
// request's init and headers, results, errors) without assignments, so
// none of its names runs one; Node.js's own fetch and timers do assign
// some (undici its header names, timers an `id`), which the package
// cannot help but must survive.
const NAMES_THE_PACKAGE_WRITES = [
  'method', 'headers', 'body', 'signal', 'redirect', 'Accept', 'Authorization', 'Content-Type',
  'metadata', 'timestamp', 'api_version', 'object', 'message_id',
  'name', 'message', 'stack', 'cause', 'code', 'status', 'requestId', 'data', 'retryAfter', 'issues',
];

function onObjectPrototype(names, setter) {
  for (const name of names) Object.defineProperty(Object.prototype, name, { set: setter(name), configurable: true });
  return () => {
    for (const name of names) delete Object.prototype[name];
  };
}

test('the package runs no setter a caller put on Object.prototype', async () => {
  const ran = new Set(); // a Set: adding to it assigns nothing
  const answer = (status, body) => ({ status, headers: { get: () => null }, text: async () => JSON.stringify(body) });
  const fetch = async (url) =>
    url.includes('missing')
      ? answer(404, { id: 'err_1', object: 'error', data: { error: { message: 'no such message' } } })
      : answer(200, { id: 'req_1', object: 'response', timestamp: 1, api_version: 'v', data: { message_id: 'imsg_1' } });
  const restore = onObjectPrototype(NAMES_THE_PACKAGE_WRITES, (name) => () => ran.add(name));
  let outcomes;
  try {
    const im = new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch, maxRetries: 0 }).imessage;
    const refused = new Contiguity(API_KEY, {
      baseUrl: sandbox.url,
      maxRetries: 0,
      fetch: (url, init) => {
        throw new TypeError('fetch failed', { cause: new Error(`sent ${init.headers.Authorization}`) });
      },
    }).imessage;
    outcomes = [
      await settled(im.send(SEND)),
      await settled(im.history({ to: PERSON, from: LEASED })),
      await settled(im.get('imsg_missing')),
      await settled(im.send({ to: 'nobody' })),
      await settled(refused.send(SEND)),
    ];
  } finally {
    restore();
  }
  assert.deepEqual([...ran], [], 'setters the package ran');
  const [sent, history, missing, invalid, stoodIn] = outcomes;
  assert.deepEqual(sent.value, { message_id: 'imsg_1', metadata: { id: 'req_1', timestamp: 1, api_version: 'v', object: 'response' } });
  assert.equal(history.value.message_id, 'imsg_1');
  assert.deepEqual([missing.error?.code, missing.error?.status, missing.error?.requestId], ['not_found', 404, 'err_1']);
  assert.ok(invalid.error instanceof ValidationError);
  assert.equal(stoodIn.error?.code, 'network_error');
  assert.match(stoodIn.error.cause.cause.message, /\[redacted\]/);
});

test('setters on Object.prototype that throw: every call settles with the package\'s error; then every client works', { timeout: 30_000 }, async () => {
  const before = new Contiguity(API_KEY, { baseUrl: sandbox.url, maxRetries: 0 }).imessage;
  for (const name of NAMES_THE_PACKAGE_WRITES) {
    const restore = onObjectPrototype([name], () => () => {
      throw new Error(`a setter for ${name}`);
    });
    try {
      for (let i = 0; i < 20; i++) {
        let outcome;
        try {
          outcome = await settled(new Contiguity(API_KEY, { baseUrl: sandbox.url, maxRetries: 0 }).imessage.send(SEND));
        } catch (thrown) {
          outcome = { error: thrown };
        }
        if (outcome.error) assert.ok(outcome.error instanceof ContiguityError, `${name}: ${outcome.error?.stack ?? outcome.error}`);
      }
    } finally {
      restore();
    }
    await assertSends(before, `a client made before the ${name} setter`);
    await assertSends(new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage, `a client made after the ${name} setter`);
  }
});

// The wasm parses a body with the global JSON.parse, which a caller may
// have replaced: with one that freezes what it makes, a success is still
// a success, its result a new object.
test('a global JSON.parse that freezes what it parses: a success is still a success', async () => {
  const realParse = JSON.parse;
  const deepFreeze = (value) => {
    if (typeof value === 'object' && value !== null) Object.values(value).forEach(deepFreeze);
    return Object.freeze(value);
  };
  const fetch = async () =>
    new Response(JSON.stringify({ id: 'req_1', object: 'response', timestamp: 1, api_version: 'v', data: { message_id: 'imsg_1' } }));
  JSON.parse = (text, reviver) => deepFreeze(realParse(text, reviver));
  let outcome;
  try {
    outcome = await settled(new Contiguity(API_KEY, { baseUrl: sandbox.url, fetch }).imessage.send(SEND));
  } finally {
    JSON.parse = realParse;
  }
  assert.deepEqual(outcome, { value: { message_id: 'imsg_1', metadata: { id: 'req_1', timestamp: 1, api_version: 'v', object: 'response' } } });
});

test('a gzip bomb stops at the body limit: invalid_response, within seconds', { timeout: 30_000 }, async (t) => {
  // 32 gzip members of 64 MiB of zeros each: about 2 MB on the wire, 2 GiB
  // unpacked (a gzip body may hold several members; fetch unpacks them all).
  const member = gzipSync(Buffer.alloc(64 << 20), { level: 9 });
  const bomb = Buffer.concat(Array.from({ length: 32 }, () => member));
  const api = await serve((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.length });
    response.end(bomb);
  });
  try {
    const started = Date.now();
    const { error } = await settled(new Contiguity(API_KEY, { baseUrl: api.url, maxRetries: 0 }).imessage.send(SEND));
    t.diagnostic(`${bomb.length} B bomb refused in ${Date.now() - started} ms`);
    assert.ok(error instanceof ContiguityError, String(error));
    assert.equal(error.code, 'invalid_response');
    assert.match(error.message, /more than \d+ bytes/);
    assert.ok(Date.now() - started < 10_000);
  } finally {
    await api.close();
  }
});

test('a 100 MB success body: invalid_response, not read to its end', { timeout: 30_000 }, async (t) => {
  const size = 100 << 20;
  let written = 0;
  let finished = false;
  const api = await serve((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': size });
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const write = () => {
      while (written < size) {
        written += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', write);
      }
      response.end(() => (finished = true));
    };
    response.on('close', () => (written = size)); // the client hung up: stop
    write();
  });
  try {
    const started = Date.now();
    const { error } = await settled(new Contiguity(API_KEY, { baseUrl: api.url, maxRetries: 0 }).imessage.send(SEND));
    t.diagnostic(`refused after ${Date.now() - started} ms`);
    assert.equal(error?.code, 'invalid_response', String(error));
    assert.match(error.message, /more than \d+ bytes/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(finished, false, 'the client stopped reading, so the server could not send all of it');
  } finally {
    api.server.closeAllConnections();
    await api.close();
  }
});

test('a Retry-After too long to wait is not waited for: one request, retryAfter set', async () => {
  for (const seconds of ['99999999999', String(2 ** 32), String(2 ** 32 + 1)]) {
    let requests = 0;
    const api = await serve((request, response) => {
      requests++;
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': seconds });
      response.end('{}');
    });
    try {
      const started = Date.now();
      const { error } = await settled(new Contiguity(API_KEY, { baseUrl: api.url, maxRetries: 2 }).imessage.history({ to: PERSON, from: LEASED }));
      assert.deepEqual([error?.code, error?.status, error?.retryAfter], ['rate_limited', 429, Number(seconds)]);
      assert.equal(requests, 1, `Retry-After: ${seconds} is not retried`);
      assert.ok(Date.now() - started < 5_000);
    } finally {
      await api.close();
    }
  }
});

test('options.fetch is read once, at construction', async () => {
  let reads = 0;
  const options = {
    baseUrl: sandbox.url,
    get fetch() {
      reads++;
      return (url, init) => fetch(url, init);
    },
  };
  const im = new Contiguity(API_KEY, options).imessage;
  await assertSends(im, 'one');
  await assertSends(im, 'two');
  assert.equal(reads, 1);
});

test('1,500 sends through one client, 60 at a time: no warning, heap flat', { timeout: 120_000 }, async (t) => {
  const script = fileURLToPath(new URL('./support/concurrent-sends.mjs', import.meta.url));
  const result = await run(process.execPath, ['--expose-gc', script, sandbox.url, API_KEY, '1500', '60'], { timeoutMs: 100_000 });
  assert.equal(result.code, 0, result.stderr);
  t.diagnostic(result.stdout.trim());
  assert.doesNotMatch(result.stderr, /Warning/, 'nothing on stderr, a MaxListenersExceededWarning least of all');
  const { sent, secondHalfGrowthBytes } = JSON.parse(result.stdout.trim().split('\n').at(-1));
  assert.equal(sent, 1500);
  // Far below what keeping each send's controller, listeners and response
  // would add, and above what fetch itself varies by (printed above).
  assert.ok(secondHalfGrowthBytes < 1 << 20, `the heap grew by ${secondHalfGrowthBytes} B over the last 600 sends`);
});

// An attempt's deadline counts from its start, fetch included: a fetch that
// uses it all up before it returns has timed out (BENCHMARKS.md, "Tried and
// not kept": a timer set after fetch did not keep this).
const ANSWER = JSON.stringify({ id: 'req_1', timestamp: 1, api_version: 'v', object: 'response', data: { message_id: 'imsg_1' } });

test('a fetch that blocks past the deadline before returning times out, though it answers later', async () => {
  const fetch = () => {
    const until = Date.now() + 250;
    while (Date.now() < until); // a synchronous fetch wrapper's work
    return new Promise((resolve) => setTimeout(() => resolve(new Response(ANSWER)), 100));
  };
  const { imessage } = new Contiguity(API_KEY, { fetch, timeoutMs: 100, maxRetries: 0 });
  const { error } = await settled(imessage.send(SEND));
  assert.ok(error instanceof ContiguityError, String(error));
  assert.equal(error.code, 'timeout');
});

test('a fetch that moves fake timers past the deadline times the attempt out at once', { timeout: 5000 }, async () => {
  // The shape of sinon's and vitest's fake timers: setTimeout, clearTimeout
  // and Date.now on one clock that only a test moves.
  const real = { setTimeout, clearTimeout, now: Date.now };
  let now = real.now();
  const timers = new Map();
  let next = 1;
  globalThis.setTimeout = (callback, ms) => {
    timers.set(next, { at: now + ms, callback });
    return next++;
  };
  globalThis.clearTimeout = (id) => timers.delete(id);
  Date.now = () => now;
  const advance = (ms) => {
    now += ms;
    for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > now) break;
      timers.delete(id);
      timer.callback();
    }
  };
  try {
    const fetch = () => {
      advance(1000); // a mock that stands for latency by moving the clock
      return new Promise(() => {});
    };
    const { imessage } = new Contiguity(API_KEY, { fetch, timeoutMs: 1000, maxRetries: 0 });
    // On the real clock, which the runner's own timeout uses too: a call
    // that never times out fails here instead of hanging the file.
    const hung = new Promise((resolve) => real.setTimeout(() => resolve({ hung: true }), 2000));
    const outcome = await Promise.race([settled(imessage.send(SEND)), hung]);
    assert.ok(!outcome.hung, 'the attempt was never timed out');
    const { error } = outcome;
    assert.ok(error instanceof ContiguityError, String(error));
    assert.equal(error.code, 'timeout');
  } finally {
    globalThis.setTimeout = real.setTimeout;
    globalThis.clearTimeout = real.clearTimeout;
    Date.now = real.now;
  }
});

test("a fetch that throws at once: clearTimeout is given only handles setTimeout gave", async () => {
  // A caller's wrapper of the timers (a leak tracker, say) may read its own
  // handle's fields, and would throw on a handle it never gave. Counted
  // here rather than thrown: another test's late timer may pass through.
  const real = { setTimeout, clearTimeout };
  const handles = new Set();
  let strangers = 0;
  globalThis.setTimeout = (callback, ms) => {
    const handle = { timer: real.setTimeout(callback, ms) };
    handles.add(handle);
    return handle;
  };
  globalThis.clearTimeout = (handle) => {
    if (handles.delete(handle)) return real.clearTimeout(handle.timer);
    if (handle === undefined || handle === null) strangers++;
    else real.clearTimeout(handle);
  };
  try {
    const throwing = () => {
      throw new TypeError('fetch failed');
    };
    const once = await settled(new Contiguity(API_KEY, { fetch: throwing, maxRetries: 0 }).imessage.send(SEND));
    assert.ok(once.error instanceof ContiguityError, String(once.error));
    assert.equal(once.error.code, 'network_error');
    // A read answered 503, then retried with a fetch that throws at once.
    let attempts = 0;
    const flaky = () => {
      if (attempts++ === 0) return Promise.resolve(new Response('', { status: 503 }));
      throw new TypeError('fetch failed');
    };
    const retried = await settled(new Contiguity(API_KEY, { fetch: flaky, maxRetries: 1 }).imessage.get('msg_1'));
    assert.ok(retried.error instanceof ContiguityError, String(retried.error));
    assert.equal(retried.error.code, 'network_error');
    assert.equal(attempts, 2);
    assert.equal(strangers, 0, 'clearTimeout was given no handle');
  } finally {
    globalThis.setTimeout = real.setTimeout;
    globalThis.clearTimeout = real.clearTimeout;
  }
});

test('an ArrayBuffer.isView that throws leaves params readable: the send goes out', async () => {
  const isView = ArrayBuffer.isView;
  ArrayBuffer.isView = () => {
    throw new Error('replaced');
  };
  try {
    let requests = 0;
    const fetch = async () => {
      requests++;
      return new Response(ANSWER);
    };
    const result = await new Contiguity(API_KEY, { fetch, maxRetries: 0 }).imessage.send(SEND);
    assert.equal(result.message_id, 'imsg_1');
    assert.equal(requests, 1);
  } finally {
    ArrayBuffer.isView = isView;
  }
});
