// Exported helpers, startSandbox options, and the sandbox's lifecycle.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startSandbox, signWebhook, isE164, isRecipient } from '../../pkg-template/sandbox/index.js';
import {
  useSandbox, api, send, PERSON, LEASED,
} from './support.mjs';

const sb = useSandbox();

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

  test('signWebhook with several secrets: one v1= each, in order', () => {
    const hex = (secret) => crypto.createHmac('sha256', secret).update('1700000000.{}').digest('hex');
    assert.equal(signWebhook('{}', ['whsec_a', 'whsec_b'], 1700000000), `t=1700000000,v1=${hex('whsec_a')},v1=${hex('whsec_b')}`);
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
    await assert.rejects(startSandbox({ webhookSecret: ['whsec_secret_value', 42] }), (error) =>
      error instanceof TypeError && /webhookSecret/.test(error.message) && !error.message.includes('secret_value'));
    await assert.rejects(startSandbox({ webhookUrl: 'ftp://example.com' }), /webhookUrl/);
    await assert.rejects(startSandbox({ rules: 'on' }), /rules/);
    await assert.rejects(startSandbox({ rules: { pacing: true, typing: true } }), /unknown sandbox rule "typing"/);
  });

  test('every option together, including the new ones', async () => {
    const own = await startSandbox({
      webhookUrl: 'http://127.0.0.1:9/hook', webhookSecret: ['whsec_one', 'whsec_two'],
      rules: { pacing: true }, unavailable: ['+15557654321'], fastTrack: false,
    });
    try {
      const { config } = await (await fetch(`${own.url}/__sandbox/state`)).json();
      assert.deepEqual(config.rules, { pacing: true, availability: false });
      assert.equal(config.webhookUrl, 'http://127.0.0.1:9/hook');
      assert.equal(config.webhookSecrets, 2);
      assert.equal(config.fastTrack, false);
      assert.deepEqual(config.unavailable, ['+15557654321']);
    } finally {
      await own.close();
    }
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

  test('requests(), messages(), reactions(), deliveries() return copies', async () => {
    await send({ to: PERSON, message: 'x' });
    await api('POST', '/send/imessage/reactions', { to: PERSON, from: LEASED, tapback: 'like', message: 'x', action: 'add' });
    sb.requests()[0].status = 999;
    sb.messages()[0].message = 'changed';
    sb.reactions()[0].reaction = 'changed';
    assert.equal(sb.requests()[0].status, 200);
    assert.equal(sb.messages()[0].message, 'x');
    assert.equal(sb.reactions()[0].reaction, 'like');
    assert.deepEqual(sb.deliveries(), []);
  });

  test('each recorded request has an id, its time, its duration, its fault and its error message', async () => {
    sb.inject({ status: 503 });
    await send({ to: PERSON, message: 'x' });
    await send({ to: 'nobody', message: 'x' });
    const [faulted, refused] = sb.requests();
    assert.match(faulted.id, /^rq_/);
    assert.ok(Math.abs(faulted.timestamp - Date.now()) < 60_000);
    assert.ok(Number.isInteger(faulted.durationMs));
    assert.equal(faulted.fault, '503');
    assert.equal(faulted.error, 'Service Unavailable');
    assert.equal(refused.fault, null);
    assert.match(refused.error, /^Invalid request: to: must be/);
  });

  test('close() is idempotent and frees the port', async () => {
    const own = await startSandbox();
    await send({ to: PERSON, message: 'x' }, { base: own.url }); // leaves a keep-alive socket
    await Promise.all([own.close(), own.close()]);
    await assert.rejects(fetch(`${own.url}/__sandbox/requests`), TypeError);
  });
});
