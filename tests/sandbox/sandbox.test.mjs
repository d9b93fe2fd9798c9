// Tests of the local Contiguity API sandbox, over real loopback HTTP with plain fetch.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { run } from '../runtimes/support/process.mjs';
import { startSandbox, signWebhook, isE164, isRecipient } from '../../pkg-template/sandbox/index.js';

const KEY = 'contiguity_sk_sandbox_test_key';
const LEASED = '+15550001111';
const PERSON = '+15551234567';
const CLI = fileURLToPath(new URL('../../pkg-template/sandbox/cli.js', import.meta.url));

let sb;
before(async () => { sb = await startSandbox(); });
after(() => sb.close());
beforeEach(() => sb.reset());

/** One request to the sandbox; resolves with status, headers, text and parsed JSON (or null). */
async function api(method, path, body, { auth = `Token ${KEY}`, headers = {}, signal, base = sb.url } = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers }, signal };
  if (auth) init.headers.authorization = auth;
  if (body !== undefined) {
    init.headers['content-type'] ??= 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON: the test looks at text */ }
  return { status: res.status, headers: res.headers, text, json };
}

const send = (body, options) => api('POST', '/send/imessage', body, options);
const enc = encodeURIComponent;

function assertSuccess(res) {
  assert.equal(res.status, 200, res.text);
  assert.match(res.json.id, /^req_[A-Za-z0-9]{16}$/);
  assert.equal(typeof res.json.timestamp, 'number');
  assert.ok(Math.abs(res.json.timestamp - Date.now()) < 60_000);
  assert.equal(res.json.api_version, 'v2026.8.2');
  assert.equal(res.json.object, 'response');
  return res.json.data;
}

function assertError(res, status, fragment) {
  assert.equal(res.status, status, res.text);
  assert.match(res.json.id, /^err_[A-Za-z0-9]{16}$/);
  assert.equal(typeof res.json.timestamp, 'number');
  assert.equal(res.json.api_version, 'v2026.8.2');
  assert.equal(res.json.object, 'error');
  assert.equal(res.json.data.status, status);
  assert.equal(typeof res.json.data.error, 'string');
  if (fragment) assert.match(res.json.data.error, fragment);
  return res.json.data;
}

const historyPath = (to, from, limit = 20, query = '') =>
  `/conversations/history/imessage/${enc(to)}/${enc(from)}/${limit}${query}`;

/** A throwaway webhook receiver that records each request's headers and raw body. */
async function startReceiver(status = 200, reply = 'ok') {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(reply);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks/contiguity`,
    received,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

function verifySignature(header, rawBody, secret) {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  assert.ok(match, `malformed signature header ${header}`);
  const expected = crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${match[1]}.${rawBody}`, 'utf8').digest();
  return { t: Number(match[1]), valid: crypto.timingSafeEqual(expected, Buffer.from(match[2], 'hex')) };
}

describe('helpers', () => {
  test('isE164 and isRecipient', () => {
    assert.ok(isE164('+15551234567'));
    assert.ok(!isE164('15551234567'));
    assert.ok(!isE164('+05551234567'));
    assert.ok(!isE164('+1234567890123456'));
    assert.ok(isRecipient('someone@icloud.com'));
    assert.ok(!isRecipient('someone@'));
    assert.ok(!isRecipient(42));
  });

  test('signWebhook is HMAC-SHA256 hex over "t.body"', () => {
    const expected = crypto.createHmac('sha256', 'whsec_x').update('1700000000.{"a":1}').digest('hex');
    assert.equal(signWebhook('{"a":1}', 'whsec_x', 1700000000), `t=1700000000,v1=${expected}`);
  });
});

