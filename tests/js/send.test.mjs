// send and reply through the built package, over real HTTP to the sandbox.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Contiguity, ContiguityError, ValidationError } from 'contiguity-imessage';
import { startSandboxProcess, API_KEY, LEASED } from './support/sandbox.mjs';

let sandbox;
let contiguity;

before(async () => {
  sandbox = await startSandboxProcess();
  contiguity = new Contiguity(API_KEY, { baseUrl: sandbox.url });
});
after(() => sandbox.stop());
beforeEach(() => sandbox.reset());

const ENVELOPE_META = (result) => {
  assert.match(result.metadata.id, /^req_/);
  assert.equal(typeof result.metadata.timestamp, 'number');
  assert.equal(typeof result.metadata.api_version, 'string');
  assert.equal(result.metadata.object, 'response');
};

test('send, minimal: the exact wire request and message_id + metadata', async () => {
  const result = await contiguity.imessage.send({ to: '+15551234567', message: 'Hello!' });
  assert.match(result.message_id, /^imsg_/);
  ENVELOPE_META(result);

  const [req] = await sandbox.requests();
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/send/imessage');
  assert.equal(req.query, '');
  assert.equal(req.headers.authorization, `Token ${API_KEY}`);
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers.accept, 'application/json');
  assert.equal(req.body, '{"to":"+15551234567","message":"Hello!"}');

  const [stored] = await sandbox.messages();
  assert.equal(stored.id, result.message_id);
  assert.equal(stored.from, LEASED);
});

test('send with fallback, attachments and fast_track', async () => {
  const params = {
    to: 'friend@icloud.com',
    message: 'Photos attached',
    from: LEASED,
    attachments: ['https://example.com/a.png', 'https://example.com/b.jpg'],
    fallback: { when: ['imessage_unsupported', 'imessage_fails'], from: '+15550002222' },
    fast_track: true,
  };
  const result = await contiguity.imessage.send(params);
  assert.match(result.message_id, /^imsg_/);
  const [req] = await sandbox.requests();
  assert.deepEqual(req.json, params);
  assert.equal(
    req.body,
    '{"to":"friend@icloud.com","message":"Photos attached","from":"+15550001111",' +
      '"fallback":{"when":["imessage_unsupported","imessage_fails"],"from":"+15550002222"},' +
      '"attachments":["https://example.com/a.png","https://example.com/b.jpg"],"fast_track":true}',
  );
});

test('send with attachments only, and nulls omitted from the body', async () => {
  await contiguity.imessage.send({
    to: '+15551234567',
    attachments: ['https://example.com/a.png'],
    from: null,
    fallback: null,
    fast_track: null,
  });
  const [req] = await sandbox.requests();
  assert.equal(req.body, '{"to":"+15551234567","attachments":["https://example.com/a.png"]}');
});

test('reply to an imessage.incoming event goes to data.from, from data.to', async () => {
  const { event } = await sandbox.incoming({ from: '+15557654321', body: 'Are you open today?' });
  assert.equal(event.type, 'imessage.incoming');
  const result = await contiguity.imessage.reply(event, { message: 'Yes, until 6pm.' });
  assert.match(result.message_id, /^imsg_/);
  const [req] = await sandbox.requests();
  assert.deepEqual(req.json, { to: '+15557654321', message: 'Yes, until 6pm.', from: LEASED });
});

test('a validation failure rejects with ValidationError and sends nothing', async () => {
  const error = await contiguity.imessage
    .send({ to: '555-1234', message: '', fastTrack: true })
    .then(() => assert.fail('should reject'), (e) => e);
  assert.ok(error instanceof ValidationError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'ValidationError');
  assert.deepEqual(
    error.issues.map((i) => [i.code, i.path]),
    [
      ['unrecognized_keys', []],
      ['invalid_format', ['to']],
      ['too_small', ['message']],
    ],
  );
  assert.equal(error.errors, error.issues);
  assert.match(error.message, /fastTrack/);
  assert.deepEqual(await sandbox.requests(), []);
});

