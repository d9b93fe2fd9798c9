// The examples of Contiguity's iMessage and webhook documentation, with only
// the import line changed. `tsc --noEmit` must accept this file unchanged.
import { Contiguity, ContiguityError, ValidationError } from 'contiguity-imessage';
import type { History, Message, SendResult, WebhookEvent } from 'contiguity-imessage';

// A request as Express hands it to a handler with express.raw().
declare const req: { body: Buffer; headers: Record<string, string | string[] | undefined> };

export async function docs(): Promise<void> {
  const contiguity = new Contiguity('contiguity_sk_...your_token...');
  const fromEnv = new Contiguity();
  void fromEnv;

  // Sending an iMessage
  const res = await contiguity.imessage.send({
    to: '+1234567890',
    message: 'Hello via iMessage!',
    // from: "+15555555555",
    fallback: {
      when: ['imessage_unsupported', 'imessage_fails'],
      from: '+15555555555',
    },
    attachments: ['https://example.com/image.png'],
  });
  const id: string = res.message_id;
  const requestId: string = res.metadata.id;
  void [id, requestId];

  await contiguity.imessage.send({ to: '+1234567890', message: 'Hello from your app!' });
  const result = await contiguity.imessage.send({ to: '+1234567890', message: 'Hello from iMessage!', from: '+0987654321' });
  console.log(result.message_id);

  // Typing indicators
  await contiguity.imessage.typing({ to: '+1234567890', action: 'start' });
  await contiguity.imessage.typing({ to: '+1234567890', action: 'stop' });

  // Fetch a message, history, read, availability
  const message: Message = await contiguity.imessage.get('msg_...');
  const history: History = await contiguity.imessage.history({ to: '+1234567890', from: '+15555555555', limit: 20 });
  const firstRead: number | undefined = history.conversation[0]?.read;
  void [message.status, firstRead, history.chat.total];
  await contiguity.imessage.read({ to: '+1234567890', from: '+15555555555' });
  const availability = await contiguity.imessage.availability({ to: '+1234567890' });
  const available: boolean = availability.available;
  void available;

  // Reactions, as the service's API defines them (to + from + message).
  await contiguity.imessage.react('add', { to: '+1234567890', from: '+15555555555', tapback: 'love', message: 'Hello' });

  // Webhooks: verify and parse
  const raw_body = req.body;
  const ok = contiguity.webhook.verify(raw_body, req.headers['contiguity-signature'], process.env.WEBHOOK_SECRET, 300);
  if (!ok) return;
  const event: WebhookEvent = contiguity.webhook.parse(raw_body);
  console.log(event.id, event.type, event.timestamp, event.data);

  // Reply
  if (!contiguity.webhook.verify(req, process.env.CONTIGUITY_WEBHOOK_SECRET)) return;
  if (event.type === 'imessage.incoming') {
    const reply: SendResult = await contiguity.imessage.reply(event, { message: 'Hi back!' });
    const sender: string = event.data.from;
    void [reply, sender];
  }
  // The iMessage docs' Express handler: `req.body` parsed by express.json().
  const parsedBody: any = JSON.parse('{}');
  await contiguity.imessage.reply(parsedBody, {
    message: 'Thanks for your iMessage!',
    attachments: ['https://example.com/response.jpg'],
  });

  // A Fetch Request (Workers, Deno): verification is asynchronous.
  const request = new Request('https://example.com/webhook', { method: 'POST', body: '{}' });
  const verified: boolean = await contiguity.webhook.verifyRequest(request, 'whsec_...');
  // During a secret rotation, both secrets.
  const rotated: boolean = contiguity.webhook.verify(raw_body, req.headers['contiguity-signature'], ['whsec_old', 'whsec_new']);
  void [verified, rotated];

  // Errors
  try {
    await contiguity.imessage.send({ to: '+1234567890', message: 'x' });
  } catch (error) {
    if (error instanceof ValidationError) {
      const paths: (string | number)[][] = error.issues.map((issue) => issue.path);
      void [paths, error.errors.length];
    } else if (error instanceof ContiguityError) {
      const code: 'rate_limited' | string = error.code;
      void [code, error.status, error.requestId, error.data?.agreement_url, error.retryAfter];
    }
  }
}
