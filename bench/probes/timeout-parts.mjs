// What a per-attempt timeout is made of, each part alone in a tight loop:
// a fresh AbortController and its signal, and a 30 s timer set and
// cleared (with and without another timer of the same length alive, which
// in Node keeps that length's timer list). The runtime's costs, not the
// package's: compare Nodes (the machine's, target/node-lts's) and Deno.
//   node bench/probes/timeout-parts.mjs      (or deno run bench/probes/timeout-parts.mjs)
// prints a table; not part of `make bench`.
const CALLS = 200_000;
const ROUNDS = 7;
const noop = () => {};

const parts = {
  'new AbortController().signal': () => new AbortController().signal,
  'setTimeout(30 s) + clearTimeout': () => clearTimeout(setTimeout(noop, 30_000)),
  'both': () => {
    const { signal } = new AbortController();
    clearTimeout(setTimeout(noop, 30_000));
    return signal;
  },
};

const samples = Object.fromEntries(Object.keys(parts).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, part] of Object.entries(parts)) {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) part();
    samples[name].push(((performance.now() - started) * 1e6) / CALLS);
  }
}
const alive = setTimeout(noop, 30_000);
const withAlive = [];
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) clearTimeout(setTimeout(noop, 30_000));
  withAlive.push(((performance.now() - started) * 1e6) / CALLS);
}
clearTimeout(alive);
samples['the timer, another 30 s timer alive'] = withAlive;

for (const [name, values] of Object.entries(samples)) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(`${sorted[sorted.length >> 1].toFixed(0).padStart(6)} ns (best ${sorted[0].toFixed(0)})  ${name}`);
}
console.log(`median (best) of ${ROUNDS} rounds of ${CALLS.toLocaleString('en-US')}, wall time`);
