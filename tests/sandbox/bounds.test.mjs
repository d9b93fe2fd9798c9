// The sandbox stays usable and its memory bounded whatever it is sent: a
// deeply nested body, floods of messages, reactions, requests, deliveries.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runJson } from '../runtimes/support/process.mjs';
import { LIMITS } from '../../pkg-template/sandbox/index.js';
import {
  useSandbox, api, send, control, assertError, assertSuccess, startReceiver, PERSON, LEASED,
} from './support.mjs';

const sb = useSandbox();
const MiB = 1024 * 1024;

describe('a deeply nested body', () => {
  // Before the fix, one such unauthenticated POST made requests() and
  // GET /__sandbox/requests throw "Maximum call stack size exceeded" until reset().
  const deep = (inner = '') => `${'['.repeat(200_000)}${inner}${']'.repeat(200_000)}`;

  test('is recorded without its parsed JSON; requests() and GET /__sandbox/requests keep working', async () => {
    assertError(await send(deep(), { auth: null }), 401);
    const [recorded] = sb.requests();
    assert.equal(recorded.body, deep(), 'the raw text is kept');
    assert.equal(recorded.json, null, 'too deep to keep as a value');
    const listed = await control('GET', 'requests');
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.json.map((r) => r.status), [401]);
  });

  test('is refused by the API with a 400 that says why', async () => {
    assertError(await send(`{"to":${deep()}}`), 400, new RegExp(`nested deeper than ${LIMITS.jsonDepth} levels`));
    assert.equal((await control('GET', 'state')).status, 200);
  });

  test(`a body nested ${LIMITS.jsonDepth} levels deep is still parsed`, async () => {
    const nested = `${'['.repeat(LIMITS.jsonDepth)}1${']'.repeat(LIMITS.jsonDepth)}`;
    await send(nested);
    assert.notEqual(sb.requests()[0].json, null);
  });
});

describe('the stores are capped, oldest dropped first', () => {
  test(`messages: at most ${LIMITS.messages.items}`, async () => {
    const extra = 5;
    for (let i = 0; i < LIMITS.messages.items + extra; i += 1) await sb.simulateIncoming({ from: PERSON, body: `n${i}` });
    const kept = sb.messages();
    assert.equal(kept.length, LIMITS.messages.items);
    assert.equal(kept[0].message, `n${extra}`);
    assert.equal(kept.at(-1).message, `n${LIMITS.messages.items + extra - 1}`);
  });

  test(`messages and the request log: at most ${LIMITS.messages.bytes / MiB} MiB of text each`, async () => {
    const big = 'x'.repeat(MiB - 100);
    const sends = 24;
    for (let i = 0; i < sends; i += 1) assertSuccess(await send({ to: PERSON, message: `${i} ${big}` }));
    const messages = sb.messages();
    const text = messages.reduce((sum, m) => sum + m.message.length, 0);
    assert.ok(text <= LIMITS.messages.bytes, `${text} characters of messages kept`);
    assert.ok(messages.length < sends, 'some were dropped');
    assert.ok(messages.at(-1).message.startsWith(`${sends - 1} `), 'the newest is kept');
    const requests = sb.requests();
    const bodies = requests.reduce((sum, r) => sum + r.body.length, 0);
    // A request's body counts twice: its text and its parsed copy.
    assert.ok(2 * bodies <= LIMITS.requests.bytes, `${bodies} characters of request bodies kept`);
    assert.ok(requests.at(-1).json.message.startsWith(`${sends - 1} `));
  });

  test(`the request log: at most ${LIMITS.requests.items} requests`, async () => {
    const total = LIMITS.requests.items + 10;
    for (let i = 0; i < total; i += 1) await api('GET', `/conversations/history/message/imsg_${i}`);
    const requests = sb.requests();
    assert.equal(requests.length, LIMITS.requests.items);
    assert.equal(requests[0].path, '/conversations/history/message/imsg_10');
    assert.equal(requests.at(-1).path, `/conversations/history/message/imsg_${total - 1}`);
  });

  test(`reactions: at most ${LIMITS.reactions.items}`, async () => {
    const total = LIMITS.reactions.items + 3;
    for (let i = 0; i < total; i += 1) {
      await api('POST', '/send/imessage/reactions', { to: PERSON, from: LEASED, tapback: 'like', message: `m${i}`, action: 'add' });
    }
    const reactions = sb.reactions();
    assert.equal(reactions.length, LIMITS.reactions.items);
    assert.equal(reactions[0].on, 'm3');
  });

  test(`webhook deliveries: at most ${LIMITS.deliveries.items}`, async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    const total = LIMITS.deliveries.items + 2;
    for (let i = 0; i < total; i += 1) await sb.simulateIncoming({ url: receiver.url, from: PERSON, body: `d${i}` });
    const deliveries = sb.deliveries();
    assert.equal(deliveries.length, LIMITS.deliveries.items);
    assert.equal(JSON.parse(deliveries[0].rawBody).data.body, 'd2');
    assert.equal(receiver.received.length, total);
  });

  test(`typing state: at most ${LIMITS.typingConversations} conversations`, async () => {
    const total = LIMITS.typingConversations + 1;
    for (let i = 0; i < total; i += 1) {
      await api('POST', '/send/imessage/typing', { to: `+1555${String(i).padStart(7, '0')}`, action: 'start' });
    }
    const typing = sb.typing();
    assert.equal(typing.length, LIMITS.typingConversations);
    assert.ok(!typing.some((state) => state.to === '+15550000000'), 'the least recent is dropped');
  });
});

test('memory: 200 sends of 1 MB leave the heap within the caps', async (t) => {
  const probe = fileURLToPath(new URL('./probes/memory.mjs', import.meta.url));
  // Bounded: a hang is killed (and fails the run) after two minutes.
  const { json } = await runJson(process.execPath, ['--expose-gc', probe, '200'], { timeoutMs: 120_000 });
  const growth = json.heapAfterBytes - json.heapBeforeBytes;
  t.diagnostic(`200 sends of 1 MB: heap grew by ${(growth / MiB).toFixed(1)} MiB, ${json.stored} messages kept, rss ${(json.rssBytes / MiB).toFixed(0)} MiB`);
  // What the caps allow (messages and request bodies), plus slack for the
  // runtime; kept whole, the 200 bodies alone would be 200 MB, twice over
  // (the message and the request log each keep one).
  const allowed = LIMITS.messages.bytes + LIMITS.requests.bytes + 32 * MiB;
  assert.ok(growth < allowed, `heap grew by ${growth} bytes`);
  assert.ok(json.stored < 200);
});
