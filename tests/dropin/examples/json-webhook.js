// A reply as written for the official SDK's iMessage resource: the body
// parsed by express.json() is the event handed to reply(). The key comes
// from the environment and the app is exported so the test can serve it.
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
