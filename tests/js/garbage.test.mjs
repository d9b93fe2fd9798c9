// No trap, no poisoned instance: one client takes every kind of garbage a
// JS caller, a custom fetch or a broken network can produce, then still
// sends correctly. Seeded, so a failure can be replayed; bounded to a few
// seconds of `make test`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  Contiguity,
  ContiguityError,
  ValidationError,
  createWebhookHandler,
  parseWebhookPayload,
  verifyWebhookSignature,
} from 'contiguity-imessage';
import { startSandboxProcess, API_KEY, LEASED } from './support/sandbox.mjs';
import { prng } from './support/prng.mjs';

let sandbox;
before(async () => {
  sandbox = await startSandboxProcess();
});
after(() => sandbox.stop());

function hostileValues() {
  const cyclic = { to: '+15551234567' };
  cyclic.self = cyclic;
  const cyclicArray = [];
  cyclicArray.push(cyclicArray);
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  let deep = { to: '+15551234567', message: 'x' };
  for (let i = 0; i < 10000; i++) deep = { fallback: deep };
  let aliased = ['https://x.com/a.png'];
  for (let i = 0; i < 20; i++) aliased = [aliased, aliased];
  const lookAlike = Object.setPrototypeOf({}, Uint8Array.prototype);
  const arrayLookAlike = Object.setPrototypeOf({ length: 1e9 }, Array.prototype);
  const thenableParams = { to: '+15551234567', message: 'x', get then() { throw new Error('then getter'); } };
  const promiseWithGetters = withThrowingGetters(Promise.resolve({ to: '+15551234567', message: 'x' }), ['then', 'constructor']);
  return [
    undefined, null, true, 0, -0, NaN, Infinity, 1e308, 10n, Symbol('s'), () => {}, async () => {}, class {},
    '', 'x'.repeat(1 << 20), '\u0000\uD800', [], new Array(5000).fill('https://x.com/a.png'),
    cyclic, cyclicArray, deep, revoked,
    new Proxy({}, { ownKeys() { throw new Error('ownKeys trap'); } }),
    new Proxy([], { get() { throw new Error('get trap'); } }),
    new Proxy({ to: '+15551234567' }, { getOwnPropertyDescriptor() { throw new Error('descriptor trap'); } }),
    { get to() { throw new Error('getter'); }, message: 'x' },
    Object.create(null), Object.freeze({ to: '+15551234567', message: 'x', extra: 1 }),
    new Date(), new Map([['to', '+15551234567']]), new Set([1]), new Uint8Array(8), new ArrayBuffer(4),
    Promise.resolve({ to: '+15551234567' }), new Error('x'), /re/, new (class Params { to = '+15551234567'; message = 'x'; })(),
    { to: '+15551234567', message: 'x', [Symbol('k')]: 1 },
    { to: ['+15551234567'], message: { text: 'x' }, attachments: [null, 1, {}, []], fallback: { when: [1, null] } },
    aliased, { to: '+15551234567', attachments: aliased }, { to: '+15551234567', message: 'x', fallback: { when: aliased } },
    new Array(1e6), { to: '+15551234567', attachments: new Array(1e6) }, { to: '+15551234567', attachments: new Array(1e5).fill('https://x.com/a.png') },
    lookAlike, arrayLookAlike, { to: '+15551234567', attachments: lookAlike }, { to: '+15551234567', attachments: arrayLookAlike },
    thenableParams, promiseWithGetters, Buffer.alloc(1 << 20), new DataView(new ArrayBuffer(8)),
    '\uDFFFabc', 'see you 😀'.slice(0, -1), { to: '+15551234567', message: '\uD83D' }, { to: 'a@b.c\uDC00', message: 'x' },
  ];
}

function withThrowingGetters(target, keys) {
  for (const key of keys) Object.defineProperty(target, key, { get() { throw new Error(`${key} getter`); } });
  return target;
}

let pool;
function randomValue(rand, depth = 0) {
  pool ??= hostileValues();
  if (depth > 3 || rand() < 0.4) return pool[Math.floor(rand() * pool.length)];
  if (rand() < 0.5) return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth + 1));
  const keys = ['to', 'from', 'message', 'attachments', 'fallback', 'when', 'fast_track', 'action', 'tapback', 'limit', 'tracking', 'data', 'zz'];
  return Object.fromEntries(keys.filter(() => rand() < 0.4).map((k) => [k, randomValue(rand, depth + 1)]));
}

