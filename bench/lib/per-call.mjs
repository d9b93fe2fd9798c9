// Per-call cost (bench/probes/per-call.mjs in a fresh Node process, in the
// machine's Node and in the current LTS): the best round of each SDK, in
// microseconds per call. The best round is the
// one least disturbed by GC pauses and other processes, so it is the figure
// compared; the median round is kept in the results for the spread.
import { join } from 'node:path';
import { nodeLts, ROOT, runJson } from './process.mjs';
import { summarize } from './stats.mjs';

const PROBE = join(ROOT, 'bench/probes/per-call.mjs');
const SETTINGS = { rounds: 15, calls: 2000, warmupRounds: 2 };

/** The per-call figures in this Node and in the current LTS Node. */
export async function measurePerCall() {
  return { node: await measureIn(process.execPath), nodeLts: await measureIn(nodeLts().path) };
}

async function measureIn(node) {
  const { json } = await runJson(node, [PROBE, JSON.stringify(SETTINGS)], { timeoutMs: 180_000 });
  const result = { ...SETTINGS, rejectedWith: json.rejectedWith };
  for (const kind of ['valid', 'rejected']) {
    const rounds = json[kind];
    result[kind] = Object.fromEntries(
      Object.keys(rounds).map((who) => {
        const summary = summarize(rounds[who], 2);
        return [who, { bestUs: summary.min, medianUs: summary.median, worstUs: summary.max, rounds: summary.samples }];
      }),
    );
    // Round by round, all three measured back to back: steadier than
    // comparing best rounds, which may come from different moments.
    const paired = (f) => summarize(rounds.ours.map((_, i) => f(i)), 3).median;
    result[kind].paired = {
      ratio: paired((i) => rounds.ours[i] / rounds.official[i]),
      floorShare: paired((i) => rounds.floor[i] / rounds.official[i]),
      oursOverFloorUs: paired((i) => rounds.ours[i] - rounds.floor[i]),
      officialOverFloorUs: paired((i) => rounds.official[i] - rounds.floor[i]),
      // What a per-attempt timeout costs any client in this runtime.
      ...(rounds.floorTimed && { timeoutUs: paired((i) => rounds.floorTimed[i] - rounds.floor[i]) }),
    };
    // The same differences in CPU time, which waiting for a busy core does not inflate.
    const cpu = json[`${kind}Cpu`];
    const pairedCpu = (f) => summarize(cpu.ours.map((_, i) => f(i)), 3).median;
    result[kind].cpu = {
      oursOverFloorUs: pairedCpu((i) => cpu.ours[i] - cpu.floor[i]),
      officialOverFloorUs: pairedCpu((i) => cpu.official[i] - cpu.floor[i]),
      ...(cpu.floorTimed && { timeoutUs: pairedCpu((i) => cpu.floorTimed[i] - cpu.floor[i]) }),
    };
  }
  return result;
}