describe('POST /send/imessage', () => {
  test('stores the message and answers the envelope with message_id', async () => {
    const res = await send({ to: PERSON, message: 'Hello!' });
    const data = assertSuccess(res);
    assert.match(data.message_id, /^imsg_[A-Za-z0-9]+$/);
    const [stored] = sb.messages();
    assert.equal(stored.id, data.message_id);
    assert.equal(stored.direction, 'outgoing');
    assert.equal(stored.to, PERSON);
    assert.equal(stored.from, LEASED, 'from defaults to the first leased number');
    assert.equal(stored.message, 'Hello!');
    assert.equal(stored.status, 'delivered');
    assert.equal(stored.read, null);
    assert.ok(stored.tracking.length >= 2);
    assert.ok(stored.tracking.some((e) => e.event === 'imessage.delivery.confirmed' && e.title === 'Message Delivered'));
    for (const e of stored.tracking) assert.equal(new Date(e.timestamp).toISOString(), e.timestamp);
  });

  test('records the request raw', async () => {
    await send({ to: PERSON, message: 'Hi' });
    const [r] = sb.requests();
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/send/imessage');
    assert.equal(r.query, '');
    assert.equal(r.headers.authorization, `Token ${KEY}`);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body, '{"to":"+15551234567","message":"Hi"}');
    assert.deepEqual(r.json, { to: PERSON, message: 'Hi' });
    assert.equal(r.status, 200);
  });

  test('accepts every documented field, nulls as absent, email recipients, Bearer auth', async () => {
    assertSuccess(await send({
      to: PERSON, message: 'All fields', from: '+15559998888',
      attachments: ['https://example.com/a.png'],
      fallback: { when: ['imessage_unsupported', 'imessage_fails'], from: '+15557776666' },
      fast_track: true,
    }));
    assertSuccess(await send({ to: PERSON, attachments: ['https://example.com/only.jpg'] }));
    assertSuccess(await send({ to: PERSON, message: '', attachments: ['https://example.com/b.jpg'] }));
    assertSuccess(await send({ to: PERSON, message: 'nulls', from: null, attachments: null, fallback: null, fast_track: null }));
    assertSuccess(await send({ to: 'friend@icloud.com', message: 'to an email' }, { auth: `Bearer ${KEY}` }));
    const [all, attachmentsOnly, , nulls, email] = sb.messages();
    assert.equal(all.from, '+15559998888');
    assert.deepEqual(all.attachments, ['https://example.com/a.png']);
    assert.deepEqual(all.fallback, { when: ['imessage_unsupported', 'imessage_fails'], from: '+15557776666' });
    assert.equal(all.fast_track, true);
    assert.equal(attachmentsOnly.message, '');
    assert.equal(nulls.from, LEASED);
    assert.equal(email.to, 'friend@icloud.com');
  });

  const invalid = [
    ['missing to', { message: 'x' }, /to: required/],
    ['to not E.164', { to: '5551234567', message: 'x' }, /to: must be an E\.164/],
    ['to a number', { to: 15551234567, message: 'x' }, /to: must be/],
    ['from not E.164', { to: PERSON, message: 'x', from: 'me' }, /from: must be an E\.164/],
    ['message missing', { to: PERSON }, /message: required unless attachments/],
    ['message empty', { to: PERSON, message: '' }, /message: must not be empty/],
    ['message not a string', { to: PERSON, message: 42 }, /message: must be a string/],
    ['attachments empty and no message', { to: PERSON, attachments: [] }, /message: required/],
    ['attachments not an array', { to: PERSON, message: 'x', attachments: 'https://a.com/x.png' }, /attachments: must be an array/],
    ['11 attachments', { to: PERSON, message: 'x', attachments: Array(11).fill('https://a.com/x.png') }, /at most 10/],
    ['http attachment', { to: PERSON, message: 'x', attachments: ['http://a.com/x.png'] }, /attachments\[0\]: must be an absolute https/],
    ['relative attachment', { to: PERSON, message: 'x', attachments: ['/x.png'] }, /attachments\[0\]/],
    ['fallback not an object', { to: PERSON, message: 'x', fallback: ['imessage_fails'] }, /fallback: must be an object/],
    ['fallback.when empty', { to: PERSON, message: 'x', fallback: { when: [] } }, /fallback\.when: must be a non-empty array/],
    ['fallback.when missing', { to: PERSON, message: 'x', fallback: { from: LEASED } }, /fallback\.when/],
    ['fallback.when bad value', { to: PERSON, message: 'x', fallback: { when: ['always'] } }, /fallback\.when\[0\]: must be one of/],
    ['fallback.when duplicate', { to: PERSON, message: 'x', fallback: { when: ['imessage_fails', 'imessage_fails'] } }, /fallback\.when\[1\]: duplicate/],
    ['fallback.from invalid', { to: PERSON, message: 'x', fallback: { when: ['imessage_fails'], from: '555' } }, /fallback\.from/],
    ['fallback unknown key', { to: PERSON, message: 'x', fallback: { when: ['imessage_fails'], fromm: LEASED } }, /fallback: unrecognized key\(s\) "fromm"/],
    ['fast_track not boolean', { to: PERSON, message: 'x', fast_track: 'yes' }, /fast_track: must be a boolean/],
    ['unknown key (camelCase typo)', { to: PERSON, message: 'x', fastTrack: true }, /unrecognized key\(s\) "fastTrack"/],
  ];
  for (const [name, body, fragment] of invalid) {
    test(`400: ${name}`, async () => {
      assertError(await send(body), 400, fragment);
      assert.equal(sb.messages().length, 0, 'a refused request stores nothing');
      assert.equal(sb.requests()[0].status, 400);
    });
  }

  test('reports every problem at once', async () => {
    const data = assertError(await send({ to: 'bad', from: 'bad', fast_track: 1, extra: 1 }), 400);
    for (const fragment of ['to:', 'from:', 'message:', 'fast_track:', '"extra"']) assert.ok(data.error.includes(fragment), fragment);
  });

  test('fast_track without the entitlement is 403 with agreement_url', async (t) => {
    sb.setConfig({ fastTrack: false });
    t.after(() => sb.setConfig({ fastTrack: true }));
    const data = assertError(await send({ to: PERSON, message: 'x', fast_track: true }), 403);
    assert.equal(data.agreement_url, 'https://contiguity.com/agreements/fast-track');
    assert.equal(sb.messages().length, 0);
    assertSuccess(await send({ to: PERSON, message: 'x', fast_track: false }));
  });
});

