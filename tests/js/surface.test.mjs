// The whole iMessage surface against the sandbox over real HTTP: typing,
// react, read, history, get, availability, with the exact wire requests and
// the typed results; and bad input for every method.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Contiguity, ValidationError } from 'contiguity-imessage';
import { startSandboxProcess, API_KEY, LEASED } from './support/sandbox.mjs';

const PERSON = '+15551234567';
let sandbox;
let im;

before(async () => {
  sandbox = await startSandboxProcess();
  im = new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage;
});
after(() => sandbox.stop());
beforeEach(() => sandbox.reset());

const lastRequest = async () => (await sandbox.requests()).at(-1);

test('typing start and stop', async () => {
  const started = await im.typing({ to: PERSON, action: 'start', from: LEASED });
  assert.equal(started.status, 'started');
  assert.equal(started.metadata.object, 'response');
  let req = await lastRequest();
  assert.equal(`${req.method} ${req.path}`, 'POST /send/imessage/typing');
  assert.equal(req.body, `{"to":"${PERSON}","action":"start","from":"${LEASED}"}`);
  const stopped = await im.typing({ to: PERSON, action: 'stop' });
  assert.equal(stopped.status, 'stopped');
  req = await lastRequest();
  assert.equal(req.body, `{"to":"${PERSON}","action":"stop"}`);
});

test('react add and remove show in history reactions', async () => {
  await im.send({ to: PERSON, message: 'Hello there!', from: LEASED });
  const added = await im.react('add', { to: PERSON, from: LEASED, tapback: 'love', message: 'Hello there!' });
  assert.deepEqual([added.status, typeof added.message], ['added', 'string']);
  const req = await lastRequest();
  assert.equal(`${req.method} ${req.path}`, 'POST /send/imessage/reactions');
  assert.equal(req.body, `{"to":"${PERSON}","from":"${LEASED}","tapback":"love","message":"Hello there!","action":"add"}`);
  const removed = await im.react('remove', { to: PERSON, from: LEASED, tapback: 'love', message: 'Hello there!' });
  assert.equal(removed.status, 'removed');

  const history = await im.history({ to: PERSON, from: LEASED });
  // Newest first, like the conversation.
  assert.deepEqual(
    history.reactions.map((r) => [r.reaction, r.on, r.action, r.from, typeof r.timestamp]),
    [
      ['love', 'Hello there!', 'removed', LEASED, 'number'],
      ['love', 'Hello there!', 'added', LEASED, 'number'],
    ],
  );
});

test('read marks incoming messages read, visible in history', async () => {
  await sandbox.incoming({ from: PERSON, to: LEASED, body: 'Are you there?' });
  let history = await im.history({ to: PERSON, from: LEASED });
  assert.equal(history.conversation[0].read, 0);
  const result = await im.read({ to: PERSON, from: LEASED });
  assert.equal(result.status, 'sent');
  assert.match(result.message, /Read receipt/);
  const req = await lastRequest();
  assert.equal(`${req.method} ${req.path} ${req.body}`, `POST /send/imessage/read {"to":"${PERSON}","from":"${LEASED}"}`);
  history = await im.history({ to: PERSON, from: LEASED });
  assert.ok(history.conversation[0].read > 0);
});

test('history: default limit 20, a given limit, tracking only when asked', async () => {
  for (const text of ['one', 'two', 'three']) await im.send({ to: PERSON, message: text, from: LEASED });
  const history = await im.history({ to: PERSON, from: LEASED });
  let req = await lastRequest();
  assert.equal(req.path, `/conversations/history/imessage/%2B15551234567/%2B15550001111/20`);
  assert.equal(req.query, '');
  assert.deepEqual(history.conversation.map((m) => m.message), ['three', 'two', 'one']);
  const [newest] = history.conversation;
  assert.equal(newest.to, PERSON);
  assert.equal(newest.from, LEASED);
  assert.equal(typeof newest.timestamp, 'number');
  assert.equal(typeof newest.delivery.status, 'string');
  assert.equal(typeof newest.risk.marked_as_spam, 'boolean');
  assert.ok(Array.isArray(newest.attachments));
  assert.equal(newest.tracking, undefined);
  assert.deepEqual(
    [history.chat.limit, history.chat.total, history.chat.count],
    [20, 3, 3],
  );
  assert.match(history.metadata.id, /^req_/);

  const tracked = await im.history({ to: PERSON, from: LEASED, limit: 2, tracking: true });
  req = await lastRequest();
  assert.equal(req.path.endsWith('/2'), true);
  assert.equal(req.query, 'tracking=true');
  assert.equal(tracked.conversation.length, 2);
  assert.ok(tracked.conversation[0].tracking.length >= 2, 'the sandbox records at least sent and delivered');

  await im.history({ to: PERSON, from: LEASED, tracking: false });
  assert.equal((await lastRequest()).query, '');
});

