// createWebhookHandler in this Node.js process, called with Fetch Requests
// and served through toNodeHandler: its options, its HTTP answers, the
// helpers' requests as the sandbox receives them, the stores' rules, and the
// node:http adapter (plain, and behind Express). The delivery semantics in
// every runtime are tests/runtimes/webhook-handler.test.mjs.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import express from 'express';
import { Contiguity, createWebhookHandler, kvStore, memoryStore, toNodeHandler } from 'contiguity-imessage';
import { startSandboxProcess, API_KEY, LEASED } from './support/sandbox.mjs';

const EVENTS = JSON.parse(readFileSync(new URL('./fixtures/webhook-events.json', import.meta.url), 'utf8'));
const SECRET = 'whsec_handler_unit_secret';
const CUSTOMER = '+15557654321';

let sandbox;
before(async () => {
  sandbox = await startSandboxProcess();
});
after(() => sandbox.stop());

let serial = 0;
/** An event of `type` (the service's own example) with a fresh id, and its raw body. */
function eventOf(type = 'imessage.incoming', changes = {}) {
  serial += 1;
  const example = EVENTS[type];
  const event = { ...example, id: `evt_unit_${serial}`, ...changes };
  if (type === 'imessage.incoming') event.data = { ...example.data, from: CUSTOMER, to: LEASED, ...changes.data };
  return { event, rawBody: JSON.stringify(event) };
}

function sign(rawBody, secret = SECRET, t = Math.floor(Date.now() / 1000)) {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex')}`;
}

function delivery(rawBody, { signature = sign(rawBody), method = 'POST', headers = {} } = {}) {
  return new Request('https://receiver.example/webhook', {
    method,
    headers: { 'content-type': 'application/json', 'contiguity-signature': signature, ...headers },
    body: method === 'GET' || method === 'HEAD' ? undefined : rawBody,
  });
}

const answerOf = async (response) => `${response.status} ${await response.text()}`;
const client = () => new Contiguity(API_KEY, { baseUrl: sandbox.url, maxRetries: 0 });
/** What the sandbox received: method, path and body only (headers hold the key). */
const received = async () => (await sandbox.requests()).map(({ method, path, json }) => ({ method, path, json }));

describe('options', () => {
  const onMessage = () => {};

  test('mistakes are TypeErrors naming the option, thrown by createWebhookHandler', () => {
    const cases = [
      [undefined, /options must be an object/],
      [{ onMessage }, /options\.secret is missing or empty \(is the environment variable/],
      [{ secret: '', onMessage }, /options\.secret is missing or empty/],
      [{ secret: [], onMessage }, /options\.secret must be a webhook secret/],
      [{ secret: [SECRET, 42], onMessage }, /options\.secret must be a webhook secret/],
      [{ secret: SECRET }, /options\.onMessage or options\.onEvent is required/],
      [{ secret: SECRET, onMessage: 'reply' }, /options\.onMessage must be a function/],
      [{ secret: SECRET, onMessage, onMesage: onMessage }, /unknown option "onMesage"/],
      [{ secret: SECRET, onMessage, dedupe: 'memory' }, /options\.dedupe must be a store/],
      [{ secret: SECRET, onMessage, dedupe: { ttl: 60 } }, /unknown option of options\.dedupe: "ttl"/],
      [{ secret: SECRET, onMessage, dedupe: { ttlSeconds: 0 } }, /options\.dedupe\.ttlSeconds must be a positive number/],
      [{ secret: SECRET, onMessage, dedupe: { store: {} } }, /options\.dedupe\.store must have claim, complete and release/],
      [{ secret: SECRET, onMessage, toleranceSeconds: -1 }, /options\.toleranceSeconds/],
      [{ secret: SECRET, onMessage, background: 'yes' }, /options\.background must be a boolean/],
      [{ secret: SECRET, onMessage, maxBodyBytes: 1.5 }, /options\.maxBodyBytes must be a positive integer/],
      [{ secret: SECRET, onMessage, client: {} }, /options\.client must be a Contiguity instance/],
      [{ secret: SECRET, onMessage, client: client(), apiKey: API_KEY }, /not both/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => createWebhookHandler(options), (error) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /^createWebhookHandler: /);
        assert.match(error.message, message);
        assert.ok(!error.message.includes(SECRET));
        return true;
      });
    }
  });

  test('a function of env is called on the first request with its env, kept; a failure is retried', async () => {
    const calls = [];
    let broken = true;
    const handler = createWebhookHandler((env) => {
      calls.push(env);
      if (broken) throw new Error('secret store unreachable');
      return { secret: env.SECRET, onMessage() {}, onError() {} };
    });
    assert.deepEqual(calls, []); // not at creation
    const errors = [];
    const original = console.error;
    console.error = (...args) => errors.push(args.map(String).join(' '));
    try {
      const { rawBody } = eventOf();
      assert.equal(await answerOf(await handler(delivery(rawBody), { SECRET })), '500 internal error');
      assert.match(errors.join('\n'), /secret store unreachable/);
      broken = false;
      assert.equal(await answerOf(await handler(delivery(rawBody), { SECRET })), '200 ok');
      assert.equal(await answerOf(await handler(delivery(eventOf().rawBody), { SECRET: 'ignored now' })), '200 ok');
      assert.equal(calls.length, 2);
    } finally {
      console.error = original;
    }
  });

  test('options returned by a function are checked like an object', async () => {
    const errors = [];
    const original = console.error;
    console.error = (...args) => errors.push(args.map(String).join(' '));
    try {
      const handler = createWebhookHandler((env) => ({ secret: env.UNSET, onMessage() {} }));
      assert.equal(await answerOf(await handler(delivery(eventOf().rawBody), {})), '500 internal error');
      assert.match(errors.join('\n'), /options\.secret is missing or empty/);
    } finally {
      console.error = original;
    }
  });
});

