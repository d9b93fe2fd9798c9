// A send whose params hold only `to`, `message` and `from` has its values
// read by api.js itself (`sendFields`) and handed to the wasm as they were
// read. That must change nothing a caller can see: the same request or
// the same error as when the wasm reads the object, each getter run once
// and in the object's key order, nothing else of the object read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Contiguity } from 'contiguity-imessage';
import { API_KEY } from './support/sandbox.mjs';
import { prng } from './support/prng.mjs';

const ENVELOPE = JSON.stringify({
  id: 'req_1',
  object: 'imessage',
  timestamp: 1700000000,
  api_version: 'v2025.9.7',
  data: { message_id: 'imsg_1' },
});

/** `send(params)` through a fetch that records what it is asked: { requests, result } or { requests, error }. */
async function outcome(params) {
  const requests = [];
  const fetch = async (url, init) => {
    requests.push({ url, method: init.method, body: init.body });
    return new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const { imessage } = new Contiguity(API_KEY, { fetch, maxRetries: 0 });
  try {
    return { requests, result: await imessage.send(params) };
  } catch (error) {
    return { requests, error: { name: error.name, message: error.message, issues: error.issues } };
  }
}

/**
 * The same params, each property as it is (getters included), and one key
 * more that no check minds, `fast_track: undefined`: params the wasm reads
 * itself, since api.js reads only those of `to`, `message` and `from`.
 */
function readByTheWasm(params) {
  return Object.defineProperties(
    {},
    {
      ...Object.getOwnPropertyDescriptors(params),
      fast_track: { value: undefined, enumerable: true, writable: true, configurable: true },
    },
  );
}

const VALUES = [
  '+15551234567',
  '+15550001111',
  'friend@icloud.com',
  'hello there',
  '',
  ' ',
  'not-a-number',
  '+1',
  '\uD83D', // a lone surrogate
  'cut \uD83D here',
  'x'.repeat(70_000),
  15551234567,
  0,
  NaN,
  true,
  null,
  undefined,
  {},
  [],
  ['+15551234567'],
  () => '+15551234567',
  Symbol('to'),
  10n,
  new String('+15551234567'),
  Object.create(null),
];
const KEY_SETS = [
  ['to', 'message'],
  ['message', 'to'],
  ['to', 'message', 'from'],
  ['from', 'message', 'to'],
  ['to', 'from'],
  ['to'],
  ['message'],
  ['from'],
  [],
];

test('params of to, message and from get what the wasm makes of them when it reads them itself', async () => {
  const random = prng(16);
  const pick = () => VALUES[Math.floor(random() * VALUES.length)];
  let sent = 0;
  for (let i = 0; i < 300; i++) {
    const keys = KEY_SETS[i % KEY_SETS.length];
    // Mostly valid, so that both sides get as far as a request.
    const params = Object.fromEntries(keys.map((key) => [key, random() < 0.5 ? { to: '+15551234567', message: 'hi', from: '+15550001111' }[key] : pick()]));
    const fast = await outcome(params);
    const read = await outcome(readByTheWasm(params));
    assert.deepEqual(fast, read, `case ${i}: ${String(keys)}`);
    if (fast.requests.length > 0) sent += 1;
  }
  // Both kinds of outcome were compared, not only refusals.
  assert.ok(sent > 20, `only ${sent} of the cases were sent`);
});

test('each getter runs once, in the order of the keys, and one that throws is reported where it was', async () => {
  const log = [];
  const params = () => ({
    get message() {
      log.push('message');
      return 'hi';
    },
    get to() {
      log.push('to');
      return '+15551234567';
    },
  });
  const fast = await outcome(params());
  assert.deepEqual(log, ['message', 'to']);
  assert.equal(fast.requests.length, 1);
  assert.equal(fast.requests[0].body, '{"to":"+15551234567","message":"hi"}');
  log.length = 0;
  assert.deepEqual(await outcome(readByTheWasm(params())), fast);
  assert.deepEqual(log, ['message', 'to']);

  let reads = 0;
  const throwing = () => ({
    get to() {
      reads += 1;
      throw new Error('the getter of to');
    },
    message: 'hi',
  });
  const refused = await outcome(throwing());
  assert.equal(reads, 1);
  assert.deepEqual(refused.requests, []);
  assert.equal(refused.error.name, 'ValidationError');
  assert.match(refused.error.message, /to: expected string, received a value that throws when read/);
  assert.deepEqual(await outcome(readByTheWasm(throwing())), refused);
  assert.equal(reads, 2);
});

test("a Proxy's traps run as the wasm's own read runs them: the keys, then each value once", async () => {
  const traps = [];
  const proxy = new Proxy(
    { to: '+15551234567', message: 'hi' },
    {
      ownKeys(target) {
        traps.push('ownKeys');
        return Reflect.ownKeys(target);
      },
      getOwnPropertyDescriptor(target, key) {
        traps.push(`getOwnPropertyDescriptor ${String(key)}`);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      get(target, key, receiver) {
        traps.push(`get ${String(key)}`);
        return Reflect.get(target, key, receiver);
      },
      getPrototypeOf(target) {
        traps.push('getPrototypeOf');
        return Reflect.getPrototypeOf(target);
      },
    },
  );
  const { requests } = await outcome(proxy);
  assert.equal(requests.length, 1);
  assert.deepEqual(traps, ['ownKeys', 'getOwnPropertyDescriptor to', 'getOwnPropertyDescriptor message', 'get to', 'get message']);
});

test('a key of Object.prototype is not read, and an array or a typed array with these keys is still no object', async () => {
  let read = 0;
  Object.defineProperty(Object.prototype, 'from', {
    get() {
      read += 1;
      return '+15550001111';
    },
    configurable: true,
  });
  try {
    const { requests } = await outcome({ to: '+15551234567', message: 'hi' });
    assert.equal(read, 0);
    assert.equal(requests[0].body, '{"to":"+15551234567","message":"hi"}');
  } finally {
    delete Object.prototype.from;
  }

  const array = Object.assign([], { to: '+15551234567', message: 'hi' });
  const bytes = Object.assign(new Uint8Array(0), { to: '+15551234567', message: 'hi' });
  for (const [params, received] of [
    [array, 'array'],
    [bytes, 'binary data'],
  ]) {
    const { requests, error } = await outcome(params);
    assert.deepEqual(requests, []);
    assert.equal(error.name, 'ValidationError');
    assert.match(error.message, new RegExp(`expected object, received ${received}`));
  }
});
