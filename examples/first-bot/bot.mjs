import http from 'node:http';
import { createWebhookHandler, toNodeHandler } from 'contiguity-imessage';

const bot = createWebhookHandler({
  secret: process.env.CONTIGUITY_WEBHOOK_SECRET, // whsec_…: every delivery is signed with it
  apiKey: process.env.CONTIGUITY_API_KEY, // contiguity_sk_…
  clientOptions: { baseUrl: process.env.CONTIGUITY_BASE_URL }, // the sandbox; unset for the real API
  // event.data: { from: the person, to: your leased number, body, attachments }
  async onMessage(event, { read, typing, reply }) {
    await read();
    await typing('start');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await typing('stop');
    await reply(`You said: "${event.data.body}"`);
  },
});

// The handler checks the signature, drops redelivered events, answers 200 at once and runs onMessage.
const port = Number(process.env.PORT ?? 8788);
http.createServer(toNodeHandler(bot)).listen(port, '127.0.0.1', () => console.log(`bot on http://127.0.0.1:${port}`));