describe('request framing, routing and auth', () => {
  test('401 without Authorization, with a wrong key or a wrong scheme; the key is never echoed', async () => {
    assertError(await send({ to: PERSON, message: 'x' }, { auth: null }), 401, /Unauthorized/);
    const wrong = await send({ to: PERSON, message: 'x' }, { auth: 'Token contiguity_sk_wrong_key' });
    assertError(wrong, 401, /invalid API key/);
    assert.ok(!wrong.text.includes('contiguity_sk_wrong_key'));
    assertError(await send({ to: PERSON, message: 'x' }, { auth: `Basic ${KEY}` }), 401);
    assertError(await api('GET', '/conversations/availability/imessage/%2B15551234567', undefined, { auth: null }), 401);
    assert.equal(sb.messages().length, 0);
    assert.deepEqual(sb.requests().map((r) => r.status), [401, 401, 401, 401]);
  });

  test('setConfig({ apiKeys }) changes the accepted keys', async (t) => {
    sb.setConfig({ apiKeys: ['contiguity_sk_other'] });
    t.after(() => sb.setConfig({ apiKeys: [KEY] }));
    assertError(await send({ to: PERSON, message: 'x' }), 401);
    assertSuccess(await send({ to: PERSON, message: 'x' }, { auth: 'Token contiguity_sk_other' }));
  });

  test('404 for unknown paths, 405 with Allow for a wrong method', async () => {
    assertError(await api('POST', '/send/imessages', { to: PERSON }), 404, /Not Found/);
    assertError(await api('POST', '/send/imessage/', { to: PERSON }), 404);
    assertError(await api('GET', '/conversations/history/imessage/%2B15551234567/%2B15550001111'), 404);
    const res = await api('GET', '/send/imessage');
    assertError(res, 405, /Method Not Allowed/);
    assert.equal(res.headers.get('allow'), 'POST');
    assertError(await api('DELETE', '/conversations/history/message/imsg_x'), 405);
  });

  test('400 for bodies that are not a JSON object or not sent as application/json', async () => {
    assertError(await send('{"to":'), 400, /JSON object/);
    assertError(await send('[1,2]'), 400, /JSON object/);
    assertError(await send('null'), 400, /JSON object/);
    assertError(await api('POST', '/send/imessage'), 400);
    assertError(await send(JSON.stringify({ to: PERSON, message: 'x' }), { headers: { 'content-type': 'text/plain' } }), 400, /Content-Type/);
    assertSuccess(await send({ to: PERSON, message: 'x' }, { headers: { 'content-type': 'application/json; charset=utf-8' } }));
    const [bad] = sb.requests();
    assert.equal(bad.body, '{"to":');
    assert.equal(bad.json, null);
  });

  test('unknown query parameters are refused', async () => {
    assertError(await api('POST', '/send/imessage?debug=1', { to: PERSON, message: 'x' }), 400, /unknown query parameter\(s\) debug/);
    assertError(await api('GET', `${historyPath(PERSON, LEASED)}?track=true`), 400, /track/);
  });

  test('413 for an oversized body', async () => {
    assertError(await send({ to: PERSON, message: 'x'.repeat(1024 * 1024 + 10) }), 413);
    assert.equal(sb.messages().length, 0);
  });
});

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

