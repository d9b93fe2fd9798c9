// Cold starts in workerd: for each Worker, a fresh Miniflare instance (a new
// workerd process) is started with `isolates` copies of it (separate
// isolates, as separate Workers are) and asked for each copy's first
// response; the time from creating the instance to having read the last one
// is one sample. With several copies, what each Worker adds to workerd's own
// start is counted that many times over, well above the noise of that start.
// Workers take turns (ours, official, none, ours, ...) so that a slow phase
// of the machine hits all of them; a first, discarded round warms up Node
// and Miniflare themselves.
//   node bench/probes/workerd-cold.mjs '{"runs":15,"isolates":1,"compatibilityDate":"2026-04-01",
//     "workers":{"ours":{"modules":[...],"compatibilityFlags":[]},...}}'
// prints {"ours":[ms, ...], ...}.
import { Miniflare } from 'miniflare';

const { runs, isolates, compatibilityDate, workers } = JSON.parse(process.argv[2]);

async function firstResponses(name, { modules, compatibilityFlags }) {
  const names = Array.from({ length: isolates }, (_, i) => `${name}-${i}`);
  const started = performance.now();
  // Reached by route through dispatchFetch (getWorker would start a proxy
  // worker of Miniflare's own, adding its start to every sample).
  const mf = new Miniflare({
    workers: names.map((copy) => ({
      name: copy,
      routes: [`${copy}.bench/*`],
      modules,
      compatibilityDate,
      compatibilityFlags,
    })),
  });
  try {
    for (const copy of names) {
      const response = await mf.dispatchFetch(`http://${copy}.bench/`);
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${copy}: HTTP ${response.status}: ${body}`);
    }
    return performance.now() - started;
  } finally {
    await mf.dispose(); // stops this workerd
  }
}

const samples = Object.fromEntries(Object.keys(workers).map((name) => [name, []]));
for (let round = 0; round <= runs; round++) {
  for (const [name, worker] of Object.entries(workers)) {
    const ms = await firstResponses(name, worker);
    if (round > 0) samples[name].push(ms);
  }
}
console.log(JSON.stringify(samples));