describe('answers', () => {
  let runs;
  const handler = createWebhookHandler({
    secret: SECRET,
    onMessage() {
      runs += 1;
    },
    maxBodyBytes: 4096,
  });

  test('405 for every method but POST, with Allow, reading nothing', async () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const response = await handler(delivery('{}', { method }));
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'POST');
    }
  });

  test('a delivery streamed in many chunks is read whole, verified and handled', async () => {
    runs = 0;
    const { rawBody } = eventOf();
    const bytes = new TextEncoder().encode(rawBody);
    const stream = new ReadableStream({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 7) controller.enqueue(bytes.slice(at, at + 7));
        controller.close();
      },
    });
    const headers = { 'content-type': 'application/json', 'contiguity-signature': sign(rawBody) };
    const streamed = new Request('https://receiver.example/', { method: 'POST', headers, body: stream, duplex: 'half' });
    assert.equal(await answerOf(await handler(streamed)), '200 ok');
    assert.equal(runs, 1);
  });

  test('413 over maxBodyBytes, by Content-Length or while streaming, before any check', async () => {
    runs = 0;
    const big = JSON.stringify({ ...eventOf().event, padding: 'x'.repeat(5000) });
    assert.equal(await answerOf(await handler(delivery(big))), '413 payload too large');
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(1024).fill(0x20)); // never ends: only the limit stops it
      },
    });
    const streamed = new Request('https://receiver.example/', { method: 'POST', body: stream, duplex: 'half' });
    assert.equal(streamed.headers.get('content-length'), null);
    assert.equal(await answerOf(await handler(streamed)), '413 payload too large');
    // A request-like object whose reader's cancel returns no promise: still 413.
    const lookAlike = {
      method: 'POST',
      headers: new Headers(),
      body: { getReader: () => ({ read: async () => ({ done: false, value: new Uint8Array(1 << 20) }), cancel: () => undefined }) },
    };
    assert.equal(await answerOf(await handler(lookAlike)), '413 payload too large');
    assert.equal(runs, 0);
  });

  test('401, no detail, for every signature problem; 400 for a signed body that is not an event', async () => {
    runs = 0;
    const { rawBody } = eventOf();
    const t = Math.floor(Date.now() / 1000);
    for (const signature of ['', 'garbage', sign(rawBody, 'whsec_other'), sign(rawBody, SECRET, t - 301), `t=${t}`]) {
      assert.equal(await answerOf(await handler(delivery(rawBody, { signature }))), '401 unauthorized');
    }
    assert.equal(await answerOf(await handler(delivery(rawBody, { headers: { 'contiguity-signature': sign(`${rawBody} `) } }))), '401 unauthorized');
    for (const body of ['', 'not json', '[]', '{"id":"evt_1"}', JSON.stringify({ ...eventOf().event, id: '' }), JSON.stringify({ ...eventOf().event, id: 'e'.repeat(257) })]) {
      assert.equal(await answerOf(await handler(delivery(body))), '400 malformed event', body.slice(0, 40));
    }
    const used = delivery(rawBody);
    await used.text();
    assert.equal(await answerOf(await handler(used)), '400 unreadable body');
    assert.equal(runs, 0);
  });

  test('a first argument that is not a Request is the caller\'s bug: a TypeError', async () => {
    await assert.rejects(handler(undefined), /the first argument must be a Fetch Request/);
    await assert.rejects(handler({ method: 'POST' }), TypeError);
  });

  test('toleranceSeconds is the signature\'s window', async () => {
    const strict = createWebhookHandler({ secret: SECRET, onMessage() {}, toleranceSeconds: 5 });
    const { rawBody } = eventOf();
    const old = sign(rawBody, SECRET, Math.floor(Date.now() / 1000) - 60);
    assert.equal((await strict(delivery(rawBody, { signature: old }))).status, 401);
    assert.equal((await handler(delivery(rawBody, { signature: old }))).status, 200);
  });
});

