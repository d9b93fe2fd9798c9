// The sandbox inspector in a real headless Chromium: the page of the
// installed package (contiguity-imessage/sandbox, as users get it) driven
// by the real client, a real webhook receiver, and clicks and keystrokes.
//   node --test --test-concurrency=1 tests/inspector/
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { Contiguity } from 'contiguity-imessage';
import { startSandbox } from 'contiguity-imessage/sandbox';
import { launchBrowser } from './support/browser.mjs';
import { startBot } from './support/bot.mjs';

const KEY = 'contiguity_sk_sandbox_test_key';
const SECRET = 'whsec_sandbox_secret';
const LEASED = '+15550001111';
const PERSON = '+15551234567';
// Generous bounds that catch a hang, not timing figures.
const SHOWN = { timeout: 10_000 };

let sandbox;
let bot;
let browser;
let page;
let contiguity;
const pageErrors = [];

before(async () => {
  sandbox = await startSandbox();
  bot = await startBot();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
  contiguity = new Contiguity(KEY, { baseUrl: sandbox.url });
});

after(async () => {
  await browser?.close();
  await bot?.close();
  await sandbox?.close();
});

beforeEach(async () => {
  sandbox.reset();
  sandbox.setConfig({ webhookUrl: null });
  await page.goto(sandbox.url);
  await page.locator('#live[data-state="live"]').waitFor(SHOWN);
});

const bubble = (text) => page.locator('.row', { has: page.locator('.bubble', { hasText: text }) });

test('the page loads and goes live', async () => {
  assert.equal(await page.title(), 'Contiguity sandbox');
  assert.match(await page.locator('#messages').innerText(), /appear here as they happen/);
  assert.match(await page.locator('#requests').innerText(), /No API requests yet/);
  assert.deepEqual(pageErrors, []);
});

