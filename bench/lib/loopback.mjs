// Per-call cost over a real HTTP connection: valid sends to a loopback
// server (bench/probes/loopback-server.mjs, its own Node process), from
// Node (the machine's and the current LTS) and Deno (bench/probes/loopback.mjs) and from workerd
// (bench/probes/workerd-loopback.mjs, Workers bundled here). Both SDKs
// reach the server the same way: through the global fetch, replaced by one
// that sends the request to the server instead of api.contiguity.com.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../tests/runtimes/support/process.mjs';
import { API_KEY, SDKS, SERVICE, SPECIFIER, VALID_SEND } from './sdks.mjs';
import { benchDenoEnv, benchNodeEnv, bin, nodeLts, ROOT, runJson } from './process.mjs';
import { bundle, COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, modulesOf, WORKERS } from './shipped.mjs';
import { pairedRatio, summarize } from './stats.mjs';

const SERVER = join(ROOT, 'bench/probes/loopback-server.mjs');
const PROBE = join(ROOT, 'bench/probes/loopback.mjs');
const WORKERD_PROBE = join(ROOT, 'bench/probes/workerd-loopback.mjs');
// One round's ratio, ours to the official, moves by about 0.15 either way
// on this 2-core VM (a slow spell falls on one side of a pair), and the
// median of 30 rounds in one process moved by about 0.03 from run to run,
// the distance to the 1.15 target (BENCHMARKS.md, "Loopback medians with
// their interval" and "Loopback rounds from three processes"). So each
// runtime's figures pool the rounds of PROCESSES processes, started by
// turns with the other runtimes': twice the rounds of one, and no one
// process, whatever made it fast or slow, decides the median.
const PROCESSES = 3;
const LOOPBACK_SETTINGS = { rounds: 20, calls: 300, warmupRounds: 2 };
// workerd: fewer sends per request to a Worker (one request, many subrequests).
const WORKERD_SETTINGS = { rounds: 20, calls: 150, warmupRounds: 2 };

// A Worker sending through the SDK `specifier` names (a package name or a
// file), the global fetch pointed at the server.
export const sendingWorker = (specifier) => `import { Contiguity } from '${specifier}';
let imessage;
export default {
  async fetch(request, env) {
    if (!imessage) {
      const real = globalThis.fetch.bind(globalThis);
      globalThis.fetch = (input, init) => real(env.LOOPBACK_URL + String(input).slice(${SERVICE.length}), init);
      imessage = new Contiguity('${API_KEY}').imessage;
    }
    const calls = Number(new URL(request.url).searchParams.get('calls'));
    const started = Date.now();
    for (let i = 0; i < calls; i++) {
      const sent = await imessage.send(${JSON.stringify(VALID_SEND)});
      if (sent.message_id !== 'imsg_1') throw new Error('the send did not go through');
    }
    return Response.json({ ms: Date.now() - started });
  },
};
`;

// The floors: the same request made directly, with (TIMED) or without
// the per-attempt AbortController and deadline timer.
const FLOOR_WORKER = `const init = () => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Authorization: 'Token ${API_KEY}' },
  body: ${JSON.stringify(JSON.stringify(VALID_SEND))},
});
async function send(url, timed) {
  if (!timed) return (await fetch(url, init())).json();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30000);
  try {
    return await (await fetch(url, { ...init(), signal: controller.signal })).json();
  } finally {
    clearTimeout(timer);
  }
}
export default {
  async fetch(request, env) {
    const calls = Number(new URL(request.url).searchParams.get('calls'));
    const timed = env.TIMED === 'yes';
    const started = Date.now();
    for (let i = 0; i < calls; i++) {
      const sent = await send(env.LOOPBACK_URL + '/send/imessage', timed);
      if (sent.data.message_id !== 'imsg_1') throw new Error('the send did not go through');
    }
    return Response.json({ ms: Date.now() - started });
  },
};
`;

