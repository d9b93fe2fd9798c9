// Receives Contiguity's `imessage.incoming` webhook, checks its signature,
// and answers the sender: typing indicator, a reply, a read receipt.
// examples/node-edge/handler.mjs has the same flow on purpose: each example
// is a standalone project users copy whole. Keep the two in step.
import { Contiguity } from 'contiguity-imessage';

// One client per isolate, reused by every request it serves. Workers only
// hand out `env` with a request, so it is created on the first one.
let contiguity;
function client(env) {
  contiguity ??= new Contiguity(env.CONTIGUITY_API_KEY, { baseUrl: env.CONTIGUITY_BASE_URL });
  return contiguity;
}

export default {
  async fetch(request, env) {
    if (request.method !== 'POST') {
      return new Response('Method Not Allowed', { status: 405, headers: { allow: 'POST' } });
    }
    const contiguity = client(env);

    // Checks the Contiguity-Signature header against the raw body (read from
    // a clone, so the body can still be read below).
    if (!(await contiguity.webhook.verifyRequest(request, env.CONTIGUITY_WEBHOOK_SECRET))) {
      return new Response('invalid signature', { status: 401 });
    }
    const event = contiguity.webhook.parse(await request.text());
    if (event.type !== 'imessage.incoming') {
      return new Response('ignored', { status: 200 });
    }

    // `from` is the person, `to` our leased number.
    const conversation = { to: event.data.from, from: event.data.to };
    await contiguity.imessage.typing({ ...conversation, action: 'start' });
    const reply = `Thanks! We got your message: "${event.data.body}"`;
    await contiguity.imessage.typing({ ...conversation, action: 'stop' });
    await contiguity.imessage.reply(event, { message: reply });
    await contiguity.imessage.read(conversation);
    return new Response('ok', { status: 200 });
  },
};
