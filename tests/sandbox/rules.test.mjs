// The service rules, off by default for startSandbox() and switchable:
// pacing per leased line, availability (SMS fallback or a failed delivery).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Contiguity } from 'contiguity-imessage';
import {
  useSandbox, api, send, control, assertSuccess, assertError, historyPath, KEY, PERSON, LEASED,
} from './support.mjs';

const UNAVAILABLE = '+15557654321';
const sb = useSandbox({ unavailable: [UNAVAILABLE] });

/** Turns the given rules on for one test, and every rule off after it. */
function rulesFor(t, rules) {
  sb.setConfig({ rules });
  t.after(() => sb.setConfig({ rules: false }));
}

/**
 * Sends until the first 429 (at most `max` tries). Resolves with how many
 * were accepted, that 429, and the seconds the sends took.
 */
async function sendUntilPaced(body, max = 30) {
  const started = Date.now();
  let accepted = 0;
  for (let i = 0; i < max; i += 1) {
    const res = await send(body);
    if (res.status === 429) return { accepted, paced: res, seconds: (Date.now() - started) / 1000 };
    assertSuccess(res);
    accepted += 1;
  }
  throw new Error(`no 429 in ${max} sends`);
}

describe('rules off (the startSandbox default)', () => {
  test('no pacing, and an unavailable recipient still gets an iMessage', async () => {
    for (let i = 0; i < 12; i += 1) assertSuccess(await send({ to: PERSON, message: `burst ${i}` }));
    assertSuccess(await send({ to: UNAVAILABLE, message: 'no fallback' }));
    const last = sb.messages().at(-1);
    assert.deepEqual([last.service, last.status], ['imessage', 'delivered']);
    assert.deepEqual((await control('GET', 'state')).json.config.rules, { pacing: false, availability: false });
  });
});

describe('pacing: 1 message per second per leased line, bursts of 5', () => {
  test('a burst of 5 goes through; beyond the refill, a 429 with Retry-After; after it, a send goes', async (t) => {
    rulesFor(t, { pacing: true });
    const { accepted, paced, seconds } = await sendUntilPaced({ to: PERSON, message: 'hi' });
    assert.ok(accepted >= 5, `a burst of 5 is allowed (accepted ${accepted})`);
    assert.ok(accepted <= 5 + Math.ceil(seconds), `at most 5 plus one a second (accepted ${accepted} in ${seconds} s)`);
    assertError(paced, 429, /paced at 1 message per second \(bursts of 5\)/);
    const wait = Number(paced.headers.get('retry-after'));
    assert.ok(Number.isInteger(wait) && wait >= 1, `Retry-After ${paced.headers.get('retry-after')}`);
    assert.equal(sb.messages().length, accepted, 'a paced send stores nothing');
    await sleep(wait * 1000);
    assertSuccess(await send({ to: PERSON, message: 'after waiting' }));
  });

  test('fast_track bypasses pacing; another leased line has its own budget', async (t) => {
    rulesFor(t, { pacing: true });
    await sendUntilPaced({ to: PERSON, message: 'hi' });
    assertSuccess(await send({ to: PERSON, message: 'urgent', fast_track: true }));
    assertSuccess(await send({ to: PERSON, from: '+15559998888', message: 'other line' }));
  });

  test('typing, reactions and read receipts are not paced', async (t) => {
    rulesFor(t, { pacing: true });
    await sendUntilPaced({ to: PERSON, message: 'hi' });
    assertSuccess(await api('POST', '/send/imessage/typing', { to: PERSON, action: 'start' }));
    assertSuccess(await api('POST', '/send/imessage/read', { to: PERSON, from: LEASED }));
    assertSuccess(await api('POST', '/send/imessage/reactions', { to: PERSON, from: LEASED, tapback: 'like', message: 'hi', action: 'add' }));
  });

  test('the client waits out Retry-After and its retry succeeds', async (t) => {
    rulesFor(t, { pacing: true });
    await sendUntilPaced({ to: PERSON, message: 'hi' });
    const contiguity = new Contiguity(KEY, { baseUrl: sb.url });
    const { message_id } = await contiguity.imessage.send({ to: PERSON, message: 'retried' });
    assert.equal(sb.messages().at(-1).id, message_id);
    assert.deepEqual(sb.requests().slice(-2).map((r) => r.status), [429, 200]);
  });

  test('reset() refills every line', async (t) => {
    rulesFor(t, { pacing: true });
    await sendUntilPaced({ to: PERSON, message: 'hi' });
    sb.reset();
    for (let i = 0; i < 5; i += 1) assertSuccess(await send({ to: PERSON, message: `again ${i}` }));
  });
});

describe('availability: a recipient without iMessage', () => {
  test('with fallback.when including imessage_unsupported: delivered as SMS', async (t) => {
    rulesFor(t, { availability: true });
    const { message_id: id } = assertSuccess(await send({
      to: UNAVAILABLE, message: 'Your table is ready', fallback: { when: ['imessage_unsupported'], from: '+15553334444' },
    }));
    const stored = sb.messages().at(-1);
    assert.equal(stored.id, id);
    assert.deepEqual([stored.service, stored.status, stored.from], ['sms', 'delivered', LEASED]);
    assert.ok(stored.tracking.some((e) => e.event === 'imessage.fallback'));
    const [item] = assertSuccess(await api('GET', historyPath(UNAVAILABLE, LEASED))).conversation;
    assert.equal(item.delivery.status, 'delivered');
  });

  test('without such a fallback: accepted, and its delivery fails', async (t) => {
    rulesFor(t, { availability: true });
    for (const fallback of [undefined, { when: ['imessage_fails'] }]) {
      const { message_id: id } = assertSuccess(await send({ to: UNAVAILABLE, message: 'hello?', fallback }));
      const stored = sb.messages().at(-1);
      assert.deepEqual([stored.service, stored.status], ['imessage', 'failed']);
      assert.equal(assertSuccess(await api('GET', `/conversations/history/message/${id}`)).status, 'failed');
    }
    const history = assertSuccess(await api('GET', historyPath(UNAVAILABLE, LEASED)));
    assert.deepEqual(history.conversation.map((m) => m.delivery.status), ['failed', 'failed']);
  });

  test('numbers ending in 0000 count as unavailable; an available one gets an iMessage', async (t) => {
    rulesFor(t, { availability: true });
    assertSuccess(await send({ to: '+15550000000', message: 'x' }));
    assert.equal(sb.messages().at(-1).status, 'failed');
    assertSuccess(await send({ to: PERSON, message: 'x', fallback: { when: ['imessage_unsupported'] } }));
    assert.deepEqual([sb.messages().at(-1).service, sb.messages().at(-1).status], ['imessage', 'delivered']);
  });
});

describe('switching rules', () => {
  test('over HTTP, one rule at a time; bad values are refused', async (t) => {
    t.after(() => sb.setConfig({ rules: false }));
    assert.deepEqual((await control('POST', 'config', { rules: { pacing: true } })).json, { ok: true });
    assert.deepEqual((await control('GET', 'state')).json.config.rules, { pacing: true, availability: false });
    await control('POST', 'config', { rules: { availability: true } });
    assert.deepEqual((await control('GET', 'state')).json.config.rules, { pacing: true, availability: true });
    await control('POST', 'config', { rules: false });
    assert.deepEqual((await control('GET', 'state')).json.config.rules, { pacing: false, availability: false });
    assert.match((await control('POST', 'config', { rules: { pace: true } })).json.error, /unknown sandbox rule "pace"/);
    assert.match((await control('POST', 'config', { rules: { pacing: 'yes' } })).json.error, /"pacing" must be a boolean/);
  });
});
