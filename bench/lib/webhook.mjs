// webhook.verify for a 1 KB and a 1 MB delivery (bench/probes/webhook.mjs
// in a fresh Node process), both SDKs; and ours' verifyRequest with a
// Fetch Request, less the time to make the Request.
import { join } from 'node:path';
import { ROOT, runJson } from './process.mjs';
import { summarize } from './stats.mjs';

const PROBE = join(ROOT, 'bench/probes/webhook.mjs');
export const WEBHOOK_SIZES = [1024, 1048576];
const SETTINGS = { sizes: WEBHOOK_SIZES, rounds: 9, warmupRounds: 2 };

export async function measureWebhook() {
  const { json } = await runJson(process.execPath, [PROBE, JSON.stringify(SETTINGS)], { timeoutMs: 300_000 });
  const result = { rounds: SETTINGS.rounds };
  for (const size of WEBHOOK_SIZES) {
    const rounds = json[size];
    const paired = (f) => summarize(rounds.ours.map((_, i) => f(i)), 3).median;
    result[size] = {
      ...Object.fromEntries(Object.entries(rounds).map(([who, samples]) => [who, summarize(samples, 2)])),
      ratio: paired((i) => rounds.ours[i] / rounds.official[i]),
      oursRequestNetUs: paired((i) => rounds.oursRequest[i] - rounds.request[i]),
    };
  }
  return result;
}
