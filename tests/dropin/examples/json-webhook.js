// The reply example Contiguity documents for the official SDK's iMessage
// resource: the body parsed by express.json() is the event handed to
// reply(). As documented, except that the key comes from the environment
// (the documented placeholder is not a key) and the app is exported.
import express from 'express';
import { Contiguity } from 'contiguity';

const app = express();
app.use(express.json());

const contiguity = new Contiguity();

app.post('/webhook', async (req, res) => {
  const event = req.body;

  const result = await contiguity.imessage.reply(event, {
    message: 'Thanks for your iMessage!',
    attachments: ['https://example.com/response.jpg'],
  });

  res.json({ success: true });
});

export default app;
