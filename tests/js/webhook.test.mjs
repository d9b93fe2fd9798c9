// Webhooks (docs/reference.md#webhooks): signature verification and
// event parsing inside wasm, checked against Node's own crypto, every false
// case, every verify form, secret rotation, and the full signed loop with the
// sandbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import { Contiguity, ValidationError, parseWebhookPayload, verifyWebhookRequest, verifyWebhookSignature } from 'contiguity-imessage';
import { startSandboxProcess, API_KEY, WEBHOOK_SECRET, LEASED } from './support/sandbox.mjs';

// The service's own example deliveries, one for each event type whose `data`
// parse checks (docs/reference.md#event-types).
const EVENTS = JSON.parse(readFileSync(new URL('./fixtures/webhook-events.json', import.meta.url), 'utf8'));
const SECRET = 'whsec_9974ab26f9cfa06e_test';
const BODY = JSON.stringify(EVENTS['imessage.incoming']);
const now = () => Math.floor(Date.now() / 1000);

/** The signature header, computed with node:crypto, independently of the package. */
function sign(body, secret = SECRET, t = now()) {
  const hex = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${hex}`;
}

const contiguity = new Contiguity('contiguity_sk_webhook_tests');
const { verify, verifyRequest, parse } = contiguity.webhook;

test('known answers: a signature made with node:crypto verifies, for every body form', () => {
  const header = sign(BODY);
  const bytes = new TextEncoder().encode(BODY);
  for (const body of [BODY, Buffer.from(BODY), bytes, bytes.buffer]) {
    assert.equal(verify(body, header, SECRET), true, body.constructor.name);
    assert.equal(verifyWebhookSignature(body, header, SECRET), true);
  }
  // Non-ASCII bodies are verified as bytes, exactly as received.
  const unicode = JSON.stringify({ ...EVENTS['imessage.incoming'], data: { ...EVENTS['imessage.incoming'].data, body: 'héllo 😀 "q"' } });
  assert.equal(verify(Buffer.from(unicode), sign(Buffer.from(unicode)), SECRET), true);
  // The secret is used as given: whsec_ prefix included, no decoding.
  const rawKeyHeader = sign(BODY, SECRET.slice('whsec_'.length));
  assert.equal(verify(BODY, rawKeyHeader, SECRET), false);
});

test('false, never a throw, for every bad case', () => {
  const t = now();
  const header = sign(BODY, SECRET, t);
  const hex = header.split('v1=')[1];
  const cases = {
    'wrong secret': verify(BODY, header, 'whsec_other'),
    'empty secret': verify(BODY, header, ''),
    'missing secret': verify(BODY, header, undefined),
    'changed body': verify(BODY.replace('Hello', 'Hullo'), header, SECRET),
    're-serialised JSON': verify(JSON.stringify(JSON.parse(BODY), null, 2), header, SECRET),
    'missing header': verify(BODY, undefined, SECRET),
    'empty header': verify(BODY, '', SECRET),
    'garbage header': verify(BODY, 'sha256=abc', SECRET),
    'no timestamp': verify(BODY, `v1=${hex}`, SECRET),
    'no signature': verify(BODY, `t=${t}`, SECRET),
    'short signature': verify(BODY, `t=${t},v1=${hex.slice(2)}`, SECRET),
    'non-hex signature': verify(BODY, `t=${t},v1=${'z'.repeat(64)}`, SECRET),
    'timestamp changed': verify(BODY, `t=${t + 1},v1=${hex}`, SECRET),
    // Margins of a minute: the exact boundary is tested natively, with a fixed clock.
    'too old': verify(BODY, sign(BODY, SECRET, t - 360), SECRET),
    'from the future': verify(BODY, sign(BODY, SECRET, t + 360), SECRET),
    'outside a custom tolerance': verify(BODY, sign(BODY, SECRET, t - 90), SECRET, 30),
    'no body': verify(undefined, header, SECRET),
    'a number as body': verify(42, header, SECRET),
    // What express.json() leaves in req.body: parsed, so not the raw body.
    'a parsed body': verify(JSON.parse(BODY), header, SECRET),
    'a Blob': verify(new Blob([BODY]), header, SECRET),
  };
  for (const [name, result] of Object.entries(cases)) assert.equal(result, false, name);
  assert.equal(verify(BODY, sign(BODY, SECRET, t - 240), SECRET), true, 'within the default 300 s');
  assert.equal(verify(BODY, sign(BODY, SECRET, t - 3000), SECRET, 3600), true, 'within a custom tolerance');
  assert.equal(verify(BODY, `${header},v1=${'0'.repeat(64)}`, SECRET), true, 'one of several v1 (rotation)');
  assert.throws(() => verify(BODY, header, SECRET, '300'), (e) => e instanceof ValidationError && e.issues[0].path[0] === 'toleranceSeconds');
});

test('a body over 16 MiB is false without being read; one of 16 MiB verifies', () => {
  const t = now();
  const limit = 16 * 1024 * 1024;
  const within = Buffer.alloc(limit, 0x61);
  assert.equal(verify(within, sign(within, SECRET, t), SECRET), true);
  const over = Buffer.alloc(limit + 1, 0x61);
  assert.equal(verify(over, sign(over, SECRET, t), SECRET), false);
  assert.equal(verify({ headers: { 'contiguity-signature': sign(over, SECRET, t) }, rawBody: over }, SECRET), false);
});

test('verify(request-like, secret): plain headers in any case, Headers, arrays, body or rawBody', () => {
  const header = sign(BODY);
  assert.equal(verify({ headers: { 'Contiguity-Signature': header }, body: BODY }, SECRET), true);
  assert.equal(verify({ headers: { 'contiguity-signature': [header] }, rawBody: Buffer.from(BODY), body: { parsed: true } }, SECRET), true);
  assert.equal(verify({ headers: new Headers({ 'CONTIGUITY-SIGNATURE': header }), body: new TextEncoder().encode(BODY) }, SECRET), true);
  assert.equal(verify({ headers: { 'contiguity-signature': header }, body: BODY }, SECRET, 10), true);
  assert.equal(verify({ headers: {}, body: BODY }, SECRET), false);
  assert.equal(verify({ headers: { 'contiguity-signature': header }, body: BODY }, 'whsec_wrong'), false);
  assert.equal(verify({ headers: { 'contiguity-signature': header } }, SECRET), false, 'no body at all');
});

test('verify(Request) refuses at once: a Fetch Request goes to verifyRequest, whose Promise a check awaits', async () => {
  const signed = () =>
    new Request('https://example.com/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'contiguity-signature': sign(BODY) },
      body: BODY,
    });
  // A forgotten await can never make a check truthy: the synchronous form
  // never returns a Promise, and says which form to use.
  assert.throws(() => verify(signed(), SECRET), (e) => e instanceof TypeError && /verifyRequest/.test(e.message));
  assert.throws(() => verifyWebhookSignature(signed(), SECRET), TypeError);

  const request = signed();
  const pending = verifyRequest(request, SECRET);
  assert.ok(pending instanceof Promise);
  assert.equal(await pending, true);
  assert.equal(await request.text(), BODY, 'the caller can still read the body');
  assert.equal(await verifyWebhookRequest(signed(), SECRET), true, 'the same without a client');

  const tampered = new Request('https://example.com/webhooks', {
    method: 'POST',
    headers: { 'contiguity-signature': sign(BODY) },
    body: BODY.replace('Hello', 'Hullo'),
  });
  assert.equal(await verifyRequest(tampered, SECRET), false);
  const unsigned = new Request('https://example.com/webhooks', { method: 'POST', body: BODY });
  assert.equal(await verifyRequest(unsigned, SECRET), false);
  const used = signed();
  await used.text();
  assert.equal(await verifyRequest(used, SECRET), false, 'a consumed body cannot be verified');
  // The other forms too, as a Promise; a bad tolerance is a rejection.
  assert.equal(await verifyRequest({ headers: { 'contiguity-signature': sign(BODY) }, body: BODY }, SECRET), true);
  await assert.rejects(verifyRequest(signed(), SECRET, '600'), ValidationError);
  await assert.rejects(verifyRequest(signed(), SECRET, -1), ValidationError);
});

test('rotation: one secret or a list of them, a header with one or more v1 signatures', async () => {
  const t = now();
  const old = 'whsec_old_secret';
  const fresh = 'whsec_new_secret';
  const both = `${sign(BODY, old, t)},v1=${sign(BODY, fresh, t).split('v1=')[1]}`;
  assert.equal(verify(BODY, both, old), true);
  assert.equal(verify(BODY, both, fresh), true);
  assert.equal(verify(BODY, sign(BODY, fresh, t), [old, fresh]), true);
  assert.equal(verify(BODY, sign(BODY, old, t), [old, fresh]), true);
  assert.equal(verify(BODY, sign(BODY, old, t), [fresh, 'whsec_other']), false);
  assert.equal(verifyWebhookSignature(BODY, sign(BODY, fresh, t), [old, fresh]), true);
  assert.equal(verify({ headers: { 'contiguity-signature': both }, body: BODY }, [fresh]), true);
  const request = new Request('https://example.com/', { method: 'POST', headers: { 'contiguity-signature': both }, body: BODY });
  assert.equal(await verifyRequest(request, [old]), true);
  // A list that is not all secrets, or empty, verifies nothing.
  for (const bad of [[], [old, ''], [old, null], [fresh, 5], Array(17).fill(fresh)]) {
    assert.equal(verify(BODY, sign(BODY, fresh, t), bad), false, JSON.stringify(bad));
  }
});

test('parse: every documented event type, typed fields intact', () => {
  for (const [type, example] of Object.entries(EVENTS)) {
    const raw = JSON.stringify(example);
    for (const body of [raw, Buffer.from(raw), new TextEncoder().encode(raw).buffer]) {
      const event = parse(body);
      assert.deepEqual(event, example, type);
      assert.deepEqual(parseWebhookPayload(body), example);
    }
  }
  const incoming = parse(BODY);
  assert.equal(incoming.type, 'imessage.incoming');
  assert.equal(typeof incoming.timestamp, 'number');
  assert.deepEqual(Object.keys(incoming.data), ['from', 'to', 'body', 'timestamp', 'attachments']);
  const mms = parse(JSON.stringify(EVENTS['text.incoming.mms']));
  assert.deepEqual(Object.keys(mms.data.attachments[0]).sort(), ['filename', 'mime', 'url']);
});

test('parse: unknown types are generic events; junk is a clear ValidationError', () => {
  const future = { id: 'evt_9', type: 'imessage.reaction.added', timestamp: 1, api_version: 'v2027.1.1', data: { anything: [1] } };
  assert.deepEqual(parse(JSON.stringify(future)), future);
  const identity = { id: 'evt_8', type: 'identity.verification_session.verified', timestamp: 1, api_version: 'v', data: {} };
  assert.deepEqual(parse(JSON.stringify(identity)), identity);

  const junk = {
    '': /empty/,
    '<html>': /not JSON/,
    '[1,2]': /expected object, received array/,
    '{"type":"x","timestamp":1,"data":{}}': /id: expected string/,
    '{"id":"e","type":"imessage.incoming","timestamp":1,"data":{"to":"+1","body":"b","timestamp":1}}': /data\.from: expected string/,
    '{"id":"e","type":"x","timestamp":"soon","data":{}}': /timestamp: expected number/,
  };
  for (const [body, message] of Object.entries(junk)) {
    assert.throws(() => parse(body), (e) => e instanceof ValidationError && message.test(e.message), body);
  }
  assert.throws(() => parse(Buffer.from([0xff, 0xfe])), ValidationError, 'not UTF-8');
  assert.throws(() => parse(undefined), ValidationError);
});

test('reply accepts a parsed event: to its sender, from our number', async () => {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push(JSON.parse(init.body));
    return Response.json({ id: 'req_1', timestamp: 1, api_version: 'v', object: 'response', data: { message_id: 'imsg_1' } });
  };
  const event = parse(BODY);
  await new Contiguity('contiguity_sk_x', { fetch }).imessage.reply(event, { message: 'Hi back!' });
  assert.deepEqual(calls, [{ to: event.data.from, message: 'Hi back!', from: event.data.to }]);
});

// The full loop: the sandbox delivers a signed incoming message to a
// handler, which verifies, parses, types, replies and marks it read.
let sandbox;
before(async () => {
  sandbox = await startSandboxProcess();
});
after(() => sandbox.stop());

test('full signed loop against the sandbox', async () => {
  const client = new Contiguity(API_KEY, { baseUrl: sandbox.url });
  const handled = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks);
    if (!client.webhook.verify({ headers: req.headers, rawBody: raw }, WEBHOOK_SECRET)) {
      handled.push('rejected');
      return res.writeHead(401).end();
    }
    const event = client.webhook.parse(raw);
    const conversation = { to: event.data.from, from: event.data.to };
    await client.imessage.typing({ ...conversation, action: 'start' });
    await client.imessage.typing({ ...conversation, action: 'stop' });
    const { message_id } = await client.imessage.reply(event, { message: `Echo: ${event.data.body}` });
    await client.imessage.read(conversation);
    handled.push(message_id);
    res.writeHead(200).end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  try {
    const { delivery } = await sandbox.incoming({ url, from: '+15557654321', to: LEASED, body: 'ping' });
    assert.equal(delivery.status, 200);
    assert.match(handled[0], /^imsg_/);
    const paths = (await sandbox.requests()).map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.deepEqual(paths, [
      'POST /send/imessage/typing 200',
      'POST /send/imessage/typing 200',
      'POST /send/imessage 200',
      'POST /send/imessage/read 200',
    ]);
    const history = await client.imessage.history({ to: '+15557654321', from: LEASED });
    assert.deepEqual(history.conversation.map((m) => m.message), ['Echo: ping', 'ping']);
    assert.ok(history.conversation[1].read > 0, 'the incoming message is marked read');

    // A delivery signed with another secret is refused and acts on nothing.
    await sandbox.reset();
    const forged = await sandbox.incoming({ url, from: '+15557654321', body: 'forged', secret: 'whsec_attacker' });
    assert.equal(forged.delivery.status, 401);
    assert.deepEqual(await sandbox.requests(), []);
  } finally {
    server.close();
  }
});
