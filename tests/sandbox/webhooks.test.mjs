// Incoming messages: the signed imessage.incoming webhook, its delivery to
// the bot, the record of each delivery, redelivery, and signing with two
// secrets during a rotation (checked with the client's own verify).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { Contiguity } from 'contiguity-imessage';
import { LIMITS } from '../../pkg-template/sandbox/index.js';
import {
  useSandbox, control, startReceiver, verifySignature, KEY, PERSON, LEASED, SECRET,
} from './support.mjs';

const sb = useSandbox();

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

describe('two secrets at once, for a rotation', () => {
  const contiguity = new Contiguity(KEY);

  test('webhookSecret as an array: one v1= per secret; the client verifies with either', async (t) => {
    sb.setConfig({ webhookSecret: ['whsec_old_secret', 'whsec_new_secret'] });
    t.after(() => sb.setConfig({ webhookSecret: SECRET }));
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    await sb.simulateIncoming({ url: receiver.url, from: PERSON, body: 'rotating' });
    const [hit] = receiver.received;
    const header = hit.headers['contiguity-signature'];
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    assert.equal(contiguity.webhook.verify(hit.raw, header, 'whsec_old_secret'), true);
    assert.equal(contiguity.webhook.verify(hit.raw, header, 'whsec_new_secret'), true);
    assert.equal(contiguity.webhook.verify(hit.raw, header, 'whsec_unrelated'), false);
    assert.equal(contiguity.webhook.verify(`${hit.raw} `, header, 'whsec_new_secret'), false, 'the body is signed');
  });

  test('a per-call secret may be an array too; bad secrets are refused without being echoed', async () => {
    const { rawBody, signature } = await sb.simulateIncoming({ from: PERSON, secret: ['whsec_a_one', 'whsec_b_two'] });
    assert.equal(verifySignature(signature, rawBody, 'whsec_a_one').count, 2);
    assert.ok(verifySignature(signature, rawBody, 'whsec_b_two').valid);
    await assert.rejects(sb.simulateIncoming({ from: PERSON, secret: [] }), TypeError);
    assert.throws(() => sb.setConfig({ webhookSecret: ['whsec_ok', ''] }), (e) => e instanceof TypeError && !e.message.includes('whsec_ok'));
    assert.throws(() => sb.setConfig({ webhookSecret: Array(LIMITS.webhookSecrets + 1).fill('whsec_x') }), TypeError);
  });
});

describe('the configured webhook URL and the record of deliveries', () => {
  test('without a url, simulateIncoming delivers to webhookUrl and records the delivery', async (t) => {
    const receiver = await startReceiver(202, 'queued');
    t.after(() => receiver.close());
    sb.setConfig({ webhookUrl: receiver.url });
    t.after(() => sb.setConfig({ webhookUrl: null }));
    const result = await sb.simulateIncoming({ from: PERSON, body: 'to the configured url' });
    assert.deepEqual(result.delivery, { status: 202, body: 'queued' });
    const [delivery] = sb.deliveries();
    assert.equal(delivery.id, result.deliveryId);
    assert.match(delivery.id, /^dlv_[A-Za-z0-9]+$/);
    assert.equal(delivery.eventId, result.event.id);
    assert.equal(delivery.url, receiver.url);
    assert.equal(delivery.status, 202);
    assert.equal(delivery.responseBody, 'queued');
    assert.equal(delivery.error, null);
    assert.equal(delivery.redeliveryOf, null);
    assert.equal(delivery.rawBody, result.rawBody);
    assert.equal(delivery.signature, receiver.received[0].headers['contiguity-signature']);
    assert.ok(Number.isInteger(delivery.durationMs) && delivery.durationMs >= 0);
  });

  test('a failed delivery is recorded with its error; the call still rejects', async () => {
    const receiver = await startReceiver();
    await receiver.close();
    await assert.rejects(sb.simulateIncoming({ url: receiver.url, from: PERSON }), /webhook delivery failed/);
    const [delivery] = sb.deliveries();
    assert.equal(delivery.status, null);
    assert.match(delivery.error, /webhook delivery failed/);
    assert.equal(sb.messages().length, 1, 'the message is stored anyway');
  });

  test(`a receiver's answer is kept up to ${LIMITS.deliveryResponseBytes} bytes`, async (t) => {
    const receiver = await startReceiver(200, 'y'.repeat(LIMITS.deliveryResponseBytes + 1000));
    t.after(() => receiver.close());
    const { delivery } = await sb.simulateIncoming({ url: receiver.url, from: PERSON });
    assert.equal(delivery.body.length, LIMITS.deliveryResponseBytes);
  });
});

describe('redelivery', () => {
  test('the same event id and body, to the same URL, freshly signed with the current secret', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    // Signed at a past second, so a fresh signature is certainly another one.
    const first = await sb.simulateIncoming({ url: receiver.url, from: PERSON, body: 'again please', timestamp: 1700000000 });
    sb.setConfig({ webhookSecret: 'whsec_rotated_secret' });
    t.after(() => sb.setConfig({ webhookSecret: SECRET }));
    const again = await sb.redeliver(first.deliveryId);
    assert.equal(again.redeliveryOf, first.deliveryId);
    assert.equal(again.eventId, first.event.id);
    assert.equal(again.status, 200);
    const [original, repeated] = receiver.received;
    assert.equal(repeated.raw, original.raw, 'byte for byte the same body');
    assert.equal(JSON.parse(repeated.raw).id, first.event.id);
    assert.equal(repeated.url, original.url);
    const signed = verifySignature(repeated.headers['contiguity-signature'], repeated.raw, 'whsec_rotated_secret');
    assert.ok(signed.valid, 'signed with the secret configured now');
    assert.ok(signed.t > 1700000000 && Math.abs(signed.t - Date.now() / 1000) < 60, 'signed now');
    assert.equal(new Contiguity(KEY).webhook.verify(repeated.raw, repeated.headers['contiguity-signature'], 'whsec_rotated_secret'), true);
    assert.equal(sb.deliveries().length, 2);
    assert.equal(sb.messages().length, 1, 'a redelivery stores no second message');
  });

  test('over HTTP: POST /__sandbox/redeliver { id }; an unknown id is a 400', async (t) => {
    const receiver = await startReceiver(500, 'boom');
    t.after(() => receiver.close());
    await sb.simulateIncoming({ url: receiver.url, from: PERSON });
    const [{ id }] = sb.deliveries();
    const res = await control('POST', 'redeliver', { id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.redeliveryOf, id);
    assert.equal(res.json.status, 500);
    assert.equal(res.json.responseBody, 'boom');
    assert.equal('signature' in res.json, false, 'the page is not shown signatures');
    const unknown = await control('POST', 'redeliver', { id: 'dlv_nope' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.error, /no recorded delivery/);
  });

  test('a receiver that hangs is given up on when the sandbox closes', async () => {
    const { startSandbox } = await import('../../pkg-template/sandbox/index.js');
    const own = await startSandbox();
    const hung = http.createServer(() => { /* never answers */ });
    hung.listen(0, '127.0.0.1');
    await once(hung, 'listening');
    const pending = own.simulateIncoming({ url: `http://127.0.0.1:${hung.address().port}/`, from: PERSON });
    await new Promise((resolve) => hung.once('request', resolve));
    await own.close();
    await assert.rejects(pending, /webhook delivery failed/);
    hung.closeAllConnections();
    hung.close();
  });
});
