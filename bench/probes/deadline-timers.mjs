// What an attempt's deadline timer costs in CPU right after a request over
// loopback HTTP, as a send meets it (its caches cold from the wait), made
// afresh and cleared against one kept and re-armed with `refresh()`
// (pkg-template/deadline.js, which the Deno entry uses). Interleaved rounds
// of 300 requests after 2 of warm-up; each figure is the median over rounds
// of µs per request, for making or re-arming the timer ("arm") and for
// clearing or unref'ing it ("disarm"). Node or Deno.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/deadline-timers.mjs http://127.0.0.1:PORT
//   deno run --allow-net=127.0.0.1 bench/probes/deadline-timers.mjs URL
// not part of `make bench`.
import { middle as median } from '../lib/stats.mjs';

const [base] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const MS = 30_000;
let kept;
const WAYS = {
  'nothing (the clock alone)': () => () => {},
  'a fresh timer, cleared': () => {
    const timer = setTimeout(() => {}, MS);
    return () => clearTimeout(timer);
  },
  'a kept timer, re-armed, unref-ed': () => {
    kept ??= setTimeout(() => {}, MS);
    const timer = kept;
    timer.ref();
    timer.refresh();
    return () => timer.unref();
  },
};
const init = () => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
const names = Object.keys(WAYS);
const figures = Object.fromEntries(names.map((name) => [name, { arm: [], disarm: [] }]));
for (let round = 0; round < 12; round++) {
  for (const name of names.map((_, i) => names[(i + round) % names.length])) {
    let arm = 0;
    let disarm = 0;
    for (let i = 0; i < 300; i++) {
      await (await fetch(`${base}/send/imessage`, init())).text();
      let started = performance.now();
      const end = WAYS[name]();
      arm += performance.now() - started;
      started = performance.now();
      end();
      disarm += performance.now() - started;
    }
    if (round >= 2) {
      figures[name].arm.push((arm * 1000) / 300);
      figures[name].disarm.push((disarm * 1000) / 300);
    }
  }
}
kept?.unref();
for (const name of names) {
  const { arm, disarm } = figures[name];
  console.log(`${name.padEnd(36)} arm ${median(arm).toFixed(2).padStart(6)}   disarm ${median(disarm).toFixed(2).padStart(6)}`);
}
console.log('µs per request, median of rounds');
