// Two builds of ours over loopback HTTP, each process of
// loopback-builds.mjs loading them in one order and the next in the other.
// The order matters: in one process of loopback-builds.mjs, a package
// imported later sends more slowly than one imported earlier, the same
// package included (two copies of one build differ by 0.07 to 0.15 of the
// official's time in Deno: BENCHMARKS.md, "The order packages are
// imported in"), which is as large as the changes being compared. So each
// order runs as often as the other, and the difference between the builds
// is the mean of the two orders' differences, in which the order's own
// effect cancels; half the gap between the orders is that effect.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/loopback-orders.mjs deno|node|node-lts URL PAIRS DIR_A DIR_B
// PAIRS: how many processes of each order. Prints each process's ratios
// (ours / official) and the corrected difference, A - B. Not part of
// `make bench`.
import { join } from 'node:path';
import { benchDenoEnv, bin, nodeLts, ROOT, run } from '../lib/process.mjs';
import { middle as median } from '../lib/stats.mjs';

const [runtime, url, pairsText, a, b] = process.argv.slice(2);
const pairs = Number(pairsText);
const PROBE = join(ROOT, 'bench/probes/loopback-builds.mjs');
const COMMANDS = {
  node: () => [process.execPath, [PROBE]],
  'node-lts': () => [nodeLts().path, [PROBE]],
  deno: () => [bin('deno'), ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', PROBE]],
};
if (!COMMANDS[runtime] || !url || !(pairs >= 1) || !a || !b) {
  throw new Error('usage: loopback-orders.mjs deno|node|node-lts URL PAIRS DIR_A DIR_B');
}

/** One process of loopback-builds.mjs with `dirs` in that order: each one's ratio to the official. */
async function ratios(dirs) {
  const [command, args] = COMMANDS[runtime]();
  const env = runtime === 'deno' ? benchDenoEnv() : undefined;
  const { code, stdout, stderr } = await run(command, [...args, url, ...dirs], { env, timeoutMs: 600_000 });
  if (code !== 0) throw new Error(`loopback-builds.mjs exited with ${code}\n${stdout}\n${stderr}`);
  const ratioOf = (dir) => {
    const line = stdout.split('\n').find((l) => l.startsWith(dir + ' '));
    const ratio = Number(line?.match(/official ([0-9.]+)/)?.[1]);
    if (!(ratio > 0)) throw new Error(`no ratio for ${dir} in:\n${stdout}`);
    return ratio;
  };
  return dirs.map(ratioOf);
}

const aFirst = []; // A - B with A imported first
const bFirst = []; // A - B with B imported first
for (let i = 0; i < pairs; i++) {
  const [a1, b1] = await ratios([a, b]);
  console.log(`A first: A ${a1.toFixed(3)}  B ${b1.toFixed(3)}`);
  aFirst.push(a1 - b1);
  const [b2, a2] = await ratios([b, a]);
  console.log(`B first: A ${a2.toFixed(3)}  B ${b2.toFixed(3)}`);
  bFirst.push(a2 - b2);
}
const corrected = (median(aFirst) + median(bFirst)) / 2;
const orderEffect = (median(bFirst) - median(aFirst)) / 2;
console.log(`A = ${a}, B = ${b}; ${runtime}, ${pairs} process(es) in each order`);
console.log(`A - B, ratio to the official: ${corrected.toFixed(3)} (the median of each order's, averaged)`);
console.log(`imported second instead of first: ${orderEffect >= 0 ? '+' : ''}${orderEffect.toFixed(3)} (the order's own effect)`);