async function loopbackWorkers() {
  const workers = {};
  const build = async (name, sdk, source) => {
    const dir = join(WORKERS, `loopback-${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'worker.mjs'), source);
    return modulesOf((await bundle(sdk, dir, true)).paths);
  };
  for (const sdk of SDKS) {
    workers[sdk] = { modules: await build(sdk, sdk, sendingWorker(SPECIFIER[sdk])), compatibilityFlags: COMPATIBILITY_FLAGS[sdk] };
  }
  const floor = await build('floor', 'ours', FLOOR_WORKER); // imports no SDK: flags and externals do not matter
  workers.floor = { modules: floor, compatibilityFlags: [], bindings: { TIMED: 'no' } };
  workers.floorTimed = { modules: floor, compatibilityFlags: [], bindings: { TIMED: 'yes' } };
  return workers;
}

/** Each participant's rounds of several runs (name -> µs per round) in one list, run after run. */
function pooled(runs) {
  return Object.fromEntries(Object.keys(runs[0]).map((who) => [who, runs.flatMap((run) => run[who])]));
}

/**
 * Per participant, its rounds (those of `runs`, pooled); round by round,
 * the ratios and differences that matter; and each run's own median
 * ratio, to show how far one process alone would have moved it.
 */
function summary(runs, settings) {
  const rounds = pooled(runs);
  const each = Object.fromEntries(
    Object.entries(rounds).map(([who, samples]) => {
      const s = summarize(samples, 1);
      return [who, { medianUs: s.median, bestUs: s.min, rounds: s.samples }];
    }),
  );
  const paired = (f) => summarize(rounds.ours.map((_, i) => f(i)), 3).median;
  // The median ratio with an interval that would hold it at least 95 times
  // in 100 (97.3 at 60 rounds) were the rounds independent draws of one
  // distribution (stats.mjs). Rounds of three processes whose own medians
  // differ are not quite, so it is narrower than it should be: the
  // processes' ratios are kept beside it.
  const { median: ratio, interval: ratioInterval } = pairedRatio(rounds.ours, rounds.official);
  return {
    ...settings,
    processes: runs.length,
    roundsPerProcess: runs[0].ours.length,
    rounds: rounds.ours.length,
    ...each,
    processRatios: runs.map((run) => pairedRatio(run.ours, run.official).median),
    paired: {
      ratio,
      ratioInterval,
      floorTimedShare: paired((i) => rounds.floorTimed[i] / rounds.official[i]),
      oursOverOfficialUs: paired((i) => rounds.ours[i] - rounds.official[i]),
      oursOverFloorUs: paired((i) => rounds.ours[i] - rounds.floor[i]),
      officialOverFloorUs: paired((i) => rounds.official[i] - rounds.floor[i]),
      timeoutUs: paired((i) => rounds.floorTimed[i] - rounds.floor[i]),
    },
  };
}

export async function measureLoopback() {
  const server = await startServer(process.execPath, [SERVER], { cwd: ROOT, env: benchNodeEnv(), timeoutMs: 900_000 });
  try {
    const settings = JSON.stringify({ url: server.url, ...LOOPBACK_SETTINGS });
    const config = JSON.stringify({
      ...WORKERD_SETTINGS,
      compatibilityDate: COMPATIBILITY_DATE,
      url: server.url,
      workers: await loopbackWorkers(),
    });
    const probes = {
      node: () => runJson(process.execPath, [PROBE, settings], { timeoutMs: 300_000 }),
      nodeLts: () => runJson(nodeLts().path, [PROBE, settings], { timeoutMs: 300_000 }),
      deno: () =>
        runJson(bin('deno'), ['run', '--cached-only', '--no-lock', '--allow-net=127.0.0.1', PROBE, settings], {
          env: benchDenoEnv(), timeoutMs: 300_000,
        }),
      workerd: () => runJson(process.execPath, [WORKERD_PROBE, config], { timeoutMs: 300_000 }),
    };
    // Each runtime's processes by turns with the others', not back to back.
    const runs = Object.fromEntries(Object.keys(probes).map((runtime) => [runtime, []]));
    for (let turn = 0; turn < PROCESSES; turn++) {
      for (const [runtime, probe] of Object.entries(probes)) runs[runtime].push((await probe()).json);
    }
    const workerd = runs.workerd;
    return {
      node: summary(runs.node, LOOPBACK_SETTINGS),
      nodeLts: summary(runs.nodeLts, LOOPBACK_SETTINGS),
      deno: summary(runs.deno, LOOPBACK_SETTINGS),
      workerd: {
        ...summary(workerd.map((run) => run.inside), WORKERD_SETTINGS),
        outside: summary(workerd.map((run) => run.outside), {}),
        // The workerd process's CPU time per send (Linux only): less spread
        // within a run than the wall time; across runs, no steadier so far.
        cpu: workerd.every((run) => run.cpu) ? summary(workerd.map((run) => run.cpu), {}) : null,
      },
    };
  } finally {
    await server.stop();
  }
}
