// A webhook receiver as written for the official SDK: the raw body for this
// route, verify the request, parse, reply (the SMS branch included, though
// only an iMessage event is delivered here). Only the import line changes
// between the packages (the suite's config does that), and the app is
// exported so the test can serve it.
import express from 'express';
import { Contiguity } from 'contiguity';

const app = express();
const contiguity = new Contiguity();

app.post('/webhook', express.raw({ type: 'application/json' }), async (req, res) => {
  if (!contiguity.webhook.verify(req, process.env.CONTIGUITY_WEBHOOK_SECRET)) {
    return res.sendStatus(401);
  }
  const event = contiguity.webhook.parse(req.body);
  if (event.type === 'text.incoming.sms' || event.type === 'text.incoming.mms') {
    await contiguity.text.reply(event, { message: 'Got it, thanks!' });
  }
  if (event.type === 'imessage.incoming') {
    await contiguity.imessage.reply(event, { message: 'Hi back!' });
  }
  res.sendStatus(200);
});

export default app;
