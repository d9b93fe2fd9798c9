// Validation cost as the attachments list grows (bench/probes/attachments.mjs
// in a fresh Node process): a refused send with 10, 1,000 and 100,000 URLs.
import { join } from 'node:path';
import { ROOT, runJson } from './process.mjs';
import { summarize } from './stats.mjs';

const PROBE = join(ROOT, 'bench/probes/attachments.mjs');
export const ATTACHMENT_COUNTS = [10, 1000, 100000];
const SETTINGS = { counts: ATTACHMENT_COUNTS, rounds: 21, warmupRounds: 1 };

export async function measureAttachments() {
  const { json } = await runJson(process.execPath, [PROBE, JSON.stringify(SETTINGS)], { timeoutMs: 300_000 });
  const result = { rejectedWith: json.rejectedWith };
  for (const count of ATTACHMENT_COUNTS) {
    result[count] = Object.fromEntries(Object.entries(json[count]).map(([sdk, samples]) => [sdk, summarize(samples, 1)]));
  }
  return result;
}
