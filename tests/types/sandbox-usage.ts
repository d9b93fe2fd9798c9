// The sandbox as its README shows it: `tsc --noEmit` must accept this file
// unchanged, and reject the wrong uses at the bottom.
import { Contiguity } from 'contiguity-imessage';
import { LIMITS, signWebhook, startSandbox } from 'contiguity-imessage/sandbox';
import type { Delivery, RecordedRequest, StoredMessage } from 'contiguity-imessage/sandbox';

export async function sandboxUsage(): Promise<void> {
  const sandbox = await startSandbox({ webhookUrl: 'http://127.0.0.1:8788/webhook', webhookSecret: ['whsec_a', 'whsec_b'] });
  const contiguity = new Contiguity('contiguity_sk_sandbox_test_key', { baseUrl: sandbox.url });
  await contiguity.imessage.send({ to: '+15551234567', message: 'Hi' });
  const [request]: RecordedRequest[] = sandbox.requests();
  const [message]: StoredMessage[] = sandbox.messages();
  void [request?.path, message?.id, LIMITS.messages];
  const queued: number = sandbox.inject([{ path: '/send/imessage', status: 429, headers: { 'retry-after': '1' } }]);
  void queued;
  const { delivery } = await sandbox.simulateIncoming({ from: '+15551234567', body: 'Hello' });
  const deliveries: Delivery[] = sandbox.deliveries();
  void [delivery, deliveries, signWebhook('{}', 'whsec_a', 1)];
  await sandbox.close();

  // @ts-expect-error a fault is an object, not a status
  sandbox.inject(429);
  // @ts-expect-error simulateIncoming needs the person's number
  await sandbox.simulateIncoming({ body: 'Hello' });
}
