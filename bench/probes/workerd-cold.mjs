// Cold starts in workerd: for each Worker, a fresh Miniflare instance (a new
// workerd process) is started and asked for its first response; the time
// from creating the instance to having read that response is one sample.
// Workers take turns (ours, official, none, ours, ...) so that a slow phase
// of the machine hits all of them; a first, discarded round warms up Node
// and Miniflare themselves.
//   node bench/probes/workerd-cold.mjs '{"runs":15,"compatibilityDate":"2026-04-01",
//     "workers":{"ours":{"modules":[...],"compatibilityFlags":[]},...}}'
// prints {"ours":[ms, ...], ...}.
import { Miniflare } from 'miniflare';

const { runs, compatibilityDate, workers } = JSON.parse(process.argv[2]);

async function firstResponse(name, { modules, compatibilityFlags }) {
  const started = performance.now();
  const mf = new Miniflare({ modules, compatibilityDate, compatibilityFlags });
  try {
    const response = await mf.dispatchFetch('http://localhost/');
    const body = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}: ${body}`);
    return ms;
  } finally {
    await mf.dispose(); // stops this workerd
  }
}

const samples = Object.fromEntries(Object.keys(workers).map((name) => [name, []]));
for (let round = 0; round <= runs; round++) {
  for (const [name, worker] of Object.entries(workers)) {
    const ms = await firstResponse(name, worker);
    if (round > 0) samples[name].push(ms);
  }
}
console.log(JSON.stringify(samples));