test('get returns the message, with tracking when asked', async () => {
  const { message_id } = await im.send({ to: PERSON, message: 'Find me', attachments: ['https://example.com/a.png'] });
  const message = await im.get(message_id);
  let req = await lastRequest();
  assert.equal(`${req.method} ${req.path}${req.query}`, `GET /conversations/history/message/${message_id}`);
  assert.equal(message.id, message_id);
  assert.equal(message.message, 'Find me');
  assert.deepEqual(message.attachments, ['https://example.com/a.png']);
  assert.equal(message.tracking, undefined);
  const tracked = await im.get(message_id, { tracking: true });
  req = await lastRequest();
  assert.equal(req.query, 'tracking=true');
  assert.ok(tracked.tracking.length >= 2, 'the sandbox records at least sent and delivered');
  assert.ok(tracked.tracking.every((t) => typeof t.event === 'string' && typeof t.timestamp === 'string'));
});

test('get of an unknown id is a not_found ContiguityError', async () => {
  const error = await im.get('imsg_does_not_exist').catch((e) => e);
  assert.equal(error.name, 'ContiguityError');
  assert.equal(error.code, 'not_found');
  assert.equal(error.status, 404);
});

test('availability answers per number', async () => {
  const yes = await im.availability({ to: PERSON });
  assert.equal(yes.available, true);
  assert.equal((await lastRequest()).path, '/conversations/availability/imessage/%2B15551234567');
  const no = await im.availability({ to: '+15557770000' });
  assert.equal(no.available, false);
});

test('unknown fields from the service are kept, never an error', async () => {
  await sandbox.inject({
    path: '/send/imessage/typing',
    json: { id: 'req_x', timestamp: 1, api_version: 'v9', object: 'response', data: { status: 'started', new_field: { nested: [1] } }, extra: true },
  });
  const result = await im.typing({ to: PERSON, action: 'start' });
  assert.deepEqual(result, {
    status: 'started',
    new_field: { nested: [1] },
    metadata: { id: 'req_x', timestamp: 1, api_version: 'v9', object: 'response' },
  });
});

test("the data's own metadata is replaced, and a __proto__ key stays data", async () => {
  await sandbox.inject({
    path: '/send/imessage/typing',
    body: '{"id":"req_y","object":"response","data":{"__proto__":{"polluted":true},"status":"started","metadata":{"x":1}}}',
  });
  const result = await im.typing({ to: PERSON, action: 'start' });
  assert.equal(Object.getPrototypeOf(result), Object.prototype);
  assert.equal(result.polluted, undefined);
  assert.deepEqual(Object.keys(result), ['__proto__', 'status', 'metadata']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(result, '__proto__').value, { polluted: true });
  assert.deepEqual(result.metadata, { id: 'req_y', object: 'response' });
  assert.equal({}.polluted, undefined);
});

