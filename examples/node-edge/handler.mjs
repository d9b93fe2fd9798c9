// An iMessage bot as a web-standard (request) => Response function, the
// shape Vercel and Netlify edge functions, Next.js routes and most Node web
// frameworks accept. Each incoming message is marked read, answered with a
// moment of typing, then a reply. examples/worker and examples/deno do the
// same on purpose: each example is a standalone project users copy whole.
// Keep them in step.
import { createWebhookHandler } from 'contiguity-imessage';

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The default de-duplication store is this process's memory: a redelivered
// event is answered once while the process runs.
export const handler = createWebhookHandler({
  secret: process.env.CONTIGUITY_WEBHOOK_SECRET,
  apiKey: process.env.CONTIGUITY_API_KEY,
  clientOptions: { baseUrl: process.env.CONTIGUITY_BASE_URL }, // unset: the real API
  async onMessage(event, { read, typing, reply }) {
    await read();
    await typing('start');
    await pause(1000);
    await typing('stop');
    await reply(`Thanks! We got your message: "${event.data.body}"`);
  },
});

export default handler;
