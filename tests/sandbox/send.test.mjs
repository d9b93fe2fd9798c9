// POST /send/imessage: what is stored, what is recorded, every validation rule.
// Over real loopback HTTP with plain fetch.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSandbox, send, assertSuccess, assertError, PERSON, LEASED, KEY,
} from './support.mjs';

const sb = useSandbox();

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
