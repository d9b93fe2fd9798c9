// The documented conversation flow, end to end, against the local sandbox:
// an iMessage arrives as a signed webhook; the bot (the same as the README's
// first bot and the examples) marks it read, types for a moment and
// replies; then the conversation is printed from history.
//
//   make demo        (builds the package, then runs this file)
import http from 'node:http';
import { once } from 'node:events';
import { Contiguity, createWebhookHandler, toNodeHandler } from 'contiguity-imessage';
import { startSandbox } from 'contiguity-imessage/sandbox';

const API_KEY = 'contiguity_sk_sandbox_test_key';
const WEBHOOK_SECRET = 'whsec_sandbox_secret';
const LEASED_NUMBER = '+15550001111';
const CUSTOMER = '+15557654321';
const log = (line) => console.log(line);
const quote = (text) => `"${text}"`;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const sandbox = await startSandbox({ apiKeys: [API_KEY], webhookSecret: WEBHOOK_SECRET, leasedNumbers: [LEASED_NUMBER] });
const contiguity = new Contiguity(API_KEY, { baseUrl: sandbox.url });

let answered;
const replied = new Promise((resolve) => (answered = resolve));

// The bot: the handler verifies the signature, drops a redelivered event,
// answers 200 at once and runs onMessage after it.
const bot = createWebhookHandler({
  secret: WEBHOOK_SECRET,
  client: contiguity,
  async onMessage(event, { read, typing, reply }) {
    log(`  <- ${event.data.from}: ${quote(event.data.body)}   (signature verified)`);
    await read();
    log('  ✓  marked as read');
    await typing('start');
    log('  …  typing');
    await pause(1000);
    await typing('stop');
    const { message_id } = await reply('We do! A table for two at 7pm is free. Shall I book it?');
    log(`  -> ${event.data.from}: sent ${message_id}`);
    answered();
  },
  onError(error) {
    console.error(`  !! ${error?.name}: ${error?.message}`);
    process.exitCode = 1;
    answered();
  },
});

const receiver = http.createServer(toNodeHandler(bot));
receiver.listen(0, '127.0.0.1');
await once(receiver, 'listening');
const webhookUrl = `http://127.0.0.1:${receiver.address().port}/webhooks/contiguity`;

try {
  log(`contiguity-imessage demo: sandbox API at ${sandbox.url}, webhook receiver at ${webhookUrl}\n`);
  log('A customer writes to our leased number:');
  const { delivery } = await sandbox.simulateIncoming({
    url: webhookUrl,
    from: CUSTOMER,
    to: LEASED_NUMBER,
    body: 'Hi! Do you have a table free tonight?',
  });
  if (delivery.status !== 200) throw new Error(`webhook handler answered ${delivery.status}`);
  await replied;

  const history = await contiguity.imessage.history({ to: CUSTOMER, from: LEASED_NUMBER, limit: 10 });
  log(`\nTranscript (history, ${history.chat.count} of ${history.chat.total} messages, oldest first):`);
  for (const message of [...history.conversation].reverse()) {
    const time = new Date(message.timestamp).toISOString().slice(11, 19);
    const who = message.from === LEASED_NUMBER ? 'us      ' : 'customer';
    const read = message.read ? '  (read)' : '';
    log(`  [${time}] ${who} ${message.from} -> ${message.to}: ${quote(message.message)}${read}`);
  }
} finally {
  receiver.close();
  await sandbox.close();
}
