// A route that sends what it is given, with error handling as written for
// the official SDK: zod's error for bad input (printing `error.errors`),
// ContiguityError for what the service refused.
import express from 'express';
import { z } from 'zod';
import { Contiguity, ContiguityError } from 'contiguity';

const app = express();
const contiguity = new Contiguity();

app.post('/notify', express.json(), async (req, res) => {
  try {
    const { message_id } = await contiguity.imessage.send({ to: req.body.to, message: req.body.message });
    res.json({ message_id });
  } catch (error) {
    if (error instanceof z.ZodError) {
      console.error('Validation error:', error.errors);
      res.status(400).json({ error: 'invalid input' });
    } else if (error instanceof ContiguityError) {
      console.error('Contiguity API error:', error.message, error.status);
      res.status(502).json({ error: 'could not send', status: error.status });
    } else {
      throw error;
    }
  }
});

export default app;
