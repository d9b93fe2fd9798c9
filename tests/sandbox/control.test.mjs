// The control endpoints under /__sandbox/, the guard in front of them and
// the page, and the page's live feed. Over real loopback HTTP.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startSandbox, LIMITS } from '../../pkg-template/sandbox/index.js';
import {
  useSandbox, api, send, control, assertSuccess, assertError, startReceiver, verifySignature, enc, KEY, PERSON, SECRET,
} from './support.mjs';

const sb = useSandbox();

describe('control endpoints', () => {
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

    assert.deepEqual((await control('POST', 'reset', {})).json, { ok: true });
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
    assert.equal((await control('POST', 'requests', {})).status, 405);
    const receiver = await startReceiver();
    await receiver.close(); // nothing listens there any more
    const failed = await control('POST', 'incoming', { url: receiver.url, from: PERSON });
    assert.equal(failed.status, 502);
    assert.match(failed.json.error, /webhook delivery failed/);
  });
});

/** A request with a Host header of our choosing (fetch will not send one), on a fresh connection. */
function rawRequest(url, { method = 'GET', headers = {}, body = '' } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the guard: no cross-origin writes, no foreign Host', () => {
  const webhookUrl = async () => (await control('GET', 'state')).json.config.webhookUrl;
  const attack = { webhookUrl: 'http://attacker.example/collect' };

  test('a foreign Origin is refused with 403, for writes and reads; the config is unchanged', async () => {
    const origin = 'http://attacker.example';
    const write = await control('POST', 'config', attack, { headers: { origin } });
    assert.equal(write.status, 403);
    assert.match(write.json.error, /cross-origin/);
    assert.equal(await webhookUrl(), null);
    assert.equal((await control('POST', 'reset', {}, { headers: { origin: 'null' } })).status, 403, 'an opaque origin too');
    assert.equal((await control('GET', 'requests', undefined, { headers: { origin } })).status, 403);
    // Another port of the same host is another origin.
    const port = Number(new URL(sb.url).port);
    assert.equal((await control('POST', 'config', attack, { headers: { origin: `http://127.0.0.1:${port + 1}` } })).status, 403);
    assert.equal(await webhookUrl(), null);
  });

  test('the sandbox\'s own origin may write', async (t) => {
    t.after(() => sb.setConfig({ webhookUrl: null }));
    const res = await control('POST', 'config', { webhookUrl: 'http://127.0.0.1:8788/webhook' }, { headers: { origin: sb.url } });
    assert.equal(res.status, 200, res.text);
    assert.equal(await webhookUrl(), 'http://127.0.0.1:8788/webhook');
  });

  test('a write that is not application/json is refused with 415, whatever its body', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await control('POST', 'config', JSON.stringify(attack), { headers: { 'content-type': type } });
      assert.equal(res.status, 415, type);
    }
    const bare = await rawRequest(`${sb.url}/__sandbox/reset`, { method: 'POST' });
    assert.equal(bare.status, 415, 'no Content-Type at all');
    assert.equal(await webhookUrl(), null);
  });

  test('a cross-site fetch (Sec-Fetch-Site) is refused, also for reads', async () => {
    for (const site of ['cross-site', 'same-site']) {
      assert.equal((await control('GET', 'messages', undefined, { headers: { 'sec-fetch-site': site } })).status, 403, site);
    }
    assert.equal((await control('GET', 'messages', undefined, { headers: { 'sec-fetch-site': 'same-origin' } })).status, 200);
  });

  test('a Host header that does not name the sandbox is refused (DNS rebinding)', async () => {
    const { port } = new URL(sb.url);
    const foreign = await rawRequest(`${sb.url}/__sandbox/requests`, { headers: { host: `attacker.example:${port}` } });
    assert.equal(foreign.status, 403);
    assert.match(foreign.text, /Host header/);
    assert.equal((await rawRequest(`${sb.url}/`, { headers: { host: `attacker.example:${port}` } })).status, 403, 'the page too');
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      assert.equal((await rawRequest(`${sb.url}/__sandbox/requests`, { headers: { host } })).status, 200, host);
    }
  });

  test('bound to every interface, any Host is served, but a foreign Origin is still refused', async () => {
    const own = await startSandbox({ host: '0.0.0.0' });
    try {
      const { port } = new URL(own.url);
      const lan = await rawRequest(`${own.url}/__sandbox/requests`, { headers: { host: `192.168.1.20:${port}` } });
      assert.equal(lan.status, 200);
      const write = await rawRequest(`${own.url}/__sandbox/config`, {
        method: 'POST',
        headers: { host: `192.168.1.20:${port}`, origin: 'http://attacker.example', 'content-type': 'application/json' },
        body: JSON.stringify(attack),
      });
      assert.equal(write.status, 403);
    } finally {
      await own.close();
    }
  });

  test('the API itself is not behind the guard: it needs its key instead', async () => {
    assertSuccess(await send({ to: PERSON, message: 'x' }, { headers: { origin: 'http://attacker.example' } }));
  });
});