// A full envelope whose data has no metadata of its own takes result.js's
// quicker path; a partial one (above), or data with its own metadata, the
// general one. Both must give the same shape, key order included.
test('a full envelope: __proto__ stays data, and the data\'s own metadata is replaced', async () => {
  for (const data of [
    '{"__proto__":{"polluted":true},"status":"started"}',
    '{"b":1,"2":"two","1":"one","list":[1,{"__proto__":2}]}',
    '{"status":"started","metadata":{"x":1},"z":2}',
  ]) {
    await sandbox.inject({
      path: '/send/imessage/typing',
      body: `{"id":"req_z","timestamp":7,"api_version":"v9","object":"response","data":${data}}`,
    });
    const result = await im.typing({ to: PERSON, action: 'start' });
    const parsed = JSON.parse(data);
    delete parsed.metadata;
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
    assert.equal(result.polluted, undefined);
    assert.deepEqual(Object.keys(result), [...Object.keys(parsed), 'metadata']);
    for (const key of Object.keys(parsed)) assert.deepEqual(Object.getOwnPropertyDescriptor(result, key).value, parsed[key]);
    assert.deepEqual(Object.entries(result.metadata), [
      ['id', 'req_z'],
      ['timestamp', 7],
      ['api_version', 'v9'],
      ['object', 'response'],
    ]);
    assert.equal({}.polluted, undefined);
  }
});

// Bad input for every method: a ValidationError naming the field, nothing sent.
const badCalls = [
  ['typing', () => im.typing({ to: PERSON }), [['action']]],
  ['typing', () => im.typing({ to: PERSON, action: 'pause' }), [['action']]],
  ['typing', () => im.typing({ to: 5, action: 'start', from: 'x' }), [['to'], ['from']]],
  ['typing', () => im.typing('start'), [[]]],
  ['react', () => im.react('like', { to: PERSON, from: LEASED, tapback: 'love', message: 'x' }), [['action']]],
  ['react', () => im.react('add', { to: PERSON, from: LEASED, tapback: 'heart', message: 'x' }), [['tapback']]],
  ['react', () => im.react('add', { to: PERSON, from: LEASED, tapback: 'love', message: '' }), [['message']]],
  ['react', () => im.react('add', { to: PERSON, tapback: 'love', message: 'x', extra: 1 }), [[], ['from']]],
  ['react', () => im.react(undefined, undefined), [['action'], []]],
  ['read', () => im.read({ to: PERSON }), [['from']]],
  ['read', () => im.read({ to: PERSON, from: 'me@icloud.com' }), [['from']]],
  ['read', () => im.read(null), [[]]],
  ['history', () => im.history({ to: PERSON, from: LEASED, limit: 0 }), [['limit']]],
  ['history', () => im.history({ to: PERSON, from: LEASED, limit: 201 }), [['limit']]],
  ['history', () => im.history({ to: PERSON, from: LEASED, limit: 2.5 }), [['limit']]],
  ['history', () => im.history({ to: PERSON, from: LEASED, limit: '20' }), [['limit']]],
  ['history', () => im.history({ to: PERSON, from: LEASED, limit: NaN }), [['limit']]],
  ['history', () => im.history({ to: PERSON, from: LEASED, limit: Infinity }), [['limit']]],
  ['history', () => im.history({ to: PERSON, from: LEASED, tracking: 'true' }), [['tracking']]],
  ['history', () => im.history({ to: PERSON, from: LEASED, Limit: 5 }), [[]]],
  ['history', () => im.history(), [[]]],
  ['get', () => im.get(''), [['id']]],
  ['get', () => im.get(42), [['id']]],
  ['get', () => im.get(), [['id']]],
  ['get', () => im.get('imsg_1', { tracking: 1 }), [['tracking']]],
  ['get', () => im.get('imsg_1', { track: true }), [[]]],
  ['availability', () => im.availability({ to: '555' }), [['to']]],
  ['availability', () => im.availability({}), [['to']]],
  ['availability', () => im.availability({ to: PERSON, from: LEASED }), [[]]],
  ['availability', () => im.availability('+15551234567'), [[]]],
];

test('bad input for every method is a ValidationError naming the field; nothing is sent', async () => {
  for (const [method, call, paths] of badCalls) {
    const error = await call().then(
      () => assert.fail(`${method} should reject`),
      (e) => e,
    );
    assert.ok(error instanceof ValidationError, `${method}: ${error}`);
    assert.deepEqual(
      error.issues.map((i) => i.path),
      paths,
      `${method}: ${error.message}`,
    );
    assert.ok(error.message.startsWith(`Invalid ${method} params: `), error.message);
  }
  assert.deepEqual(await sandbox.requests(), []);
});
