// Request framing, routing and auth: what the API refuses before any handler runs.
// Over real loopback HTTP with plain fetch.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSandbox, api, send, assertSuccess, assertError, historyPath, PERSON, LEASED, KEY,
} from './support.mjs';

const sb = useSandbox();

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