/** A custom fetch that misbehaves at random: throws, returns junk, or a thenable or response whose parts throw. */
function randomFetchBehaviour(rand) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const junk = () => pick([undefined, null, 0, 'x', {}, [], () => {}, Symbol('s'), 10n, new Error('e'), revoked]);
  const throwing = (object) => withThrowingGetters(object, ['status', 'ok', 'headers', 'body', 'text', 'json'].filter(() => rand() < 0.5));
  const response = () =>
    throwing({
      status: pick([200, 201, 204, 400, 401, 404, 429, 500, 503, 0, -1, 1e9, NaN, '200']),
      ok: pick([true, false, undefined]),
      headers: pick([new Headers({ 'retry-after': pick(['0', '1', '-1', '99999999999', 'soon']) }), {}, null, { get() { throw new Error('get'); } }]),
      text: pick([async () => pick(['', '{}', '{"data":{}}', 'junk', '\uD800', '{"data":null}']), () => { throw new Error('text'); }, 'not a function']),
      body: pick([undefined, null, { getReader: () => ({ read: async () => ({ done: false, value: junk() }), cancel: async () => {} }) }]),
    });
  return pick([
    () => { throw junk(); },
    () => junk(),
    async () => { throw junk(); },
    async () => junk(),
    () => withThrowingGetters(Promise.resolve(response()), [pick(['then', 'constructor'])]),
    () => withThrowingGetters({}, ['then']),
    () => ({ then(resolve) { resolve(response()); } }),
    () => ({ then() { throw junk(); } }),
    async () => response(),
    async () => response(),
  ]);
}

test('garbage in every argument: only ValidationError, ContiguityError or false; never a trap', { timeout: 60000 }, async () => {
  // One client throughout; its fetch is whatever the round says, the real
  // one at the end.
  let fetchNow = (url, init) => fetch(url, init);
  const contiguity = new Contiguity(API_KEY, { baseUrl: sandbox.url, maxRetries: 0, timeoutMs: 2000, fetch: (url, init) => fetchNow(url, init) });
  const im = contiguity.imessage;
  const rand = prng(20261127);
  const values = [...hostileValues(), ...Array.from({ length: 100 }, () => randomValue(rand))];
  const calls = [
    (a) => im.send(a),
    (a, b) => im.reply(a, b),
    (a) => im.typing(a),
    (a, b) => im.react(a, b),
    (a) => im.read(a),
    (a) => im.history(a),
    (a, b) => im.get(a, b),
    (a) => im.availability(a),
  ];
  for (let i = 0; i < values.length; i++) {
    const a = values[i];
    const b = values[(i * 7 + 3) % values.length];
    for (const call of calls) {
      let promise;
      assert.doesNotThrow(() => {
        promise = call(a, b);
      }, 'methods reject, never throw synchronously');
      const outcome = await promise.then(
        () => 'ok',
        (e) => e,
      );
      if (outcome !== 'ok') {
        assert.ok(outcome instanceof ValidationError || outcome instanceof ContiguityError, `unexpected ${outcome?.stack ?? outcome}`);
      }
    }
    for (const verify of [
      () => contiguity.webhook.verify(a, b, 'whsec_x'),
      () => contiguity.webhook.verify(a, 'whsec_x'),
      () => verifyWebhookSignature(a, b, a),
    ]) {
      // False for anything from a sender; a wrongly typed tolerance is the
      // caller's bug and the one thing that throws, naming the argument.
      try {
        assert.equal(await verify(), false);
      } catch (error) {
        assert.ok(error instanceof ValidationError, String(error));
        assert.deepEqual(error.issues[0].path, ['toleranceSeconds']);
      }
    }
    assert.throws(() => parseWebhookPayload(a), ValidationError);
  }

  // Garbage from a custom fetch: every call settles with the package's own error.
  for (let i = 0; i < 300; i++) {
    fetchNow = randomFetchBehaviour(rand);
    const call = calls[i % calls.length];
    const params = [
      [{ to: '+15551234567', message: 'x' }],
      [{ id: 'e', type: 'imessage.incoming', timestamp: 1, api_version: 'v', data: { from: '+15551234567', to: LEASED, body: 'x', timestamp: 1 } }, { message: 'x' }],
      [{ to: '+15551234567', action: 'start' }],
      ['add', { to: '+15551234567', from: LEASED, tapback: 'love', message: 'x' }],
      [{ to: '+15551234567', from: LEASED }],
      [{ to: '+15551234567', from: LEASED }],
      ['imsg_1'],
      [{ to: '+15551234567' }],
    ][i % calls.length];
    const outcome = await call(...params).then(() => 'ok', (e) => e);
    if (outcome !== 'ok') assert.ok(outcome instanceof ContiguityError, `fetch round ${i}: ${outcome?.stack ?? outcome}`);
  }
  fetchNow = (url, init) => fetch(url, init);

  // Garbage from the network too.
  for (let i = 0; i < 40; i++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
    const status = [200, 201, 204, 301, 400, 404, 429, 500, 502][Math.floor(rand() * 9)];
    await sandbox.inject({ path: '/send/imessage', status, body: bytes.toString('latin1') });
    const outcome = await im.send({ to: '+15551234567', message: 'x' }).then(() => 'ok', (e) => e);
    assert.ok(outcome instanceof ContiguityError, `status ${status}: ${outcome}`);
  }

  // The same instance still sends, exactly as it should.
  await sandbox.reset();
  const { message_id } = await im.send({ to: '+15551234567', message: 'still here', from: LEASED });
  assert.match(message_id, /^imsg_/);
  const [request] = await sandbox.requests();
  assert.equal(request.body, `{"to":"+15551234567","message":"still here","from":"${LEASED}"}`);
  const history = await im.history({ to: '+15551234567', from: LEASED });
  assert.equal(history.conversation[0].message, 'still here');
});

