// Concurrent requests in one Workers isolate, through one client made once
// per isolate (workerd through Miniflare, no compatibility flags): rounds
// of hundreds of requests at once, each a send, a history read and a
// webhook verified against the sandbox (fixtures/worker-concurrency.mjs).
// Every request must finish, and with its own answers: its own message id,
// its own conversation, its own webhook event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess, API_KEY, LEASED, WEBHOOK_SECRET } from '../js/support/sandbox.mjs';
import { makeConsumer, nodeEnv } from './support/consumer.mjs';
import { startServer } from './support/process.mjs';

const MINIFLARE_SERVER = fileURLToPath(new URL('./support/miniflare-server.mjs', import.meta.url));
const COMPATIBILITY_DATE = '2026-04-01';
const AT_ONCE = 400;
const ROUNDS = 3;
// A request still unanswered this long after the round started has hung.
const ROUND_BOUND_MS = 30_000;

let sandbox;
let worker;
before(async () => {
  sandbox = await startSandboxProcess();
  const consumer = await makeConsumer('workerd-concurrency', { fixtures: ['worker-concurrency.mjs'] });
  const config = {
    scriptPath: join(consumer, 'worker-concurrency.mjs'),
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { BASE_URL: sandbox.url, API_KEY, WEBHOOK_SECRET },
  };
  worker = await startServer(process.execPath, [MINIFLARE_SERVER, JSON.stringify(config)], {
    cwd: consumer,
    env: nodeEnv(),
    timeoutMs: 300_000,
  });
});
after(async () => {
  await worker?.stop();
  await sandbox?.stop();
});

/** The request's answer, or why it has none (not finished within the bound, or not JSON). */
async function request(id, signal) {
  try {
    const response = await fetch(`${worker.url}/round?id=${id}`, { signal });
    return { status: response.status, body: await response.json() };
  } catch (error) {
    return { unfinished: error.name === 'TimeoutError' || error.name === 'AbortError', error: String(error) };
  }
}

function assertOwnAnswers(id, { status, body }) {
  const person = `+1555${String(id).padStart(7, '0')}`;
  assert.equal(status, 200, `request ${id}: ${JSON.stringify(body)}`);
  assert.equal(body.id, String(id));
  assert.match(body.messageId, /^imsg_/);
  assert.deepEqual(body.history, [{ to: person, from: LEASED, message: `out ${id}` }], `request ${id}: its own conversation`);
  assert.deepEqual([body.verified, body.verifiedRequest, body.forged], [true, true, false], `request ${id}: webhook checks`);
  assert.deepEqual(body.event, { from: person, body: `in ${id}` }, `request ${id}: its own event`);
}

test(`workerd: ${ROUNDS} rounds of ${AT_ONCE} requests at once through one client per isolate all finish, each with its own answers`, { timeout: ROUNDS * (ROUND_BOUND_MS + 30_000) }, async (t) => {
  for (let round = 0; round < ROUNDS; round++) {
    await sandbox.reset();
    const started = Date.now();
    const signal = AbortSignal.timeout(ROUND_BOUND_MS);
    const ids = Array.from({ length: AT_ONCE }, (_, i) => round * AT_ONCE + i);
    const answers = await Promise.all(ids.map((id) => request(id, signal)));
    const unfinished = answers.filter((answer) => answer.unfinished).length;
    const failed = answers.filter((answer) => !answer.unfinished && answer.status !== 200);
    t.diagnostic(`round ${round + 1}: ${AT_ONCE - unfinished} of ${AT_ONCE} finished in ${Date.now() - started} ms`);
    assert.equal(unfinished, 0, `round ${round + 1}: ${unfinished} of ${AT_ONCE} requests never finished`);
    assert.deepEqual(failed, [], `round ${round + 1}: requests that failed`);
    for (const [i, answer] of answers.entries()) assertOwnAnswers(ids[i], answer);
    const messageIds = new Set(answers.map((answer) => answer.body.messageId));
    assert.equal(messageIds.size, AT_ONCE, 'every send got a message id of its own');
    assert.equal((await sandbox.messages()).length, 2 * AT_ONCE, 'each request stored one message out and one in');
  }
});