describe('faults', () => {
  test('a status fault answers the error envelope and does not act', async () => {
    sb.inject({ path: '/send/imessage', status: 503 });
    assertError(await send({ to: PERSON, message: 'x' }), 503, /Service Unavailable/);
    assert.equal(sb.messages().length, 0);
    assert.equal(sb.requests()[0].status, 503);
    assertSuccess(await send({ to: PERSON, message: 'x' }));
    assert.equal(sb.messages().length, 1, 'the fault was used up');
  });

  test('429 with retry-after header', async () => {
    sb.inject({ status: 429, headers: { 'retry-after': '1' } });
    const res = await send({ to: PERSON, message: 'x' });
    assertError(res, 429);
    assert.equal(res.headers.get('retry-after'), '1');
  });

  test('raw body (an HTML 502 page) and custom json', async () => {
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    sb.inject([
      { status: 502, body: html, headers: { 'content-type': 'text/html' } },
      { json: { unexpected: true } },
      { body: 'garbage' },
    ]);
    const page = await send({ to: PERSON, message: 'x' });
    assert.equal(page.status, 502);
    assert.equal(page.text, html);
    assert.equal(page.headers.get('content-type'), 'text/html');
    const json = await api('GET', '/conversations/availability/imessage/%2B15551234567');
    assert.equal(json.status, 200);
    assert.deepEqual(json.json, { unexpected: true });
    const garbage = await api('GET', '/conversations/history/message/x');
    assert.equal(garbage.status, 200);
    assert.equal(garbage.text, 'garbage');
    assert.equal(sb.messages().length, 0);
  });

  test('delayMs alone delays, then acts normally', async () => {
    sb.inject({ delayMs: 150 });
    const started = Date.now();
    assertSuccess(await send({ to: PERSON, message: 'slow' }));
    assert.ok(Date.now() - started >= 140);
    assert.equal(sb.messages().length, 1);
  });

  test('delayMs with a status answers the fault late', async () => {
    sb.inject({ delayMs: 100, status: 504 });
    const started = Date.now();
    assertError(await send({ to: PERSON, message: 'x' }), 504);
    assert.ok(Date.now() - started >= 90);
    assert.equal(sb.messages().length, 0);
  });

  // Gives up on a request once the sandbox has read its body (not after a
  // fixed time, which a loaded machine could beat).
  async function sendThenGiveUp(body) {
    const giveUp = new AbortController();
    const sent = send(body, { signal: giveUp.signal });
    await waitFor(() => sb.requests()[0]?.json);
    giveUp.abort();
    await assert.rejects(sent, { name: 'AbortError' });
  }

  test('a slow answer still stores when the client gives up', async () => {
    sb.inject({ delayMs: 200 });
    await sendThenGiveUp({ to: PERSON, message: 'gave up' });
    await waitFor(() => sb.messages().length === 1);
  });

  test('hang: never answers; recorded with status 0', async () => {
    sb.inject({ hang: true });
    await sendThenGiveUp({ to: PERSON, message: 'x' });
    const [r] = sb.requests();
    assert.equal(r.status, 0);
    assert.equal(r.json.message, 'x', 'the body was read');
    assert.equal(sb.messages().length, 0);
  });

  test('drop: the socket is destroyed after the request is read', async () => {
    sb.inject({ drop: true });
    await assert.rejects(send({ to: PERSON, message: 'x' }), TypeError);
    const [r] = sb.requests();
    assert.equal(r.status, 0);
    assert.equal(r.json.message, 'x');
    assert.equal(sb.messages().length, 0);
  });

  test('dropBeforeRead: the socket is destroyed before the body is read', async () => {
    sb.inject({ dropBeforeRead: true });
    await assert.rejects(send({ to: PERSON, message: 'x' }), TypeError);
    const [r] = sb.requests();
    assert.equal(r.status, 0);
    assert.equal(r.body, '');
    assert.equal(sb.messages().length, 0);
  });

  test('matching by method and path (exact or prefix*), times, order', async () => {
    sb.inject([
      { method: 'get', path: '/conversations/*', status: 500, times: 2 },
      { path: '/send/imessage/typing', status: 502 },
      { path: '/send/imessage', status: 503 },
    ]);
    assertError(await api('POST', '/send/imessage/typing', { to: PERSON, action: 'start' }), 502);
    assertError(await api('GET', '/conversations/availability/imessage/%2B15551234567'), 500);
    assertError(await send({ to: PERSON, message: 'x' }), 503);
    assertError(await api('GET', historyPath(PERSON, LEASED)), 500);
    assertSuccess(await api('GET', historyPath(PERSON, LEASED)));
    assertSuccess(await send({ to: PERSON, message: 'x' }));
    assert.deepEqual(sb.requests().map((r) => r.status), [502, 500, 503, 500, 200, 200]);
  });

  test('malformed faults are refused; reset() clears queued faults', async () => {
    assert.throws(() => sb.inject({ delay: 100 }), /unknown key\(s\) delay/);
    assert.throws(() => sb.inject({ status: 99 }), TypeError);
    assert.throws(() => sb.inject({ hang: true, status: 500 }), TypeError);
    assert.throws(() => sb.inject({ body: 'x', json: {} }), TypeError);
    assert.throws(() => sb.inject({ times: 0 }), TypeError);
    assert.throws(() => sb.inject('503'), TypeError);
    sb.inject({ status: 500 });
    sb.reset();
    assertSuccess(await send({ to: PERSON, message: 'x' }));
  });

  test('close() returns promptly with a hung request open', async () => {
    const own = await startSandbox();
    own.inject({ hang: true });
    const pending = api('POST', '/send/imessage', { to: PERSON, message: 'x' }, { base: own.url });
    await waitFor(() => own.requests().length === 1);
    // Closing must not wait for the hung request (generous bound: a fail,
    // not a timing figure).
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('close() waited for the hung request')), 5000);
    });
    await Promise.race([own.close(), late]).finally(() => clearTimeout(timer));
    await assert.rejects(pending, TypeError);
  });
});

