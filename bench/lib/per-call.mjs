// Per-call cost (bench/probes/per-call.mjs in a fresh Node process): the
// best round of each SDK, in microseconds per call. The best round is the
// one least disturbed by GC pauses and other processes, so it is the figure
// compared; the median round is kept in the results for the spread.
import { join } from 'node:path';
import { SDKS } from './sdks.mjs';
import { ROOT, runJson } from './process.mjs';
import { summarize } from './stats.mjs';

const PROBE = join(ROOT, 'bench/probes/per-call.mjs');
const SETTINGS = { rounds: 15, calls: 2000, warmupRounds: 2 };

export async function measurePerCall() {
  const { json } = await runJson(process.execPath, [PROBE, JSON.stringify(SETTINGS)], { timeoutMs: 180_000 });
  const result = { ...SETTINGS, rejectedWith: json.rejectedWith };
  for (const kind of ['valid', 'rejected']) {
    result[kind] = Object.fromEntries(
      [...SDKS, 'floor'].map((who) => {
        const rounds = summarize(json[kind][who], 2);
        return [who, { bestUs: rounds.min, medianUs: rounds.median, worstUs: rounds.max, rounds: rounds.samples }];
      }),
    );
  }
  return result;
}