test('garbage deliveries to createWebhookHandler: only 200/400/401/405/413, never a throw or a secret', { timeout: 60000 }, async () => {
  const secrets = ['whsec_garbage_current_secret', 'whsec_garbage_next_secret'];
  const rand = prng(20261201);
  const pick = (items) => items[Math.floor(rand() * items.length)];
  const now = () => Math.floor(Date.now() / 1000);
  const hmac = (secret, t, body) => createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  const randomBytes = (length) => Buffer.from(Array.from({ length }, () => Math.floor(rand() * 256)));
  const randomText = (length) => Array.from({ length }, () => String.fromCharCode(32 + Math.floor(rand() * 95))).join('');

  let serial = 0;
  // A well-formed event: { body, id }; everything else is { body }.
  const event = () => {
    const id = `evt_garbage_${serial++}`;
    const type = pick(['imessage.incoming', 'text.delivery.confirmed', 'no.such.type']);
    const data = { from: '+15557654321', to: '+15550001111', body: 'hi', timestamp: now(), message_id: 'm' };
    return { id, body: JSON.stringify({ id, type, timestamp: now(), api_version: 'v', data }) };
  };
  let deep = '0';
  for (let i = 0; i < 5000; i++) deep = `[${deep}]`;
  const bodies = () => [
    ...['', 'null', '{}', '[]', 'not json', '{"id":', deep, '\uFEFF{}', randomText(Math.floor(rand() * 300))].map((body) => ({ body })),
    { body: randomBytes(Math.floor(rand() * 300)) },
    { body: Buffer.from([0xff, 0xfe, 0x80]) },
    { body: JSON.stringify({ id: 1, type: 'imessage.incoming', timestamp: 'now' }) },
    { body: JSON.stringify({ id: '', type: 'imessage.incoming', timestamp: 1 }) },
    { body: JSON.stringify({ id: 'evt', type: 'imessage.incoming', timestamp: 1, data: { from: 5 } }) },
    { body: `{"id":"evt_${'9'.repeat(400)}","type":"x","timestamp":1e999}` },
    { body: 'x'.repeat(8193) }, // over maxBodyBytes
    event(),
    event(),
    event(),
  ];
  // Headers for a body: missing, garbage, well-formed but wrong, genuine.
  const signatures = (body) => {
    const t = now();
    const wrong = [
      undefined, '', 'garbage', 'v1=', 't=', `t=${t}`, `t=${t},v1=${'z'.repeat(64)}`, `t=-${t},v1=${hmac(secrets[0], t, body)}`,
      `t=${t}${'0'.repeat(20)},v1=${hmac(secrets[0], t, body)}`, `t=${t},${'v1=00,'.repeat(500)}`, randomText(8000),
      `t=${t},v1=${hmac('whsec_wrong', t, body)}`, `t=${t - 10_000},v1=${hmac(secrets[0], t - 10_000, body)}`,
      secrets[0], `t=${t},v1=${secrets[1]}`,
    ].map((header) => ({ header, genuine: false }));
    const genuine = [
      `t=${t},v1=${hmac(secrets[0], t, body)}`,
      `t=${t},v1=${hmac('whsec_wrong', t, body)},v1=${hmac(secrets[1], t, body)}`,
    ].map((header) => ({ header, genuine: true }));
    return [...wrong, ...genuine];
  };
  const methods = ['POST', 'POST', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'BREW'];

  const ran = [];
  const handler = createWebhookHandler({
    secret: secrets,
    maxBodyBytes: 8192,
    onMessage: (event) => void ran.push(event.id),
    onEvent: (event) => void ran.push(event.id),
  });
  const shouldRun = new Set();
  const answers = new Set();
  for (let round = 0; round < 10; round++) {
    for (const { body, id } of bodies()) {
      for (const { header, genuine } of signatures(body)) {
        const method = pick(methods);
        const headers = new Headers({ 'content-type': pick(['application/json', 'text/plain', 'x/y']) });
        if (header !== undefined) headers.set('contiguity-signature', header);
        const bodyless = method === 'GET' || method === 'HEAD';
        const request = new Request('https://receiver.example/hook', { method, headers, body: bodyless ? undefined : body });
        if (genuine && id !== undefined && method === 'POST') shouldRun.add(id);
        const response = await handler(request); // a rejection fails the test
        assert.ok([200, 400, 401, 405, 413].includes(response.status), `${method} answered ${response.status}`);
        const answer = `${response.status} ${await response.text()}`;
        const whole = `${answer} ${JSON.stringify([...response.headers])}`;
        for (const secret of secrets) assert.ok(!whole.includes(secret), 'an answer quoted a secret');
        answers.add(answer);
      }
    }
  }
  // Every kind of answer was reached, and exactly the genuine events ran, once each.
  assert.deepEqual([...answers].sort(), [
    '200 duplicate', '200 ok', '400 malformed event', '401 unauthorized', '405 method not allowed', '413 payload too large',
  ]);
  assert.ok(shouldRun.size > 10);
  assert.deepEqual([...ran].sort(), [...shouldRun].sort());
});