describe('callbacks and helpers', () => {
  test('onMessage\'s helpers answer the sender from the number it wrote to', async () => {
    await sandbox.reset();
    const handler = createWebhookHandler({
      secret: SECRET,
      client: client(),
      async onMessage(event, { read, typing, reply, react, client: own, env }) {
        assert.equal(env.NAME, 'env');
        assert.equal(typeof own.imessage.send, 'function');
        await read();
        await typing('start');
        await typing('stop');
        await react('love');
        await react('like', 'an earlier message');
        await reply('as a string');
        await reply({ message: 'as params', attachments: ['https://example.com/a.png'] });
      },
    });
    const { rawBody } = eventOf('imessage.incoming', { data: { body: 'hello there' } });
    assert.equal(await answerOf(await handler(delivery(rawBody), { NAME: 'env' })), '200 ok');
    const conversation = { to: CUSTOMER, from: LEASED };
    assert.deepEqual(await received(), [
      { method: 'POST', path: '/send/imessage/read', json: conversation },
      { method: 'POST', path: '/send/imessage/typing', json: { ...conversation, action: 'start' } },
      { method: 'POST', path: '/send/imessage/typing', json: { ...conversation, action: 'stop' } },
      { method: 'POST', path: '/send/imessage/reactions', json: { ...conversation, tapback: 'love', message: 'hello there', action: 'add' } },
      { method: 'POST', path: '/send/imessage/reactions', json: { ...conversation, tapback: 'like', message: 'an earlier message', action: 'add' } },
      { method: 'POST', path: '/send/imessage', json: { ...conversation, message: 'as a string' } },
      { method: 'POST', path: '/send/imessage', json: { ...conversation, message: 'as params', attachments: ['https://example.com/a.png'] } },
    ]);
  });

  test('helpers return the client\'s promise: a bad argument is its ValidationError, a 500', async () => {
    const failures = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      client: client(),
      async onMessage(_event, { typing }) {
        await typing('sideways');
      },
      onError: (error, event) => failures.push([error.name, error.issues?.[0]?.path, event.id]),
    });
    const { event, rawBody } = eventOf();
    assert.equal((await handler(delivery(rawBody))).status, 500);
    assert.deepEqual(failures, [['ValidationError', ['action'], event.id]]);

    // An imessage.incoming without `data` parses (data is optional); a
    // helper then fails with the client's error naming what is missing.
    const replying = createWebhookHandler({
      secret: SECRET,
      client: client(),
      onMessage: (_event, { reply }) => reply('to nobody'),
      onError: (error, failed) => failures.push([error.name, error.issues?.[0]?.path, failed.id]),
    });
    const bare = JSON.stringify({ id: 'evt_no_data', type: 'imessage.incoming', timestamp: 1, api_version: 'v' });
    assert.equal((await replying(delivery(bare))).status, 500);
    assert.deepEqual(failures[1], ['ValidationError', ['event', 'data'], 'evt_no_data']);
  });

  test('the client is made on first use from apiKey and clientOptions; a bad key fails that use', async () => {
    await sandbox.reset();
    let made = createWebhookHandler({
      secret: SECRET,
      apiKey: API_KEY,
      clientOptions: { baseUrl: sandbox.url },
      onMessage: (_event, { reply }) => reply('made on first use'),
    });
    assert.equal((await made(delivery(eventOf().rawBody))).status, 200);
    assert.equal((await received())[0].json.message, 'made on first use');

    const failures = [];
    made = createWebhookHandler({
      secret: SECRET,
      apiKey: 'not a key',
      onEvent() {}, // sends nothing: needs no client
      onMessage: (_event, { reply }) => reply('never sent'),
      onError: (error) => failures.push(error.name),
    });
    assert.equal((await made(delivery(eventOf('text.delivery.confirmed').rawBody))).status, 200);
    assert.equal((await made(delivery(eventOf().rawBody))).status, 500);
    assert.deepEqual(failures, ['ValidationError']);
  });

  test('onEvent gets the other events, and imessage.incoming too when there is no onMessage', async () => {
    const seen = [];
    const both = createWebhookHandler({
      secret: SECRET,
      onMessage: (event) => seen.push(`message ${event.type}`),
      onEvent: (event, { env }) => seen.push(`event ${event.type} ${env.NAME}`),
    });
    for (const type of ['text.delivery.confirmed', 'email.incoming', 'imessage.incoming']) {
      assert.equal((await both(delivery(eventOf(type).rawBody), { NAME: 'env' })).status, 200);
    }
    const unknownType = JSON.stringify({ id: `evt_new_${serial++}`, type: 'future.event', timestamp: 1, api_version: 'v' });
    assert.equal((await both(delivery(unknownType), { NAME: 'env' })).status, 200);
    const onlyEvents = createWebhookHandler({ secret: SECRET, onEvent: (event) => seen.push(`only ${event.type}`) });
    assert.equal((await onlyEvents(delivery(eventOf().rawBody))).status, 200);
    assert.deepEqual(seen, [
      'event text.delivery.confirmed env',
      'event email.incoming env',
      'message imessage.incoming',
      'event future.event env',
      'only imessage.incoming',
    ]);
  });

  test('the default error report names the event, on console.error', async () => {
    const errors = [];
    const original = console.error;
    console.error = (...args) => errors.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
    try {
      const handler = createWebhookHandler({
        secret: SECRET,
        onMessage() {
          throw new Error('the bot broke');
        },
      });
      const { event, rawBody } = eventOf();
      assert.equal((await handler(delivery(rawBody))).status, 500);
      assert.deepEqual(errors, [`contiguity-imessage: handling webhook event ${event.id} (imessage.incoming) failed: the bot broke`]);
    } finally {
      console.error = original;
    }
  });

  test('an onError that rejects, or returns a thenable that never settles, is no unhandled rejection and no hang', async () => {
    const unhandled = [];
    const onUnhandled = (reason) => unhandled.push(String(reason));
    process.on('unhandledRejection', onUnhandled);
    try {
      const failingStore = { claim: async () => Promise.reject(new Error('store down')), complete: async () => {}, release: async () => {} };
      const selfResolving = { then: (resolve) => resolve(selfResolving) };
      for (const onError of [async () => Promise.reject(new Error('the reporter failed too')), () => selfResolving]) {
        const handler = createWebhookHandler({ secret: SECRET, dedupe: failingStore, onError, onMessage() {} });
        assert.equal(await answerOf(await handler(delivery(eventOf().rawBody))), '500 internal error');
      }
      // A turn of timers: an unhandled rejection is reported by then.
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('de-duplication', () => {
  test('without a waitUntil: answered after the callback; 500 when it throws, and a redelivery runs it', async () => {
    let attempts = 0;
    const handler = createWebhookHandler({
      secret: SECRET,
      onMessage() {
        attempts += 1;
        if (attempts === 1) throw new Error('first attempt fails');
      },
      onError() {},
    });
    const { rawBody } = eventOf();
    assert.equal(await answerOf(await handler(delivery(rawBody))), '500 internal error');
    assert.equal(await answerOf(await handler(delivery(rawBody))), '200 ok');
    assert.equal(await answerOf(await handler(delivery(rawBody))), '200 duplicate');
    assert.equal(attempts, 2);
  });

  test('with a waitUntil: 200 at once; the work is handed over and runs after', async () => {
    let release;
    const held = new Promise((resolve) => (release = resolve));
    let finished = false;
    const handler = createWebhookHandler({
      secret: SECRET,
      async onMessage() {
        await held;
        finished = true;
      },
    });
    const handed = [];
    const ctx = { waitUntil: (promise) => handed.push(promise) };
    const { rawBody } = eventOf();
    assert.equal(await answerOf(await handler(delivery(rawBody), {}, ctx)), '200 accepted');
    assert.equal(await answerOf(await handler(delivery(rawBody), ctx)), '409 event in progress'); // (request, ctx) works too
    assert.equal(handed.length, 1);
    assert.equal(finished, false);
    release();
    assert.equal(await handed[0], true);
    assert.equal(finished, true);
    assert.equal(await answerOf(await handler(delivery(rawBody), {}, ctx)), '200 duplicate');
    // background: false ignores the waitUntil.
    const waiting = createWebhookHandler({ secret: SECRET, background: false, onMessage() {} });
    assert.equal(await answerOf(await waiting(delivery(eventOf().rawBody), {}, ctx)), '200 ok');
    assert.equal(handed.length, 1);
  });

  test('dedupe: false runs every delivery', async () => {
    let runs = 0;
    const handler = createWebhookHandler({ secret: SECRET, dedupe: false, onMessage: () => (runs += 1) });
    const { rawBody } = eventOf();
    for (let i = 0; i < 3; i++) assert.equal(await answerOf(await handler(delivery(rawBody))), '200 ok');
    assert.equal(runs, 3);
  });

  test('a failing store: 500 and nothing runs; a store\'s wrong answer is a failure too', async () => {
    let runs = 0;
    const failures = [];
    let state = 'broken';
    const store = {
      async claim() {
        if (state === 'broken') throw new Error('store down');
        return state;
      },
      async complete() {},
      async release() {},
    };
    const handler = createWebhookHandler({
      secret: SECRET,
      dedupe: store,
      onMessage: () => (runs += 1),
      onError: (error) => failures.push(error.message),
    });
    const { rawBody } = eventOf();
    assert.equal((await handler(delivery(rawBody))).status, 500);
    state = 'maybe';
    assert.equal((await handler(delivery(rawBody))).status, 500);
    assert.equal(runs, 0);
    assert.deepEqual(failures, ['store down', "the dedupe store's claim() returned maybe, not 'claimed', 'pending' or 'done'"]);
    state = 'claimed';
    assert.equal((await handler(delivery(rawBody))).status, 200);
    assert.equal(runs, 1);
  });

  test('the handler passes its ttlSeconds and leaseSeconds to the store', async () => {
    const calls = [];
    const store = {
      claim: async (...args) => (calls.push(['claim', ...args]), 'claimed'),
      complete: async (...args) => void calls.push(['complete', ...args]),
      release: async (...args) => void calls.push(['release', ...args]),
    };
    let fail = false;
    const handler = createWebhookHandler({
      secret: SECRET,
      dedupe: { store, ttlSeconds: 90, leaseSeconds: 7 },
      onMessage() {
        if (fail) throw new Error('x');
      },
      onError() {},
    });
    const first = eventOf();
    await handler(delivery(first.rawBody));
    fail = true;
    const second = eventOf();
    await handler(delivery(second.rawBody));
    assert.deepEqual(calls, [
      ['claim', first.event.id, 7],
      ['complete', first.event.id, 90],
      ['claim', second.event.id, 7],
      ['release', second.event.id],
    ]);
  });

  test('a callback that fails after its lease ran out releases nothing: a later delivery keeps its claim', { timeout: 10_000 }, async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    let runs = 0;
    let running = 0;
    const overlaps = [];
    let finishSecond;
    const secondHeld = new Promise((resolve) => (finishSecond = resolve));
    const handler = createWebhookHandler({
      secret: SECRET,
      background: false,
      dedupe: { leaseSeconds: 0.5 },
      async onMessage() {
        const run = ++runs;
        if (running > 0) overlaps.push(run);
        running += 1;
        try {
          if (run === 1) {
            await sleep(1000); // past its lease of 500 ms
            throw new Error('the first run fails late');
          }
          await secondHeld;
        } finally {
          running -= 1;
        }
      },
      onError() {},
    });
    const { rawBody } = eventOf();
    const first = handler(delivery(rawBody));
    await sleep(750); // the first run's lease has run out: a redelivery claims the event
    const second = handler(delivery(rawBody));
    assert.equal(await answerOf(await first), '500 internal error');
    // The first run's failure left the second's claim alone.
    assert.equal(await answerOf(await handler(delivery(rawBody))), '409 event in progress');
    finishSecond();
    assert.equal(await answerOf(await second), '200 ok');
    assert.equal(runs, 2);
    assert.deepEqual(overlaps, [2]); // the redelivery after the lease, as documented; no third
  });
});

describe('stores', () => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  test('memoryStore: one winner of concurrent claims; done, released, expired', async () => {
    const store = memoryStore();
    const claims = await Promise.all([1, 2, 3].map(() => store.claim('a', 60)));
    assert.deepEqual(claims.sort(), ['claimed', 'pending', 'pending']);
    await store.complete('a', 60);
    assert.equal(await store.claim('a', 60), 'done');
    await store.release('a');
    assert.equal(await store.claim('a', 60), 'claimed');
    // A lease or a record that ran out is gone (a generous margin over the 20 ms).
    await store.claim('b', 0.02);
    await store.complete('c', 0.02);
    await sleep(200);
    assert.equal(await store.claim('b', 60), 'claimed');
    assert.equal(await store.claim('c', 60), 'claimed');
  });

  test('memoryStore: bounded; the oldest record goes first', async () => {
    assert.throws(() => memoryStore({ maxEntries: 0 }), /memoryStore: options\.maxEntries must be a positive integer/);
    const store = memoryStore({ maxEntries: 2 });
    await store.complete('first', 60);
    await store.complete('second', 60);
    await store.complete('third', 60);
    assert.equal(await store.claim('second', 60), 'done');
    assert.equal(await store.claim('third', 60), 'done');
    assert.equal(await store.claim('first', 60), 'claimed'); // dropped: runs again
  });

  // A stand-in with the KV binding's methods, recording the calls; the
  // real namespace is exercised in workerd (tests/runtimes).
  function fakeKv() {
    const values = new Map();
    const calls = [];
    return {
      calls,
      values,
      async get(key) {
        calls.push(['get', key]);
        return values.get(key) ?? null;
      },
      async put(key, value, options) {
        calls.push(['put', key, value, options]);
        values.set(key, value);
      },
      async delete(key) {
        calls.push(['delete', key]);
        values.delete(key);
      },
    };
  }

  test('kvStore: prefixed keys, expirationTtl of at least 60 s, the isolate\'s memory in front', async () => {
    assert.throws(() => kvStore({}), /kvStore: the first argument must be a Workers KV namespace binding/);
    assert.throws(() => kvStore(fakeKv(), { prefix: 1 }), /kvStore: options\.prefix must be a string/);
    const kv = fakeKv();
    const store = kvStore(kv, { prefix: 'hooks:' });
    const claims = await Promise.all([store.claim('evt', 10), store.claim('evt', 10)]);
    assert.deepEqual(claims.sort(), ['claimed', 'pending']);
    await store.complete('evt', 3600);
    assert.deepEqual(kv.calls, [
      ['get', 'hooks:evt'],
      ['put', 'hooks:evt', 'pending', { expirationTtl: 60 }],
      ['put', 'hooks:evt', 'done', { expirationTtl: 3600 }],
    ]);
    // Another isolate (another store on the same namespace) sees it done.
    const elsewhere = kvStore(kv, { prefix: 'hooks:' });
    assert.equal(await elsewhere.claim('evt', 10), 'done');
    await elsewhere.release('evt');
    assert.equal(kv.values.has('hooks:evt'), false);
  });
});

describe('toNodeHandler', () => {
  async function serve(listener) {
    const server = http.createServer(listener);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
  }
  const post = (url, rawBody, headers = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'contiguity-signature': sign(rawBody), ...headers },
      body: rawBody,
      signal: AbortSignal.timeout(20_000),
    });

  test('node:http: the raw body streamed in; waitUntil work runs after the answer; drain() waits for it', async () => {
    let release;
    const held = new Promise((resolve) => (release = resolve));
    let finished = false;
    const seen = [];
    const handler = createWebhookHandler((env) => ({
      secret: env.SECRET,
      async onMessage(event) {
        seen.push(event.data.body);
        await held;
        finished = true;
      },
    }));
    const nodeHandler = toNodeHandler(handler, { env: { SECRET } });
    const server = await serve(nodeHandler);
    try {
      const { rawBody } = eventOf('imessage.incoming', { data: { body: 'héllo 😀 over node:http' } });
      const response = await post(server.url, rawBody);
      assert.equal(`${response.status} ${await response.text()}`, '200 accepted');
      assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.deepEqual(seen, ['héllo 😀 over node:http']);
      let drained = false;
      const draining = nodeHandler.drain().then(() => (drained = true));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(drained, false);
      release();
      await draining;
      assert.equal(finished, true);
      const get = await fetch(server.url, { signal: AbortSignal.timeout(20_000) });
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
      // A method no Fetch Request can carry is refused by the adapter itself.
      const trace = await new Promise((resolve, reject) => {
        const req = http.request(server.url, { method: 'TRACE' }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject).end();
      });
      assert.equal(trace, 405);
    } finally {
      await server.close();
    }
  });

  test('node:http: a body over the limit is answered 413, and the answer arrives', async () => {
    const handler = createWebhookHandler({ secret: SECRET, onMessage() {}, maxBodyBytes: 1024 });
    const server = await serve(toNodeHandler(handler));
    try {
      // Chunked, no Content-Length: the limit is found while reading.
      const status = await new Promise((resolve, reject) => {
        const req = http.request(server.url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        for (let i = 0; i < 64; i++) req.write('x'.repeat(1024));
        req.end();
      });
      assert.equal(status, 413);
    } finally {
      await server.close();
    }
  });

  test('Express: after express.raw() it verifies; after express.json() it says the raw body is gone', async () => {
    let runs = 0;
    const handler = createWebhookHandler({ secret: SECRET, onMessage: () => (runs += 1) });
    const app = express();
    app.post('/raw', express.raw({ type: '*/*' }), toNodeHandler(handler));
    app.post('/json', express.json(), toNodeHandler(handler));
    app.post('/first', toNodeHandler(handler)); // no parser: the stream is read
    const server = await serve(app);
    const errors = [];
    const original = console.error;
    console.error = (...args) => errors.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
    try {
      assert.equal((await post(`${server.url}/raw`, eventOf().rawBody)).status, 200);
      assert.equal((await post(`${server.url}/first`, eventOf().rawBody)).status, 200);
      assert.equal((await post(`${server.url}/json`, eventOf().rawBody)).status, 500);
      assert.equal(runs, 2);
      assert.match(errors.join('\n'), /already parsed .*express\.raw/);
    } finally {
      console.error = original;
      await server.close();
    }
  });

  test('waitUntil takes whatever a handler hands it without throwing, and drain() still resolves', async () => {
    // Not a promise, though made from Promise.prototype: its `then` throws
    // when called, as `Promise.resolve` would find.
    const notAPromise = Object.create(Promise.prototype);
    // Throws on every look, its prototype included.
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const refusals = [];
    const nodeHandler = toNodeHandler((request, env, ctx) => {
      for (const work of [notAPromise, revoked.proxy, Promise.reject(new Error('work failed')), 'not even an object']) {
        try {
          ctx.waitUntil(work);
        } catch (error) {
          refusals.push(String(error));
        }
      }
      return new Response('handed over');
    });
    const server = await serve(nodeHandler);
    try {
      const response = await fetch(server.url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(20_000) });
      assert.equal(`${response.status} ${await response.text()}`, '200 handed over');
      assert.deepEqual(refusals, []);
      await nodeHandler.drain();
    } finally {
      await server.close();
    }
  });

  test('arguments are checked', () => {
    assert.throws(() => toNodeHandler(), /toNodeHandler: the first argument must be a function/);
    assert.throws(() => toNodeHandler(() => {}, 'env'), /toNodeHandler: options must be an object/);
  });
});
