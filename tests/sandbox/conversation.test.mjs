// Typing, reactions, read receipts, history, one message, availability.
// Over real loopback HTTP with plain fetch.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSandbox, api, send, assertSuccess, assertError, historyPath, enc, PERSON, LEASED,
} from './support.mjs';

const sb = useSandbox();

describe('POST /send/imessage/typing', () => {
  test('start and stop, recorded per conversation', async () => {
    assert.deepEqual(assertSuccess(await api('POST', '/send/imessage/typing', { to: PERSON, action: 'start' })), { status: 'started' });
    let [state] = sb.typing();
    assert.deepEqual([state.to, state.from, state.status], [PERSON, LEASED, 'started']);
    assert.deepEqual(assertSuccess(await api('POST', '/send/imessage/typing', { to: PERSON, action: 'stop', from: LEASED })), { status: 'stopped' });
    assert.equal(sb.typing().length, 1);
    [state] = sb.typing();
    assert.equal(state.status, 'stopped');
  });

  test('400 on bad action, missing to, bad from, unknown key', async () => {
    const typing = (body) => api('POST', '/send/imessage/typing', body);
    assertError(await typing({ to: PERSON, action: 'begin' }), 400, /action: must be one of start, stop/);
    assertError(await typing({ to: PERSON }), 400, /action: required/);
    assertError(await typing({ action: 'start' }), 400, /to: required/);
    assertError(await typing({ to: PERSON, action: 'start', from: 'x' }), 400, /from:/);
    assertError(await typing({ to: PERSON, action: 'start', typing: true }), 400, /"typing"/);
    assert.equal(sb.typing().length, 0);
  });
});

describe('POST /send/imessage/reactions', () => {
  const react = (body) => api('POST', '/send/imessage/reactions', body);

  test('add and remove', async () => {
    const base = { to: PERSON, from: LEASED, tapback: 'love', message: 'Hello there!' };
    assert.deepEqual(assertSuccess(await react({ ...base, action: 'add' })),
      { status: 'added', message: `Reaction added to ${PERSON} from ${LEASED}` });
    assert.deepEqual(assertSuccess(await react({ ...base, action: 'remove' })),
      { status: 'removed', message: `Reaction removed to ${PERSON} from ${LEASED}` });
  });

  test('400 on each invalid field', async () => {
    const ok = { to: PERSON, from: LEASED, tapback: 'like', message: 'Hi', action: 'add' };
    assertError(await react({ ...ok, from: undefined }), 400, /from: required/);
    assertError(await react({ ...ok, from: 'me' }), 400, /from: must be an E\.164/);
    assertError(await react({ ...ok, tapback: 'heart' }), 400, /tapback: must be one of love, like, dislike, laugh, emphasize, question/);
    assertError(await react({ ...ok, message: '' }), 400, /message: must be a non-empty string/);
    assertError(await react({ ...ok, message: null }), 400, /message:/);
    assertError(await react({ ...ok, action: 'added' }), 400, /action: must be one of add, remove/);
    assertError(await react({ ...ok, to: 'nobody' }), 400, /to:/);
    assertError(await react({ ...ok, reaction: 'love' }), 400, /"reaction"/);
  });
});

describe('POST /send/imessage/read', () => {
  test('answers status sent and marks that conversation\'s incoming messages read', async () => {
    await sb.simulateIncoming({ from: PERSON, body: 'ping' });
    await sb.simulateIncoming({ from: '+15557654321', body: 'other person' });
    const before = Date.now();
    const data = assertSuccess(await api('POST', '/send/imessage/read', { to: PERSON, from: LEASED }));
    assert.deepEqual(data, { status: 'sent', message: `Read receipt sent to ${PERSON} from ${LEASED}` });
    const [mine, other] = sb.messages();
    assert.ok(mine.read >= before);
    assert.equal(other.read, null);
  });

  test('400 when from is missing or to is invalid', async () => {
    assertError(await api('POST', '/send/imessage/read', { to: PERSON }), 400, /from: required/);
    assertError(await api('POST', '/send/imessage/read', { to: '123', from: LEASED }), 400, /to:/);
    assertError(await api('POST', '/send/imessage/read', { to: PERSON, from: LEASED, at: 1 }), 400, /"at"/);
  });
});