describe('simulateIncoming', () => {
  test('delivers a correctly signed imessage.incoming webhook and stores the message', async (t) => {
    const receiver = await startReceiver(200, 'thanks');
    t.after(() => receiver.close());
    const result = await sb.simulateIncoming({
      url: receiver.url,
      from: PERSON,
      body: 'Hello from iMessage ✓',
      attachments: ['https://example.com/media/photo%201.JPG', { url: 'https://example.com/v', mime: 'video/mp4', filename: 'clip.mp4' }],
    });
    assert.deepEqual(result.delivery, { status: 200, body: 'thanks' });
    const [hit] = receiver.received;
    assert.equal(hit.method, 'POST');
    assert.equal(hit.url, '/hooks/contiguity');
    assert.equal(hit.headers['content-type'], 'application/json');
    assert.equal(hit.raw, result.rawBody, 'the raw body is delivered byte for byte');
    assert.equal(hit.headers['contiguity-signature'], result.signature);

    const { t: signedAt, valid } = verifySignature(hit.headers['contiguity-signature'], hit.raw, 'whsec_sandbox_secret');
    assert.ok(valid, 'signature verifies with the configured secret');
    assert.ok(Math.abs(signedAt - Date.now() / 1000) < 60, 'signed in unix seconds');
    assert.ok(!verifySignature(hit.headers['contiguity-signature'], hit.raw, 'whsec_other').valid);

    const event = JSON.parse(hit.raw);
    assert.match(event.id, /^evt_[A-Za-z0-9]+$/);
    assert.equal(event.type, 'imessage.incoming');
    assert.equal(event.timestamp, signedAt);
    assert.equal(event.api_version, 'v2026.8.2');
    assert.deepEqual(event.data, {
      from: PERSON, to: LEASED, body: 'Hello from iMessage ✓', timestamp: signedAt,
      attachments: [
        { url: 'https://example.com/media/photo%201.JPG', mime: 'image/jpeg', filename: 'photo 1.JPG' },
        { url: 'https://example.com/v', mime: 'video/mp4', filename: 'clip.mp4' },
      ],
    });
    assert.deepEqual(result.event, event);

    const [stored] = sb.messages();
    assert.deepEqual([stored.direction, stored.from, stored.to, stored.message, stored.read], ['incoming', PERSON, LEASED, 'Hello from iMessage ✓', null]);
    assert.equal(sb.requests().length, 0, 'webhooks are not API requests');
  });

  test('secret and timestamp overrides; the receiver\'s status is reported', async (t) => {
    const receiver = await startReceiver(401, 'bad signature');
    t.after(() => receiver.close());
    const result = await sb.simulateIncoming({ url: receiver.url, from: 'pal@icloud.com', to: '+15559998888', body: 'x', secret: 'whsec_custom', timestamp: 1700000000 });
    assert.deepEqual(result.delivery, { status: 401, body: 'bad signature' });
    const { t: signedAt, valid } = verifySignature(receiver.received[0].headers['contiguity-signature'], receiver.received[0].raw, 'whsec_custom');
    assert.ok(valid);
    assert.equal(signedAt, 1700000000);
    assert.equal(sb.messages()[0].timestamp, 1700000000 * 1000);
  });

  test('without url: returns event, rawBody and signature, and stores', async () => {
    const result = await sb.simulateIncoming({ from: PERSON, body: 'no delivery' });
    assert.equal(result.delivery, undefined);
    assert.equal(result.rawBody, JSON.stringify(result.event));
    assert.ok(verifySignature(result.signature, result.rawBody, 'whsec_sandbox_secret').valid);
    assert.equal(sb.messages().length, 1);
  });

  test('bad input is a TypeError; an unreachable url rejects', async (t) => {
    await assert.rejects(sb.simulateIncoming({ body: 'x' }), TypeError);
    await assert.rejects(sb.simulateIncoming({ from: PERSON, to: 'me', body: 'x' }), TypeError);
    await assert.rejects(sb.simulateIncoming({ from: PERSON, body: 1 }), TypeError);
    await assert.rejects(sb.simulateIncoming({ from: PERSON, attachments: ['not a url'] }), TypeError);
    await assert.rejects(sb.simulateIncoming({ from: PERSON, url: 'ftp://x' }), TypeError);
    const receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    t.diagnostic(`closed receiver at ${url}`);
    await assert.rejects(sb.simulateIncoming({ from: PERSON, url }), /webhook delivery failed/);
  });
});

