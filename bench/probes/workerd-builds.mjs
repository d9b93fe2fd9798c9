// Builds of ours side by side with the official SDK over loopback HTTP in
// workerd, as loopback-builds.mjs does in Node and Deno: each package
// folder is bundled into a Worker the way `make bench` bundles the
// installed one, and all of them (the official Worker too) run in one
// Miniflare instance through bench/probes/workerd-loopback.mjs. Prints each
// one's median µs per send (read inside the Worker) and its median ratio to
// the official, round by round, with its 95% interval (stats.mjs); on
// Linux the same for the CPU time of the workerd process. 30 rounds of 150
// sends after 4 of warm-up (`make bench` takes 2): each Worker's first
// rounds run slowest.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/workerd-builds.mjs http://127.0.0.1:PORT DIR [DIR ...]
// not part of `make bench`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sendingWorker } from '../lib/loopback.mjs';
import { ROOT, runJson } from '../lib/process.mjs';
import { SPECIFIER } from '../lib/sdks.mjs';
import { bundle, COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, modulesOf, WORKERS } from '../lib/shipped.mjs';
import { intervalText } from '../lib/report.mjs';
import { pairedRatio, summarize } from '../lib/stats.mjs';

const [url, ...dirs] = process.argv.slice(2);
if (!url || dirs.length === 0) throw new Error('usage: workerd-builds.mjs URL DIR [DIR ...]');

async function worker(name, sdk, specifier) {
  const dir = join(WORKERS, `builds-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'worker.mjs'), sendingWorker(specifier));
  return { modules: modulesOf((await bundle(sdk, dir, true)).paths), compatibilityFlags: COMPATIBILITY_FLAGS[sdk] };
}

const workers = { official: await worker('official', 'official', SPECIFIER.official) };
const names = { official: 'official' };
for (const [i, dir] of dirs.entries()) {
  workers[`build${i}`] = await worker(`build${i}`, 'ours', join(resolve(dir), 'index.workerd.js'));
  names[`build${i}`] = dir;
}
const config = { rounds: 30, calls: 150, warmupRounds: 4, compatibilityDate: COMPATIBILITY_DATE, url, workers };
const { json } = await runJson(process.execPath, [join(ROOT, 'bench/probes/workerd-loopback.mjs'), JSON.stringify(config)], {
  timeoutMs: 600_000,
});
/** The median of `samples` in µs, printed to 0.1 and padded for the table. */
const medianText = (samples) => summarize(samples, 3).median.toFixed(1).padStart(7);
/** The median ratio of `key`'s rounds to the official's, with its 95% interval. */
function ratioText(rounds, key) {
  const { median: ratio, interval } = pairedRatio(rounds[key], rounds.official);
  return `${ratio.toFixed(3)} (${intervalText(interval)})`;
}
for (const [key, name] of Object.entries(names)) {
  const cpu = json.cpu ? `   workerd's CPU ${medianText(json.cpu[key])} µs, / official ${ratioText(json.cpu, key)}` : '';
  console.log(`${name.padEnd(30)} ${medianText(json.inside[key])} µs, / official ${ratioText(json.inside, key)}${cpu}`);
}