describe('GET /conversations/history/imessage/{to}/{from}/{limit}', () => {
  test('both directions, newest first, limit, counts, reactions and read state', async () => {
    await send({ to: PERSON, message: 'first' });
    await sb.simulateIncoming({ from: PERSON, body: 'reply', attachments: ['https://example.com/pic.jpg'] });
    await send({ to: PERSON, message: 'third' });
    await send({ to: '+15557654321', message: 'someone else' });
    await send({ to: PERSON, from: '+15559998888', message: 'other line' });
    await api('POST', '/send/imessage/reactions', { to: PERSON, from: LEASED, tapback: 'laugh', message: 'reply', action: 'add' });
    await api('POST', '/send/imessage/read', { to: PERSON, from: LEASED });

    const data = assertSuccess(await api('GET', historyPath(PERSON, LEASED, 20)));
    assert.deepEqual(data.conversation.map((m) => m.message), ['third', 'reply', 'first']);
    assert.deepEqual(data.chat, { filtered: false, chat_marked_as_spam: false, limit: 20, total: 3, count: 3 });
    const [third, reply, first] = data.conversation;
    assert.deepEqual([third.to, third.from], [PERSON, LEASED]);
    assert.deepEqual([reply.to, reply.from], [LEASED, PERSON]);
    assert.deepEqual(reply.attachments, ['https://example.com/pic.jpg']);
    assert.ok(reply.read > 0, 'the read receipt marked the incoming message');
    assert.equal(first.read, 0, 'outgoing messages read as 0');
    assert.deepEqual(first.delivery, { status: 'delivered', delayed: false, timestamp: first.timestamp });
    assert.deepEqual(first.risk, { auto_reported_as_spam: false, marked_as_spam: false });
    assert.ok(data.conversation.every((m) => !('tracking' in m)), 'no tracking unless asked');
    assert.equal(data.reactions.length, 1);
    assert.deepEqual(Object.keys(data.reactions[0]).sort(), ['action', 'from', 'on', 'reaction', 'timestamp']);
    assert.deepEqual({ ...data.reactions[0], timestamp: 0 }, { reaction: 'laugh', on: 'reply', timestamp: 0, action: 'added', from: LEASED });

    const limited = assertSuccess(await api('GET', historyPath(PERSON, LEASED, 2)));
    assert.deepEqual(limited.conversation.map((m) => m.message), ['third', 'reply']);
    assert.deepEqual(limited.chat, { filtered: false, chat_marked_as_spam: false, limit: 2, total: 3, count: 2 });
  });

  test('ordered by timestamp, so a back-dated incoming message sorts last', async () => {
    await send({ to: PERSON, message: 'now' });
    await sb.simulateIncoming({ from: PERSON, body: 'long ago', timestamp: 1700000000 });
    const data = assertSuccess(await api('GET', historyPath(PERSON, LEASED)));
    assert.deepEqual(data.conversation.map((m) => [m.message, m.timestamp > 1700000000000]), [['now', true], ['long ago', false]]);
  });

  test('tracking only with ?tracking=true', async () => {
    await send({ to: PERSON, message: 'tracked' });
    const withTracking = assertSuccess(await api('GET', historyPath(PERSON, LEASED, 20, '?tracking=true')));
    assert.ok(withTracking.conversation[0].tracking.length >= 2);
    const withFalse = assertSuccess(await api('GET', historyPath(PERSON, LEASED, 20, '?tracking=false')));
    assert.ok(!('tracking' in withFalse.conversation[0]));
    assertError(await api('GET', historyPath(PERSON, LEASED, 20, '?tracking=yes')), 400, /tracking/);
    assertError(await api('GET', historyPath(PERSON, LEASED, 20, '?tracking=true&tracking=true')), 400, /tracking/);
    assert.equal(sb.requests()[1].query, 'tracking=true');
  });

  test('path segments are percent-decoded and recorded raw; an email recipient works', async () => {
    await send({ to: 'a/b@icloud.com', message: 'slash' });
    const data = assertSuccess(await api('GET', historyPath('a/b@icloud.com', LEASED)));
    assert.equal(data.conversation[0].message, 'slash');
    assert.equal(sb.requests()[1].path, '/conversations/history/imessage/a%2Fb%40icloud.com/%2B15550001111/20');
  });

  test('400 on bad limit, bad numbers, bad percent-encoding', async () => {
    for (const limit of ['0', '201', 'abc', '2.5', '-1', '1e2']) {
      assertError(await api('GET', historyPath(PERSON, LEASED, limit)), 400, /limit/);
    }
    assertSuccess(await api('GET', historyPath(PERSON, LEASED, 200)));
    assertSuccess(await api('GET', historyPath(PERSON, LEASED, 1)));
    assertError(await api('GET', historyPath('5551234567', LEASED)), 400, /to:/);
    assertError(await api('GET', historyPath(PERSON, 'a@b.co')), 400, /from:/);
    assertError(await api('GET', '/conversations/history/imessage/%E0%A4%A/%2B15550001111/20'), 400, /percent-encoding/);
  });
});

describe('GET /conversations/history/message/{id}', () => {
  test('returns the message, with tracking only when asked', async () => {
    const { message_id: id } = (await send({ to: PERSON, message: 'find me', attachments: ['https://example.com/x.png'] })).json.data;
    const data = assertSuccess(await api('GET', `/conversations/history/message/${enc(id)}`));
    assert.deepEqual(Object.keys(data).sort(), ['attachments', 'from', 'id', 'message', 'status', 'timestamp', 'to']);
    assert.deepEqual({ ...data, timestamp: 0 },
      { id, to: PERSON, from: LEASED, message: 'find me', timestamp: 0, status: 'delivered', attachments: ['https://example.com/x.png'] });
    const tracked = assertSuccess(await api('GET', `/conversations/history/message/${id}?tracking=true`));
    assert.equal(tracked.tracking.at(-1).event, 'imessage.delivery.confirmed');
  });

  test('incoming messages are found by id too', async () => {
    await sb.simulateIncoming({ from: PERSON, body: 'hi there' });
    const [incoming] = sb.messages();
    const data = assertSuccess(await api('GET', `/conversations/history/message/${incoming.id}`));
    assert.deepEqual([data.from, data.to, data.message, data.status], [PERSON, LEASED, 'hi there', 'received']);
  });

  test('404 for an unknown id', async () => {
    assertError(await api('GET', '/conversations/history/message/imsg_nope'), 404, /imsg_nope/);
  });
});

describe('GET /conversations/availability/imessage/{to}', () => {
  test('available, unavailable by the 0000 rule, by config; invalid is 400', async (t) => {
    const check = (to) => api('GET', `/conversations/availability/imessage/${enc(to)}`);
    assert.deepEqual(assertSuccess(await check(PERSON)), { available: true });
    assert.deepEqual(assertSuccess(await check('friend@icloud.com')), { available: true });
    assert.deepEqual(assertSuccess(await check('+15550000000')), { available: false });
    sb.setConfig({ unavailable: [PERSON] });
    t.after(() => sb.setConfig({ unavailable: [] }));
    assert.deepEqual(assertSuccess(await check(PERSON)), { available: false });
    assertError(await check('15551234567'), 400, /to:/);
  });
});
