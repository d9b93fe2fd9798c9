// Cold start: how long a fresh runtime takes from importing the package to
// having a client, in Node, Deno and workerd. Each figure is a median over
// RUNS fresh processes (or fresh workerd instances); the SDKs take turns, and
// a first, discarded round brings the disk caches and Deno's code cache to
// the state an installed app is in from its second start on. `none` (the
// same process importing nothing) is the floor under both.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SDKS } from './sdks.mjs';
import { benchDenoEnv, benchNodeEnv, bin, ROOT, runJson } from './process.mjs';
import { summarize } from './stats.mjs';
import { COMPATIBILITY_DATE, WORKERS } from './shipped.mjs';

const RUNS = 15;
// Copies of each Worker in one workerd for the per-isolate figure, and rounds.
const ISOLATES = 10;
const ISOLATE_RUNS = 9;
const TARGETS = [...SDKS, 'none'];
const IMPORT_PROBE = join(ROOT, 'bench/probes/cold-import.mjs');
const WORKERD_PROBE = join(ROOT, 'bench/probes/workerd-cold.mjs');

/** Fresh processes running the import probe: time inside, and the wall time of the whole process. */
async function freshProcesses(command, argsFor, env) {
  const inside = Object.fromEntries(TARGETS.map((target) => [target, []]));
  const wall = Object.fromEntries(TARGETS.map((target) => [target, []]));
  for (let round = 0; round <= RUNS; round++) {
    for (const target of TARGETS) {
      const { json, wallMs } = await runJson(command, argsFor(target), { env, timeoutMs: 30_000 });
      if (round === 0) continue;
      inside[target].push(json.ms);
      wall[target].push(wallMs);
    }
  }
  return Object.fromEntries(
    TARGETS.map((target) => [target, { inside: summarize(inside[target]), wall: summarize(wall[target]) }]),
  );
}

export const measureNode = () => freshProcesses(process.execPath, (target) => [IMPORT_PROBE, target], benchNodeEnv());

// No permission flags: neither SDK needs one to import and construct with an
// explicit key. Both resolve from the workspace's node_modules (its
// package.json puts Deno in that mode), and --cached-only keeps Deno off the
// network.
export const measureDeno = () =>
  freshProcesses(bin('deno'), (target) => ['run', '--cached-only', '--no-lock', IMPORT_PROBE, target], benchDenoEnv());

/** `workers`: the bundled Workers per SDK, from measureShipped(). */
export async function measureWorkerd(workers) {
  const none = join(WORKERS, 'none');
  mkdirSync(none, { recursive: true });
  writeFileSync(join(none, 'worker.js'), "export default { fetch: () => new Response('none') };\n");
  const all = {
    ...workers,
    none: { modules: [{ type: 'ESModule', path: join(none, 'worker.js') }], compatibilityFlags: [] },
  };
  const probe = async (runs, isolates) => {
    const config = JSON.stringify({ runs, isolates, compatibilityDate: COMPATIBILITY_DATE, workers: all });
    const { json } = await runJson(process.execPath, [WORKERD_PROBE, config], { timeoutMs: 300_000 });
    return json;
  };
  // The targets' measure: one Worker in a fresh workerd. Then each Worker
  // ISOLATES times in one fresh workerd: (that - none's) / ISOLATES is what
  // one Worker adds to a cold start, workerd's own start taken out.
  const single = await probe(RUNS, 1);
  const many = await probe(ISOLATE_RUNS, ISOLATES);
  return Object.fromEntries(
    TARGETS.map((target) => [
      target,
      {
        firstResponse: summarize(single[target]),
        isolates: ISOLATES,
        manyFirstResponses: summarize(many[target]),
        perIsolateNet: summarize(many[target].map((ms, round) => (ms - many.none[round]) / ISOLATES), 2),
      },
    ]),
  );
}