test("a ValidationError's stack starts at the caller's line: no package or wasm frames", async () => {
  const fromHere = () => contiguity.imessage.send({ to: 15551234567, message: 'x' });
  const error = await fromHere().then(() => assert.fail('should reject'), (e) => e);
  assert.ok(error instanceof ValidationError);
  assert.match(error.stack, /^ValidationError: Invalid send params: to: expected string, received number\n/);
  const firstFrame = (stack) => stack.split('\n').find((line) => line.trimStart().startsWith('at '));
  assert.match(firstFrame(error.stack), /send\.test\.mjs:\d+/);
  assert.doesNotMatch(error.stack, /wasm|contiguity-imessage/);
  const parseError = (() => {
    try {
      contiguity.webhook.parse('<html>');
    } catch (e) {
      return e;
    }
  })();
  assert.match(firstFrame(parseError.stack), /send\.test\.mjs:\d+/);
  // verifyRequest refuses a bad tolerance before its asynchronous part:
  // cut in the rejection's handler, its stack had no frame at all.
  const request = new Request('https://example.com/webhook', { method: 'POST', body: '{}' });
  const toleranceError = await contiguity.webhook.verifyRequest(request, 'whsec_x', -1).then(
    () => assert.fail('should reject'),
    (e) => e,
  );
  assert.ok(toleranceError instanceof ValidationError);
  assert.match(firstFrame(toleranceError.stack), /send\.test\.mjs:\d+/);
  assert.doesNotMatch(toleranceError.stack, /wasm|contiguity-imessage/);
  // The same for the constructor's synchronous throw.
  const thrown = (() => {
    try {
      new Contiguity('not-a-key');
    } catch (e) {
      return e;
    }
  })();
  assert.ok(thrown instanceof ValidationError);
  assert.match(firstFrame(thrown.stack), /send\.test\.mjs:\d+/);
  assert.doesNotMatch(thrown.stack, /wasm|contiguity-imessage/);
});

test('wrong types anywhere are ValidationErrors naming the field, never crashes', async () => {
  const cases = [
    [undefined, []],
    [null, []],
    ['+15551234567', []],
    [42, []],
    [[], []],
    [{ to: 15551234567, message: 'x' }, ['to']],
    [{ to: '+15551234567', message: 5 }, ['message']],
    [{ to: '+15551234567', message: 'x', attachments: 'https://x.com/a.png' }, ['attachments']],
    [{ to: '+15551234567', message: 'x', fallback: { when: 'imessage_fails' } }, ['fallback', 'when']],
    [{ to: '+15551234567', message: 'x', fast_track: 'true' }, ['fast_track']],
    [{ to: () => '+15551234567', message: 'x' }, ['to']],
    [{ to: Symbol('x'), message: 'x' }, ['to']],
    [{ to: '+15551234567', message: 'x', attachments: [new Date()] }, ['attachments', 0]],
    [{ to: '+15551234567', message: 10n }, ['message']],
  ];
  for (const [params, path] of cases) {
    const error = await contiguity.imessage.send(params).then(
      () => assert.fail(`should reject ${String(params)}`),
      (e) => e,
    );
    assert.ok(error instanceof ValidationError, `${error}`);
    assert.deepEqual(error.issues[0].path, path, error.message);
  }
  const replyError = await contiguity.imessage.reply(undefined, undefined).catch((e) => e);
  assert.ok(replyError instanceof ValidationError);
  assert.deepEqual(
    replyError.issues.map((i) => i.path),
    [['event'], []],
  );
  assert.deepEqual(await sandbox.requests(), []);
  // The instance still works after all that.
  const ok = await contiguity.imessage.send({ to: '+15551234567', message: 'still fine' });
  assert.match(ok.message_id, /^imsg_/);
});

test('a 400 from the service is a ContiguityError with status, code, message and requestId', async () => {
  await sandbox.inject({ path: '/send/imessage', status: 400 });
  const error = await contiguity.imessage.send({ to: '+15551234567', message: 'Hi' }).catch((e) => e);
  assert.ok(error instanceof ContiguityError);
  assert.equal(error.name, 'ContiguityError');
  assert.equal(error.status, 400);
  assert.equal(error.code, 'bad_request');
  assert.match(error.requestId, /^err_/);
  assert.ok(error.message.length > 0);
  // A 400 is never retried.
  assert.equal((await sandbox.requests()).length, 1);
});

test('a 401 for a wrong key is a ContiguityError that does not echo the key', async () => {
  const wrongKey = 'contiguity_sk_not_the_right_one';
  const client = new Contiguity(wrongKey, { baseUrl: sandbox.url });
  const error = await client.imessage.send({ to: '+15551234567', message: 'Hi' }).catch((e) => e);
  assert.ok(error instanceof ContiguityError);
  assert.equal(error.status, 401);
  assert.equal(error.code, 'unauthorized');
  assert.match(error.requestId, /^err_/);
  for (const text of [error.message, error.stack, JSON.stringify(error)]) {
    assert.ok(!text.includes(wrongKey), 'key leaked');
  }
  assert.deepEqual(await sandbox.messages(), []);
});
