// webhook.verify in one Node process, both SDKs loaded: a delivery of
// `size` bytes (a Buffer, as express.raw() gives it) with a genuine
// signature header, checked with one secret. Rounds alternate between the
// SDKs after warm-up rounds; a round's figure is µs per check.
// Also, ours only: the same delivery as a Fetch Request through
// webhook.verifyRequest (a Promise; the official SDK has no such form).
//   node bench/probes/webhook.mjs '{"sizes":[1024,1048576],"rounds":9,"warmupRounds":2}'
// prints {"1024":{"ours":[µs, ...],"official":[...],"oursRequest":[...]},...}.
import { createHmac } from 'node:crypto';
import { API_KEY, SDKS, SPECIFIER } from '../lib/sdks.mjs';

const { sizes, rounds, warmupRounds } = JSON.parse(process.argv[2]);
const SECRET = 'whsec_bench_signing_secret';

const webhooks = {};
for (const sdk of SDKS) webhooks[sdk] = new (await import(SPECIFIER[sdk])).Contiguity(API_KEY).webhook;

/** An incoming-message event padded to `size` bytes of JSON, signed now. */
function delivery(size) {
  const event = { id: 'evt_1', type: 'imessage.incoming', timestamp: 1785698220, data: { body: '' } };
  const padding = size - Buffer.byteLength(JSON.stringify(event));
  event.data.body = 'x'.repeat(Math.max(0, padding));
  const body = Buffer.from(JSON.stringify(event));
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', SECRET).update(`${t}.`).update(body).digest('hex');
  return { body, header: `t=${t},v1=${v1}` };
}

// Enough checks per round for a round of several milliseconds.
const checksFor = (size) => Math.max(5, Math.round(4_000_000 / (size + 2_000)));

const result = {};
for (const size of sizes) {
  const { body, header } = delivery(size);
  const request = () =>
    new Request('https://example.com/webhook', { method: 'POST', headers: { 'contiguity-signature': header }, body });
  const CHECKS = {
    ours: () => webhooks.ours.verify(body, header, SECRET),
    official: () => webhooks.official.verify(body, header, SECRET),
    oursRequest: () => webhooks.ours.verifyRequest(request(), SECRET),
    // What making the Request costs, to take it out of oursRequest.
    request: () => request(),
  };
  for (const [who, check] of Object.entries(CHECKS)) {
    if (who !== 'request' && (await check()) !== true) throw new Error(`${who}: a genuine delivery of ${size} B did not verify`);
  }
  const checks = checksFor(size);
  const names = Object.keys(CHECKS);
  const samples = Object.fromEntries(names.map((who) => [who, []]));
  for (let round = 0; round < warmupRounds + rounds; round++) {
    for (const who of names.map((_, i) => names[(i + round) % names.length])) {
      const check = CHECKS[who];
      const started = performance.now();
      if (who === 'oursRequest') for (let i = 0; i < checks; i++) await check();
      else for (let i = 0; i < checks; i++) check(); // synchronous: no await between checks
      if (round >= warmupRounds) samples[who].push(((performance.now() - started) * 1000) / checks);
    }
  }
  result[size] = samples;
}
console.log(JSON.stringify(result));