test('a message sent through the client appears as a bubble, with a tapback and a read receipt', async () => {
  await sandbox.simulateIncoming({ from: PERSON, body: 'Are you open on Sunday?' });
  const question = bubble('Are you open on Sunday?');
  await question.waitFor(SHOWN);
  assert.equal(await question.getAttribute('data-direction'), 'incoming');

  await contiguity.imessage.send({ to: PERSON, message: 'Yes, from 10 to 4!', fast_track: true });
  const answer = bubble('Yes, from 10 to 4!');
  await answer.waitFor(SHOWN);
  assert.equal(await answer.getAttribute('data-direction'), 'outgoing');
  assert.equal(await answer.getAttribute('data-service'), 'imessage');
  assert.match(await answer.locator('.meta').innerText(), /Fast Track/);
  // Outgoing iMessage blue, incoming grey.
  assert.equal(await answer.locator('.bubble').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(10, 132, 255)');
  assert.equal(await question.locator('.bubble').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(233, 233, 235)');

  await contiguity.imessage.react('add', { to: PERSON, from: LEASED, message: 'Yes, from 10 to 4!', tapback: 'emphasize' });
  await contiguity.imessage.react('add', { to: PERSON, from: LEASED, message: 'Are you open on Sunday?', tapback: 'love' });
  await answer.locator('[data-tapback="emphasize"]').waitFor(SHOWN);
  await question.locator('[data-tapback="love"]').waitFor(SHOWN);
  await contiguity.imessage.react('remove', { to: PERSON, from: LEASED, message: 'Yes, from 10 to 4!', tapback: 'emphasize' });
  await answer.locator('[data-tapback="emphasize"]').waitFor({ state: 'detached', ...SHOWN });

  assert.equal(await page.locator('[data-receipt="read"]').count(), 0);
  await contiguity.imessage.read({ to: PERSON, from: LEASED });
  const read = page.locator('[data-receipt="read"]');
  await read.waitFor(SHOWN);
  // "Read" sits right under the message that was read.
  assert.equal(await read.evaluate((el) => el.previousElementSibling.querySelector('.bubble')?.textContent), 'Are you open on Sunday?');
  assert.deepEqual(pageErrors, []);
});

test('SMS fallback is green, a failed send is marked; attachments as thumbnails or file chips', async (t) => {
  sandbox.setConfig({ rules: { availability: true } });
  t.after(() => sandbox.setConfig({ rules: false }));
  const NO_IMESSAGE = '+15553330000';
  await contiguity.imessage.send({ to: NO_IMESSAGE, message: 'Your order has shipped.', fallback: { when: ['imessage_unsupported'] } });
  await contiguity.imessage.send({ to: NO_IMESSAGE, message: 'Did it arrive?' });
  const sms = bubble('Your order has shipped.');
  await sms.waitFor(SHOWN);
  assert.equal(await sms.getAttribute('data-service'), 'sms');
  assert.equal(await sms.locator('.bubble').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(52, 199, 89)');
  assert.match(await sms.locator('.meta').innerText(), /SMS/);
  const failed = bubble('Did it arrive?');
  await failed.locator('.not-delivered').waitFor(SHOWN);

  // A photo the sandbox serves loads as a thumbnail; a PDF, and an image
  // that cannot be fetched (no outside network here), are file chips.
  await sandbox.simulateIncoming({ from: PERSON, body: 'Here you go', attachments: [`${sandbox.url}/__sandbox/media/plant.svg`] });
  await contiguity.imessage.send({ to: PERSON, message: 'Thanks! Receipt attached.', attachments: ['https://files.invalid/receipt.pdf', 'https://files.invalid/photo.png'] });
  await page.click(`#conversations .conversation[data-key="${LEASED} ${PERSON}"]`);
  const photo = bubble('Here you go').locator('img.thumb');
  await photo.waitFor(SHOWN);
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await photo.elementHandle(), SHOWN);
  const receipt = bubble('Thanks! Receipt attached.');
  await receipt.locator('a.chip', { hasText: 'receipt.pdf' }).waitFor(SHOWN);
  await receipt.locator('a.chip', { hasText: 'photo.png' }).waitFor(SHOWN);
  assert.deepEqual(pageErrors.filter((e) => !/files\.invalid|ERR_NAME_NOT_RESOLVED|Failed to load resource/.test(e)), []);
  pageErrors.length = 0;
});

test('writing in the composer reaches the webhook, signed; the bot types and its reply appears', async () => {
  await page.fill('#webhook-url', bot.url);
  await page.click('#webhook-form button');
  await page.locator('#webhook-note', { hasText: 'POSTed there' }).waitFor(SHOWN);
  await page.fill('#new-conversation input[name="person"]', PERSON);
  await page.click('#new-conversation button');
  await page.locator('#composer-who', { hasText: `Writing as ${PERSON} to ${LEASED}` }).waitFor(SHOWN);

  await page.fill('#composer-text', 'Hi! Do you deliver?');
  await page.press('#composer-text', 'Enter');
  const hit = await bot.next();
  assert.equal(contiguity.webhook.verify(hit.raw, hit.headers['contiguity-signature'], SECRET), true);
  const event = contiguity.webhook.parse(hit.raw);
  assert.equal(event.type, 'imessage.incoming');
  assert.deepEqual([event.data.from, event.data.to, event.data.body], [PERSON, LEASED, 'Hi! Do you deliver?']);
  await bubble('Hi! Do you deliver?').waitFor(SHOWN);

  // The bot's side, through the client.
  await contiguity.imessage.typing({ to: event.data.from, from: event.data.to, action: 'start' });
  const typing = page.locator('[data-typing="started"]');
  await typing.waitFor(SHOWN);
  await contiguity.imessage.reply(event, { message: 'We do, within 5 miles.' });
  await bubble('We do, within 5 miles.').waitFor(SHOWN);
  await typing.waitFor({ state: 'detached', ...SHOWN }); // a sent message ends the typing bubble

  // The delivery is listed; redelivering sends the same event, freshly signed.
  await page.click('[data-tab="deliveries"]');
  const delivery = page.locator(`#deliveries [data-event-id="${event.id}"]`);
  await delivery.first().waitFor(SHOWN);
  assert.equal(await delivery.first().getAttribute('data-status'), '200');
  await delivery.first().locator('.redeliver').click();
  const again = await bot.next();
  assert.equal(again.raw, hit.raw, 'same event id and body');
  assert.equal(contiguity.webhook.verify(again.raw, again.headers['contiguity-signature'], SECRET), true);
  await page.locator('#deliveries .badge', { hasText: 'redelivery' }).waitFor(SHOWN);
  assert.equal(await delivery.count(), 2);
  assert.deepEqual(pageErrors, []);
});

test('a 429 queued from the page shows in the log, and the client\'s retry succeeds', async () => {
  await page.click('[data-fault="429"]');
  await page.locator('.queued-fault[data-fault="429"]').waitFor(SHOWN);
  const { message_id } = await contiguity.imessage.send({ to: PERSON, message: 'worth the wait' });
  assert.match(message_id, /^imsg_/);
  const faulted = page.locator('#requests [data-status="429"][data-fault="429"]');
  await faulted.waitFor(SHOWN);
  assert.match(await faulted.textContent(), /fault: 429/);
  await page.locator('#requests [data-status="200"]', { hasText: '/send/imessage' }).waitFor(SHOWN);
  await page.locator('.queued-fault').waitFor({ state: 'detached', ...SHOWN });
  await bubble('worth the wait').waitFor(SHOWN);

  // A 400 is listed with the sandbox's message; the API key is never shown.
  await fetch(`${sandbox.url}/send/imessage`, {
    method: 'POST',
    headers: { authorization: `Token ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: 'not a number', message: 'x' }),
  });
  const refused = page.locator('#requests [data-status="400"]');
  await refused.waitFor(SHOWN);
  assert.match(await refused.innerText(), /Invalid request: to: must be an E\.164 phone number/);
  await refused.locator('.entry-head').click();
  await refused.locator('pre').waitFor(SHOWN);
  assert.ok(!(await page.content()).includes(KEY), 'the API key is not on the page');
  assert.deepEqual(pageErrors, []);
});

test('a cross-origin POST from another page is refused', async (t) => {
  await contiguity.imessage.send({ to: PERSON, message: 'keep me' });
  // The attack a page on another origin can make without a preflight: a
  // text/plain POST; and, for contrast, a JSON one, which needs a preflight.
  const attacker = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>elsewhere</title><script>
      const target = ${JSON.stringify(sandbox.url)};
      const simple = (path, body) => fetch(target + '/__sandbox/' + path, { method: 'POST', mode: 'no-cors',
        headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) }).then(() => 'sent', (e) => 'error ' + e.message);
      window.results = Promise.all([
        simple('config', { webhookUrl: 'http://attacker.example/collect', apiKeys: ['contiguity_sk_attacker'] }),
        simple('reset', {}),
        fetch(target + '/__sandbox/config', { method: 'POST', headers: { 'content-type': 'application/json' },
          body: '{"webhookUrl":"http://attacker.example/collect"}' }).then(() => 'answered', () => 'blocked'),
      ]);
    </script>`);
  });
  attacker.listen(0, '127.0.0.1');
  await once(attacker, 'listening');
  t.after(() => new Promise((resolve) => { attacker.closeAllConnections(); attacker.close(resolve); }));

  // The sandbox logs each refusal (never a body or a key): proof the
  // requests reached it and were refused there, not stopped by the browser.
  const refusals = [];
  const original = console.error;
  console.error = (...args) => { const line = args.join(' '); if (line.includes('refused')) refusals.push(line); else original(...args); };
  sandbox.setConfig({ log: true });
  t.after(() => { console.error = original; sandbox.setConfig({ log: false }); });

  const elsewhere = await browser.context.newPage();
  t.after(() => elsewhere.close());
  // Another origin: same machine, another name and port.
  await elsewhere.goto(`http://localhost:${attacker.address().port}/`);
  const results = await elsewhere.evaluate(() => window.results);
  assert.deepEqual(results, ['sent', 'sent', 'blocked']);
  const deadline = Date.now() + 5000;
  while (refusals.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(refusals.some((line) => /refused POST \/__sandbox\/config: Forbidden: cross-origin/.test(line)), refusals.join('\n'));
  assert.ok(refusals.some((line) => /refused POST \/__sandbox\/reset/.test(line)), refusals.join('\n'));
  assert.ok(refusals.some((line) => /refused OPTIONS \/__sandbox\/config/.test(line)), 'the preflight is refused too');

  // Nothing changed: the webhook URL, the API key, the stored messages.
  const state = await (await fetch(`${sandbox.url}/__sandbox/state`)).json();
  assert.equal(state.config.webhookUrl, null);
  assert.deepEqual(state.messages.map((m) => m.message), ['keep me']);
  await contiguity.imessage.send({ to: PERSON, message: 'the key still works' });
});
