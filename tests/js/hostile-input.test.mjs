// Hostile input is answered, quickly, with an error naming the field.
// Reading input is synchronous, so the inputs of support/hostile-inputs.mjs
// run in a child process: a hang there is killed, and names the case that
// hung. The bounds are generous (a hang, not a benchmark); the times
// measured are printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Contiguity, ValidationError } from 'contiguity-imessage';
import { run } from '../runtimes/support/process.mjs';
import { CASES } from './support/hostile-inputs.mjs';
import { startSandboxProcess, API_KEY, LEASED } from './support/sandbox.mjs';

const SCRIPT = fileURLToPath(new URL('./support/hostile-inputs.mjs', import.meta.url));
const PER_CASE_MS = 10_000;
const PERSON = '+15551234567';

let sandbox;
before(async () => {
  sandbox = await startSandboxProcess();
});
after(() => sandbox.stop());

test('every hostile input is answered within seconds, with the error it should get', { timeout: 150_000 }, async (t) => {
  const result = await run(process.execPath, [SCRIPT], { timeoutMs: 120_000 });
  const lines = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const outcomes = new Map(lines.filter((line) => line.name).map((line) => [line.name, line]));
  const started = lines.filter((line) => line.start).map((line) => line.start);
  assert.equal(result.code, 0, `the child ${result.signal ? `was killed (${result.signal}) while running: ${started.at(-1)}` : `failed:\n${result.stderr}`}`);
  for (const [name, , expected] of CASES) {
    const outcome = outcomes.get(name);
    assert.ok(outcome, `${name}: no outcome`);
    t.diagnostic(`${String(outcome.ms).padStart(5)} ms  ${name}`);
    assert.ok(outcome.ms < PER_CASE_MS, `${name} took ${outcome.ms} ms`);
    if ('value' in expected) {
      assert.deepEqual(outcome, { name, ms: outcome.ms, value: expected.value }, name);
    } else {
      assert.equal(outcome.error?.name, 'ValidationError', `${name}: ${JSON.stringify(outcome)}`);
      assert.equal(outcome.error.paths[0], expected.path, `${name}: ${outcome.error.message}`);
    }
  }
});

test('reply() given the HTTP request instead of the event says so', async () => {
  // The message points at the usual mistake (the review's case, in-process).
  const error = await new Contiguity(API_KEY, { baseUrl: sandbox.url })
    .imessage.reply({ headers: {}, body: '{}', method: 'POST', url: '/webhook' }, { message: 'hi' })
    .catch((e) => e);
  assert.ok(error instanceof ValidationError);
  assert.match(error.message, /not the HTTP request/);
});

test('ids that would change the path are refused: "..", ".", a lone surrogate', async () => {
  const im = new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage;
  await sandbox.reset();
  for (const id of ['..', '.', '\uD800abc', 'abc\uDC00']) {
    const error = await im.get(id).catch((e) => e);
    assert.ok(error instanceof ValidationError, `${JSON.stringify(id)}: ${error}`);
    assert.deepEqual(error.issues.map((i) => i.path), [['id']]);
  }
  assert.deepEqual(await sandbox.requests(), [], 'nothing was sent');
});

test('addresses with a zero-width space or a right-to-left override are refused', async () => {
  const im = new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage;
  await sandbox.reset();
  for (const to of ['alice\u200B@example.com', 'alice@exa\u200Bmple.com', 'alice\u202E@example.com', 'moc.elpmaxe@\u202Ealice']) {
    const error = await im.send({ to, message: 'hi' }).catch((e) => e);
    assert.ok(error instanceof ValidationError, JSON.stringify(to));
    assert.deepEqual(error.issues[0].path, ['to']);
  }
  assert.deepEqual(await sandbox.requests(), []);
});

test('a message cut inside an emoji is sent as JSON.stringify writes it', async () => {
  const im = new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage;
  await sandbox.reset();
  for (const message of ['see you 😀'.slice(0, -1), '\uDE00 starts cut', 'a\uD800b\uDFFFc']) {
    const params = { to: PERSON, message, from: LEASED };
    await im.send(params);
    const [request] = (await sandbox.requests()).slice(-1);
    assert.equal(request.body, JSON.stringify(params));
    assert.match(request.body, /\\ud[89a-f][0-9a-f]{2}/, 'the lone surrogate is escaped, not replaced');
  }
});

test('each kind of value is named as what it is, a look-alike by what it really is; nothing is sent', async () => {
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const kinds = [
    [new Uint8Array(3), 'binary data'],
    [Buffer.from('hi'), 'binary data'],
    [new DataView(new ArrayBuffer(2)), 'binary data'],
    [Object.setPrototypeOf({}, Uint8Array.prototype), 'object'],
    [[], 'array'],
    [Object.setPrototypeOf({ length: 1 }, Array.prototype), 'object'],
    [new String('text'), 'object'],
    [() => 'text', 'function'],
    [Symbol('text'), 'symbol'],
    [10n, 'bigint'],
    [true, 'boolean'],
    [false, 'boolean'],
    [3, 'number'],
    [NaN, 'NaN'],
    [revoked, 'a value that throws when read'],
  ];
  let requests = 0;
  const fetch = async () => {
    requests++;
    return new Response('{}');
  };
  const { imessage } = new Contiguity(API_KEY, { fetch, maxRetries: 0 });
  for (const [message, received] of kinds) {
    const error = await imessage.send({ to: PERSON, message }).then(
      () => assert.fail(`a ${received} message was sent`),
      (rejection) => rejection,
    );
    assert.ok(error instanceof ValidationError, received);
    assert.deepEqual(
      error.issues.map((issue) => [issue.path, issue.message]),
      [[['message'], `expected string, received ${received}`]],
      received,
    );
  }
  assert.equal(requests, 0);
});
