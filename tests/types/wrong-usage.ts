// Obviously wrong calls must not compile. Each `@ts-expect-error` fails the
// type check if the line below it compiles, so the typings cannot loosen
// unnoticed.
import { Contiguity, verifyWebhookRequest } from 'contiguity-imessage';

export async function wrong(contiguity: Contiguity): Promise<void> {
  // @ts-expect-error a tapback the service does not have
  await contiguity.imessage.react('add', { to: '+1234567890', from: '+15555555555', tapback: 'thumbsup', message: 'Hi' });
  // @ts-expect-error the documentation's message_id form is not part of the service's API
  await contiguity.imessage.react('add', { tapback: 'love', message_id: 'msg_...' });
  // @ts-expect-error react's action is 'add' | 'remove'
  await contiguity.imessage.react('toggle', { to: '+1234567890', from: '+15555555555', tapback: 'love', message: 'Hi' });
  // @ts-expect-error missing `to`
  await contiguity.imessage.send({ message: 'Hello!' });
  // @ts-expect-error `fastTrack` is not an option; `fast_track` is
  await contiguity.imessage.send({ to: '+1234567890', message: 'Hi', fastTrack: true });
  // @ts-expect-error fallback.when values are an enum
  await contiguity.imessage.send({ to: '+1234567890', message: 'Hi', fallback: { when: ['always'] } });
  // @ts-expect-error typing action is 'start' | 'stop'
  await contiguity.imessage.typing({ to: '+1234567890', action: 'pause' });
  // @ts-expect-error history needs `from`
  await contiguity.imessage.history({ to: '+1234567890' });
  // @ts-expect-error limit is a number, not a string
  await contiguity.imessage.history({ to: '+1234567890', from: '+15555555555', limit: '20' });
  // @ts-expect-error reply takes `to`/`from` from the event
  await contiguity.imessage.reply({ id: 'e', type: 'imessage.incoming', timestamp: 1, api_version: 'v', data: {} }, { to: '+1', message: 'x' });
  // @ts-expect-error get's id is a string
  await contiguity.imessage.get(42);
  // @ts-expect-error results are typed: send has no `status`
  const status: string = (await contiguity.imessage.send({ to: '+1234567890', message: 'Hi' })).status;
  void status;
  // @ts-expect-error options are checked: `retries` is not one
  new Contiguity('contiguity_sk_x', { retries: 3 });
  // @ts-expect-error a misspelt result field does not compile
  const misspelt = (await contiguity.imessage.send({ to: '+1234567890', message: 'Hi' })).messageId;
  void misspelt;
  const event = contiguity.webhook.parse('{}');
  // @ts-expect-error reply takes the imessage.incoming event; narrow with event.type first
  await contiguity.imessage.reply(event, { message: 'x' });
  if (event.type === 'email.incoming') {
    // @ts-expect-error an email event is not an iMessage to reply to
    await contiguity.imessage.reply(event, { message: 'x' });
  }
  const request = new Request('https://example.com/webhook', { method: 'POST', body: '{}' });
  // @ts-expect-error the synchronous verify does not take a Fetch Request
  contiguity.webhook.verify(request, 'whsec_x');
  // @ts-expect-error verifyRequest is a Promise: a check must await it
  const unchecked: boolean = contiguity.webhook.verifyRequest(request, 'whsec_x');
  void unchecked;
  // A forgotten `await` in a condition: a Promise is always truthy, so the
  // check would pass for a forged delivery. tsc --strict flags these forms
  // (TS2801, TS2367). It cannot flag a negation, `if (!verifyRequest(...))`:
  // that takes typescript-eslint's no-misused-promises.
  // @ts-expect-error a Promise in a condition is always true
  if (contiguity.webhook.verifyRequest(request, 'whsec_x')) return;
  // @ts-expect-error the same for the top-level function
  if (verifyWebhookRequest(request, 'whsec_x')) return;
  const pending = contiguity.webhook.verifyRequest(request, 'whsec_x');
  // @ts-expect-error a Promise kept in a variable, then tested
  if (pending) return;
  // @ts-expect-error in a ternary
  const answer = contiguity.webhook.verifyRequest(request, 'whsec_x') ? 'ok' : 'forged';
  // @ts-expect-error with &&
  if (contiguity.webhook.verifyRequest(request, 'whsec_x') && answer) return;
  // @ts-expect-error compared with true
  if (contiguity.webhook.verifyRequest(request, 'whsec_x') === true) return;
}