test('a getter that makes calls of its own, refused and valid: each call gets its own outcome', async () => {
  const answer = { id: 'req_1', object: 'imessage', api_version: 'v2', timestamp: 1, data: { message_id: 'imsg_inner' } };
  const fetch = async () => new Response(JSON.stringify(answer), { status: 200 });
  const { imessage } = new Contiguity(API_KEY, { fetch });
  const inner = [];
  const params = {
    get to() {
      // Runs while the outer call's params are read, inside the wasm.
      inner.push(imessage.send({ to: 42, message: 'inner' }), imessage.send({ to: '+15551234567', message: 'inner ok' }));
      return 'nobody';
    },
    message: 'outer',
  };
  const outer = await imessage.send(params).catch((error) => error);
  assert.ok(outer instanceof ValidationError, String(outer));
  assert.deepEqual(outer.issues.map((issue) => issue.path), [['to']]);
  assert.doesNotMatch(outer.message, /received number/);
  const [refused, sent] = await Promise.allSettled(inner);
  assert.ok(refused.reason instanceof ValidationError);
  assert.match(refused.reason.message, /to: expected string, received number/);
  assert.equal(sent.value?.message_id, 'imsg_inner', String(sent.reason));
  // Nothing is left over for the next refused call to pick up.
  const next = await imessage.send({ to: '+15551234567', message: '' }).catch((error) => error);
  assert.deepEqual(next.issues.map((issue) => issue.path), [['message']]);
});
