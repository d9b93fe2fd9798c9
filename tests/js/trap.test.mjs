// Defence in depth: should the wasm ever trap, the next call works. Run
// against target/trap-pkg/ (`make target/trap-pkg/.built`), the package
// built with the crate's `trap-test` feature, whose glue has one more
// export: `__trap()`, which traps inside a step with the client and call
// tables borrowed, as a bug there would, leaving that instance unusable.
// The test calls it on the glue directly, so api.js does not see that trap
// happen; it must notice on the next call.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess, API_KEY, LEASED, WEBHOOK_SECRET } from './support/sandbox.mjs';

const TRAP_PKG = new URL('../../target/trap-pkg/', import.meta.url);
if (!existsSync(fileURLToPath(new URL('.built', TRAP_PKG)))) {
  throw new Error('target/trap-pkg/ is missing: run `make target/trap-pkg/.built` (`make test-js` does)');
}
const { Contiguity, verifyWebhookSignature, parseWebhookPayload } = await import(new URL('index.node.js', TRAP_PKG));
const glue = await import(new URL('contiguity_imessage.js', TRAP_PKG));

const PERSON = '+15551234567';
let sandbox;
before(async () => {
  sandbox = await startSandboxProcess();
});
after(() => sandbox.stop());
beforeEach(() => sandbox.reset());

function trap() {
  assert.throws(() => glue.__trap(), WebAssembly.RuntimeError);
}

async function assertSends(im, message) {
  const { message_id } = await im.send({ to: PERSON, message, from: LEASED });
  assert.match(message_id, /^imsg_/);
  assert.ok((await sandbox.messages()).some((m) => m.id === message_id && m.message === message), message);
}

test('after a trap, a client made before it and a new client both send', async () => {
  const made = new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage;
  await assertSends(made, 'before the trap');
  trap();
  await assertSends(made, 'the first call after the trap');
  await assertSends(new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage, 'a client made after the trap');
  const history = await made.history({ to: PERSON, from: LEASED });
  assert.deepEqual(history.conversation.map((m) => m.message).sort(), ['a client made after the trap', 'before the trap', 'the first call after the trap']);
});

test('after a trap, construction and the webhook functions work at once', async () => {
  const { event, rawBody, signature } = await sandbox.incoming({ from: PERSON, body: 'hello' });
  trap();
  assert.ok(new Contiguity(API_KEY, { baseUrl: sandbox.url }).imessage);
  trap();
  assert.equal(verifyWebhookSignature(rawBody, signature, WEBHOOK_SECRET), true);
  trap();
  assert.deepEqual(parseWebhookPayload(rawBody), event);
});

test('calls in flight during a trap fail with a clear error, and never touch the calls made after it', { timeout: 20_000 }, async () => {
  const im = new Contiguity(API_KEY, { baseUrl: sandbox.url, maxRetries: 0 }).imessage;
  await sandbox.inject({ path: '/send/imessage', delayMs: 500, times: 3 });
  const inFlight = [1, 2, 3].map((n) => im.send({ to: PERSON, message: `in flight ${n}`, from: LEASED }));
  await new Promise((resolve) => setTimeout(resolve, 100)); // all three are waiting on the sandbox
  trap();
  // Made on the fresh instance, where their handles are the ones the calls
  // in flight had on the old one.
  const after = [1, 2, 3].map((n) => im.send({ to: PERSON, message: `after ${n}`, from: LEASED }));
  for (const outcome of await Promise.allSettled(inFlight)) {
    assert.equal(outcome.status, 'rejected');
    assert.match(outcome.reason.message, /trapped while this call was in flight/);
  }
  const results = await Promise.all(after);
  const sent = await sandbox.messages();
  for (const [i, { message_id }] of results.entries()) {
    assert.equal(sent.find((m) => m.id === message_id)?.message, `after ${i + 1}`, 'each call got its own answer');
  }
  await assertSends(im, 'and the one after that');
});

// Each client makes its Authorization value once, in the instance it was
// opened in. After a trap the clients open again, in the order they are
// used, so a handle can name another client than before: each must still
// send its own key.
test('after a trap, each client sends its own key, whichever is used first', async () => {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push(init.headers.Authorization);
    return new Response(JSON.stringify({ id: 'req_1', timestamp: 1, api_version: 'v1', object: 'response', data: { available: true } }));
  };
  const first = new Contiguity('contiguity_sk_trap_first', { fetch }).imessage;
  const second = new Contiguity('contiguity_sk_trap_second', { fetch }).imessage;
  const check = (im) => im.availability({ to: PERSON });
  await check(first);
  await check(second);
  trap();
  await check(second);
  await check(first);
  trap();
  await Promise.all([check(first), check(second)]);
  assert.deepEqual(sent, [
    'Token contiguity_sk_trap_first',
    'Token contiguity_sk_trap_second',
    'Token contiguity_sk_trap_second',
    'Token contiguity_sk_trap_first',
    'Token contiguity_sk_trap_first',
    'Token contiguity_sk_trap_second',
  ]);
});