describe('control endpoints', () => {
  const control = (method, path, body) => api(method, `/__sandbox/${path}`, body, { auth: null });

  test('drive the sandbox over HTTP, without being recorded', async (t) => {
    t.after(() => sb.setConfig({ fastTrack: true }));
    assert.deepEqual((await control('POST', 'config', { fastTrack: false })).json, { ok: true });
    assertError(await send({ to: PERSON, message: 'x', fast_track: true }), 403);

    assert.deepEqual((await control('POST', 'faults', [{ status: 503 }, { status: 502 }])).json, { queued: 2 });
    assertError(await send({ to: PERSON, message: 'x' }), 503);
    assertError(await send({ to: PERSON, message: 'x' }), 502);

    assertSuccess(await api('POST', '/send/imessage/typing', { to: PERSON, action: 'start' }));
    assertSuccess(await send({ to: PERSON, message: 'stored' }));
    const requests = (await control('GET', 'requests')).json;
    assert.deepEqual(requests.map((r) => r.status), [403, 503, 502, 200, 200]);
    assert.equal(requests[4].json.message, 'stored');
    assert.deepEqual((await control('GET', 'messages')).json.map((m) => m.message), ['stored']);
    assert.equal((await control('GET', 'typing')).json[0].status, 'started');

    const receiver = await startReceiver();
    t.after(() => receiver.close());
    const incoming = (await control('POST', 'incoming', { url: receiver.url, from: PERSON, body: 'over http' })).json;
    assert.equal(incoming.event.type, 'imessage.incoming');
    assert.deepEqual(incoming.delivery, { status: 200, body: 'ok' });
    assert.ok(verifySignature(receiver.received[0].headers['contiguity-signature'], receiver.received[0].raw, 'whsec_sandbox_secret').valid);

    assert.deepEqual((await control('POST', 'reset')).json, { ok: true });
    assert.deepEqual((await control('GET', 'requests')).json, []);
    assert.deepEqual((await control('GET', 'messages')).json, []);
  });

  test('config can swap the webhook secret and the unavailable list', async (t) => {
    t.after(() => sb.setConfig({ webhookSecret: 'whsec_sandbox_secret', unavailable: [] }));
    await control('POST', 'config', { webhookSecret: 'whsec_rotated', unavailable: [PERSON] });
    const { signature, rawBody } = (await control('POST', 'incoming', { from: PERSON, body: 'x' })).json;
    assert.ok(verifySignature(signature, rawBody, 'whsec_rotated').valid);
    assert.deepEqual(assertSuccess(await api('GET', `/conversations/availability/imessage/${enc(PERSON)}`)), { available: false });
  });

  test('errors: bad input 400, unknown 404, wrong method 405, webhook failure 502', async () => {
    assert.equal((await control('POST', 'faults', { delay: 1 })).status, 400);
    assert.equal((await control('POST', 'config', { fast_track: false })).status, 400);
    assert.equal((await control('POST', 'config', '{oops')).status, 400);
    assert.equal((await control('POST', 'incoming', { body: 'no from' })).status, 400);
    assert.equal((await control('GET', 'nothing')).status, 404);
    assert.equal((await control('POST', 'requests')).status, 405);
    const receiver = await startReceiver();
    await receiver.close(); // nothing listens there any more
    const failed = await control('POST', 'incoming', { url: receiver.url, from: PERSON });
    assert.equal(failed.status, 502);
    assert.match(failed.json.error, /webhook delivery failed/);
  });
});