describe('the inspector page and its live feed', () => {
  test('the page, its script and style, and the sample photo are served, not recorded', async () => {
    const page = await api('GET', '/', undefined, { auth: null });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.match(page.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.match(page.text, /<script type="module" src="\/__sandbox\/inspector\/app\.js">/);
    for (const [path, type] of [
      ['/__sandbox/inspector/app.js', /^text\/javascript/],
      ['/__sandbox/inspector/style.css', /^text\/css/],
      ['/__sandbox/media/plant.svg', /^image\/svg\+xml/],
    ]) {
      const res = await api('GET', path, undefined, { auth: null });
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type'), type, path);
    }
    // Opened from a link on another site, or the photo shown by another page: allowed.
    for (const path of ['/', '/__sandbox/media/plant.svg']) {
      assert.equal((await api('GET', path, undefined, { auth: null, headers: { 'sec-fetch-site': 'cross-site' } })).status, 200, path);
    }
    assert.equal(sb.requests().length, 0);
    // Only GET / is the page; anything else at / is an API request, as before.
    assertError(await api('POST', '/', {}), 404);
  });

  test('the event stream opens with a snapshot, then reports each change; never a key or a secret', async (t) => {
    const abort = new AbortController();
    t.after(() => abort.abort());
    const res = await fetch(`${sb.url}/__sandbox/events`, { signal: abort.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const until = async (pattern) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        text += value;
      }
    };
    await until(/event: snapshot\ndata: .*\n\n/);
    const snapshot = JSON.parse(/event: snapshot\ndata: (.*)\n/.exec(text)[1]);
    assert.deepEqual(Object.keys(snapshot).sort(), ['config', 'deliveries', 'faults', 'limits', 'messages', 'reactions', 'requests', 'typing']);
    assert.deepEqual(snapshot.config.leasedNumbers, ['+15550001111']);

    sb.inject({ status: 429, headers: { 'retry-after': '1' } });
    await until(/event: faults\n/);
    assertError(await send({ to: PERSON, message: 'first' }), 429);
    assertSuccess(await send({ to: PERSON, message: 'hello live' }));
    await sb.simulateIncoming({ from: PERSON, body: 'typed in a test' });
    await until(/"message":"typed in a test"/);
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map(([, kind, data]) => ({ kind, data: JSON.parse(data) }));
    const requests = events.filter((e) => e.kind === 'request').map((e) => e.data);
    const faulted = requests.findLast((r) => r.status === 429);
    assert.equal(faulted.fault, '429');
    assert.ok(requests.some((r) => r.status === 200 && r.body.includes('hello live')));
    assert.ok(events.some((e) => e.kind === 'message' && e.data.message === 'hello live'));
    for (const secret of [KEY, SECRET]) assert.ok(!text.includes(secret), 'no key or secret in the stream');
    assert.ok(!/authorization/i.test(text), 'no headers in the stream');
  });

  test(`at most ${LIMITS.eventStreams} pages at once; the next is told so`, async (t) => {
    const abort = new AbortController();
    t.after(() => abort.abort());
    const open = [];
    for (let i = 0; i < LIMITS.eventStreams; i += 1) open.push(await fetch(`${sb.url}/__sandbox/events`, { signal: abort.signal }));
    assert.ok(open.every((res) => res.status === 200));
    const refused = await fetch(`${sb.url}/__sandbox/events`, { signal: abort.signal });
    assert.equal(refused.status, 503);
  });

  test('GET /__sandbox/state holds no key and no secret', async () => {
    await send({ to: PERSON, message: 'x' });
    const { text } = await control('GET', 'state');
    for (const secret of [KEY, SECRET]) assert.ok(!text.includes(secret));
  });
});
