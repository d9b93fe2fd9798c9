// Faults: queued error statuses, raw bodies, delays, hangs and drops.
// Over real loopback HTTP with plain fetch.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../pkg-template/sandbox/index.js';
import {
  useSandbox, api, send, assertSuccess, assertError, historyPath, waitFor, PERSON, LEASED,
} from './support.mjs';

const sb = useSandbox();

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