describe('options and lifecycle', () => {
  test('startSandbox refuses bad options without echoing secrets', async () => {
    await assert.rejects(startSandbox({ apiKey: 'contiguity_sk_secret_value' }), (error) =>
      error instanceof TypeError && /apiKey/.test(error.message) && !error.message.includes('secret_value'));
    await assert.rejects(startSandbox({ apiKeys: 'contiguity_sk_secret_value' }), (error) =>
      error instanceof TypeError && !error.message.includes('secret_value'));
    await assert.rejects(startSandbox({ leasedNumbers: ['5550001111'] }), TypeError);
    await assert.rejects(startSandbox({ fastTrack: 'no' }), TypeError);
  });

  test('custom options: keys, leased numbers, api version; log never prints secrets', async (t) => {
    const lines = [];
    const original = console.error;
    console.error = (...args) => lines.push(args.join(' '));
    t.after(() => { console.error = original; });
    const own = await startSandbox({ apiKeys: ['contiguity_sk_custom'], leasedNumbers: ['+15553332222'], apiVersion: 'v2099.1.1', log: true });
    try {
      const res = await send({ to: PERSON, message: 'secret text' }, { base: own.url, auth: 'Token contiguity_sk_custom' });
      assert.equal(res.json.api_version, 'v2099.1.1');
      assert.equal(own.messages()[0].from, '+15553332222');
      await own.simulateIncoming({ from: PERSON, body: 'x' });
    } finally {
      await own.close();
    }
    assert.ok(lines.some((line) => line.includes('POST /send/imessage -> 200')));
    const output = lines.join('\n');
    for (const secret of ['contiguity_sk_custom', 'whsec_sandbox_secret', 'secret text']) assert.ok(!output.includes(secret), secret);
  });

  test('requests() and messages() return copies', async () => {
    await send({ to: PERSON, message: 'x' });
    sb.requests()[0].status = 999;
    sb.messages()[0].message = 'changed';
    assert.equal(sb.requests()[0].status, 200);
    assert.equal(sb.messages()[0].message, 'x');
  });

  test('close() is idempotent and frees the port', async () => {
    const own = await startSandbox();
    await send({ to: PERSON, message: 'x' }, { base: own.url }); // leaves a keep-alive socket
    await Promise.all([own.close(), own.close()]);
    await assert.rejects(fetch(`${own.url}/__sandbox/requests`), TypeError);
  });
});

