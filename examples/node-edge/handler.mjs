// An "edge-style" webhook handler: a web-standard (Request) => Response
// function, the shape Vercel and Netlify edge functions and most Node web
// frameworks accept. Same flow as the Worker example: verify the signature,
// parse, typing, reply, read receipt.
import { Contiguity } from 'contiguity-imessage';

// One client per process, created on first use.
let contiguity;
function client() {
  contiguity ??= new Contiguity(process.env.CONTIGUITY_API_KEY, { baseUrl: process.env.CONTIGUITY_BASE_URL });
  return contiguity;
}

/** @param {Request} request @returns {Promise<Response>} */
export async function handler(request) {
  if (request.method !== 'POST') {
    return new Response('Method Not Allowed', { status: 405, headers: { allow: 'POST' } });
  }
  const contiguity = client();

  // Checks the Contiguity-Signature header against the raw body (read from a
  // clone, so the body can still be read below).
  if (!(await contiguity.webhook.verifyRequest(request, process.env.CONTIGUITY_WEBHOOK_SECRET))) {
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
}

export default handler;
