// The documented conversation flow, end to end, against the local sandbox:
// an iMessage arrives as a signed webhook, we verify and parse it, show
// typing, reply, mark it read, then print the conversation from history.
//
//   make demo        (builds the package, then runs this file)
import http from 'node:http';
import { once } from 'node:events';
import { Contiguity } from 'contiguity-imessage';
import { startSandbox } from 'contiguity-imessage/sandbox';

const API_KEY = 'contiguity_sk_sandbox_test_key';
const WEBHOOK_SECRET = 'whsec_sandbox_secret';
const LEASED_NUMBER = '+15550001111';
const CUSTOMER = '+15557654321';

const sandbox = await startSandbox({ apiKeys: [API_KEY], webhookSecret: WEBHOOK_SECRET, leasedNumbers: [LEASED_NUMBER] });
const contiguity = new Contiguity(API_KEY, { baseUrl: sandbox.url });
const log = (line) => console.log(line);
const quote = (text) => `"${text}"`;

// The webhook handler a user would deploy: verify, parse, act.
async function handleWebhook(rawBody, headers) {
  const verified = contiguity.webhook.verify(rawBody, headers['contiguity-signature'], WEBHOOK_SECRET);
  if (!verified) return 401;
  const event = contiguity.webhook.parse(rawBody);
  if (event.type !== 'imessage.incoming') return 200;
  log(`  <- ${event.data.from}: ${quote(event.data.body)}   (signature verified)`);

  const conversation = { to: event.data.from, from: event.data.to };
  await contiguity.imessage.read(conversation);
  log('  ✓  marked as read');
  await contiguity.imessage.typing({ ...conversation, action: 'start' });
  log('  …  typing started');
  await new Promise((resolve) => setTimeout(resolve, 300));
  await contiguity.imessage.typing({ ...conversation, action: 'stop' });
  log('  …  typing stopped');
  const { message_id } = await contiguity.imessage.reply(event, {
    message: 'We do! A table for two at 7pm is free. Shall I book it?',
  });
  log(`  -> ${event.data.from}: sent ${message_id}`);
  return 200;
}

const receiver = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    res.writeHead(await handleWebhook(Buffer.concat(chunks), req.headers)).end();
  } catch (error) {
    console.error(`  !! ${error.name}: ${error.message}`);
    res.writeHead(500).end();
  }
});
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