describe('cli.js', () => {
  /** Starts the CLI; resolves with the child and its parsed first stdout line. */
  async function startCli(args = []) {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => { stderr += c; });
    const line = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no JSON line in time; stderr: ${stderr}`)), 10_000);
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('\n')) { clearTimeout(timer); resolve(stdout.slice(0, stdout.indexOf('\n'))); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${stderr}`)); });
    });
    return { child, info: JSON.parse(line), output: () => ({ stdout, stderr }) };
  }

  async function stop(child, signal) {
    if (child.exitCode !== null || child.signalCode !== null) return [child.exitCode, child.signalCode];
    const exited = once(child, 'exit');
    process.kill(child.pid, signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  }

  for (const signal of ['SIGTERM', 'SIGINT']) {
    test(`prints one JSON line, serves, and exits cleanly on ${signal}`, async () => {
      const { child, info, output } = await startCli(['--api-key', 'contiguity_sk_cli_one', '--api-key', 'contiguity_sk_cli_two', '--webhook-secret', 'whsec_cli', '--no-fast-track']);
      try {
        assert.equal(info.pid, child.pid);
        assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        const ok = await send({ to: PERSON, message: 'via cli' }, { base: info.url, auth: 'Token contiguity_sk_cli_two' });
        assertSuccess(ok);
        assertError(await send({ to: PERSON, message: 'x' }, { base: info.url }), 401);
        assertError(await send({ to: PERSON, message: 'x', fast_track: true }, { base: info.url, auth: 'Token contiguity_sk_cli_one' }), 403);
        const { signature, rawBody } = (await api('POST', '/__sandbox/incoming', { from: PERSON }, { base: info.url, auth: null })).json;
        assert.ok(verifySignature(signature, rawBody, 'whsec_cli').valid);
      } finally {
        const [code, sig] = await stop(child, signal);
        assert.equal(code, 0);
        assert.equal(sig, null);
      }
      const { stdout, stderr } = output();
      assert.equal(stdout.split('\n').filter(Boolean).length, 1, 'exactly one stdout line');
      for (const secret of ['contiguity_sk_cli', 'whsec_cli']) assert.ok(!`${stdout}${stderr}`.includes(secret));
    });
  }

  test('bad arguments exit 2 without echoing values', async () => {
    // Bounded: a CLI that served instead of refusing is killed, and fails.
    const { code, stdout, stderr } = await run(process.execPath, [CLI, '--api-keyy=contiguity_sk_leak'], {
      timeoutMs: 10_000,
    });
    assert.equal(code, 2);
    assert.ok(!`${stdout}${stderr}`.includes('contiguity_sk_leak'));
  });
});

/** Polls `check` until it is true, failing after `ms`. */
async function waitFor(check, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
