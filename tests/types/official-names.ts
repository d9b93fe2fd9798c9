// Code typed against the official SDK's exported names, with only the
// import line changed. `tsc --noEmit` must accept this file unchanged.
import { Contiguity, ContiguityError } from 'contiguity-imessage';
import type {
  ContiguityConfig,
  ContiguityErrorData,
  ConversationHistoryParams,
  ImessageIncomingData,
  ImessageReactParams,
  ImessageReadParams,
  ImessageSendParams,
  ImessageTypingParams,
  ResponseMetadata,
  TextDeliveryData,
  TextIncomingData,
  WebhookEventBase,
} from 'contiguity-imessage';

export async function officialNames(event: WebhookEventBase): Promise<void> {
  const config: ContiguityConfig = { timeoutMs: 5000 };
  const contiguity = new Contiguity('contiguity_sk_...', config);
  const send: ImessageSendParams = { to: '+15551234567', message: 'Hi' };
  const typing: ImessageTypingParams = { to: '+15551234567', action: 'start' };
  const react: ImessageReactParams = { to: '+15551234567', from: '+15557654321', tapback: 'love', message: 'Hi' };
  const read: ImessageReadParams = { to: '+15551234567', from: '+15557654321' };
  const history: ConversationHistoryParams = { to: '+15551234567', from: '+15557654321' };
  const sent = await contiguity.imessage.send(send);
  const metadata: ResponseMetadata = sent.metadata;
  await contiguity.imessage.typing(typing);
  await contiguity.imessage.react('add', react);
  await contiguity.imessage.read(read);
  await contiguity.imessage.history(history);
  // reply takes the imessage.incoming event, narrowed (docs/differences.md, "Types").
  const parsed = contiguity.webhook.parse('{}');
  if (parsed.type === 'imessage.incoming') await contiguity.imessage.reply(parsed, { message: 'Hi back' });
  const incoming = event.data as unknown as ImessageIncomingData & TextIncomingData;
  const delivery = event.data as unknown as TextDeliveryData;
  // The official SDK's positional constructor, as its users' tests make errors.
  const error = new ContiguityError('Rate limited', 429, 'rate_limited', { agreement_url: 'https://x' });
  const data: ContiguityErrorData | undefined = error.data;
  const given: ContiguityErrorData = {};
  void [new ContiguityError('Not found', 404), new ContiguityError('Forbidden', 403, 'forbidden', given)];
  void [metadata, incoming.body, delivery.message_id, data, error.status];
}
