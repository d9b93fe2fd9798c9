// A real bot exchange in the inspector, photographed: a customer's photo and
// question, the bot typing, a tapback, the reply, a read receipt, and an
// SMS fallback in another conversation. Every run writes
// target/inspector/sandbox-inspector.png. To refresh the picture in the docs:
//   make pack && node --test tests/inspector/screenshot.test.mjs
//   cp target/inspector/sandbox-inspector.png docs/sandbox-inspector.png
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { Contiguity } from 'contiguity-imessage';
import { startSandbox } from 'contiguity-imessage/sandbox';
import { ROOT, launchBrowser } from './support/browser.mjs';
import { startBot } from './support/bot.mjs';

const KEY = 'contiguity_sk_sandbox_test_key';
const SECRET = 'whsec_sandbox_secret';
const CUSTOMER = '+15551234567';
const SHOWN = { timeout: 10_000 };
const OUTPUT = join(ROOT, 'target/inspector/sandbox-inspector.png');

const cleanup = [];
after(async () => { for (const step of cleanup.reverse()) await step(); });

test('a bot conversation, photographed', async () => {
  const bot = await startBot();
  cleanup.push(() => bot.close());
  const sandbox = await startSandbox({ webhookUrl: bot.url, rules: { availability: true } });
  cleanup.push(() => sandbox.close());
  const browser = await launchBrowser({ deviceScaleFactor: 2, viewport: { width: 1280, height: 800 } });
  cleanup.push(() => browser.close());
  const contiguity = new Contiguity(KEY, { baseUrl: sandbox.url });

  // An earlier conversation: a customer without iMessage, reached by SMS.
  await contiguity.imessage.send({
    to: '+15553330000', message: 'Your order #1042 has shipped and arrives Thursday.', fallback: { when: ['imessage_unsupported'] },
  });

  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(sandbox.url);
  await page.locator('#live[data-state="live"]').waitFor(SHOWN);
  await page.fill('#new-conversation input[name="person"]', CUSTOMER);
  await page.click('#new-conversation button');

  /** The customer writes in the composer; resolves with the event the bot received, verified. */
  async function customerSays(text, { photo = false } = {}) {
    if (photo) await page.click('#attach');
    await page.fill('#composer-text', text);
    await page.press('#composer-text', 'Enter');
    const hit = await bot.next();
    assert.equal(contiguity.webhook.verify(hit.raw, hit.headers['contiguity-signature'], SECRET), true);
    return contiguity.webhook.parse(hit.raw);
  }
  const conversationOf = (event) => ({ to: event.data.from, from: event.data.to });

  const question = await customerSays('Hi! Do you have this one in a bigger pot?', { photo: true });
  assert.equal(question.data.attachments[0].mime, 'image/svg+xml');
  await contiguity.imessage.read(conversationOf(question));
  await contiguity.imessage.typing({ ...conversationOf(question), action: 'start' });
  await page.locator('[data-typing="started"]').waitFor(SHOWN);
  await contiguity.imessage.react('add', { ...conversationOf(question), message: question.data.body, tapback: 'love' });
  await contiguity.imessage.reply(question, { message: 'Hi Sam! Yes, the Monstera also comes in a 30 cm pot, $48. Shall I set one aside for you?' });

  const yes = await customerSays('Yes please! I can pick it up Saturday morning.');
  await contiguity.imessage.read(conversationOf(yes));
  await contiguity.imessage.react('add', { ...conversationOf(yes), message: yes.data.body, tapback: 'like' });
  await contiguity.imessage.reply(yes, { message: 'Done: it is on hold under your name until Sunday.' });
  await contiguity.imessage.typing({ ...conversationOf(yes), action: 'start' });

  // Everything the picture should show, on screen before it is taken.
  await page.locator('[data-typing="started"]').waitFor(SHOWN);
  await page.locator('[data-tapback="love"]').waitFor(SHOWN);
  await page.locator('[data-tapback="like"]').waitFor(SHOWN);
  await page.locator('[data-receipt="read"]').waitFor(SHOWN);
  const thumbnail = page.locator('img.thumb').first();
  await thumbnail.waitFor(SHOWN);
  await page.waitForFunction(() => [...document.querySelectorAll('img.thumb')].every((img) => img.complete && img.naturalWidth > 0), null, SHOWN);
  await page.locator('#conversations .conversation', { hasText: '+15553330000' }).waitFor(SHOWN);
  await page.locator('#requests [data-status="200"]').first().waitFor(SHOWN);

  await page.screenshot({ path: OUTPUT });
  assert.ok(statSync(OUTPUT).size > 10_000, 'a real picture was written');
  assert.deepEqual(errors, []);
});
