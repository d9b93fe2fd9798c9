// Summaries of repeated measurements. Cold starts are compared by their
// median (one slow run, a GC or a context switch, moves it least); per-call
// figures by their best round (`min`) and by round-by-round medians.

const round = (value, digits) => Number(value.toFixed(digits));

/** { median, min, max, runs, samples } of a list of numbers, rounded. */
export function summarize(samples, digits = 1) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return {
    median: round(median, digits),
    min: round(sorted[0], digits),
    max: round(sorted.at(-1), digits),
    runs: sorted.length,
    samples: samples.map((value) => round(value, digits)),
  };
}

/**
 * A 95% interval for the median of the distribution `samples` came from,
 * assuming only that they are independent draws of one distribution (not
 * its shape): the k-th smallest and k-th largest sample, k the largest for
 * which P(Binomial(n, 1/2) < k) <= 2.5%, so that it holds the median at
 * least 95 times in 100. For 30 samples, the 10th and the 21st (95.7%).
 * Null below 6 samples, where no k reaches 95%. Rounded to `digits`.
 */
export function medianInterval(samples, digits = 3) {
  const n = samples.length;
  if (samples.some(Number.isNaN)) throw new RangeError('medianInterval: a sample is NaN');
  // The binomial terms as logarithms: 0.5 ** n is 0 from n = 1075 on.
  let below = 0; // P(Binomial(n, 1/2) < k), for k = 0, 1, ...
  let logTerm = -n * Math.LN2; // log P(= k)
  let k = 0;
  while (k < n && below + Math.exp(logTerm) <= 0.025) {
    below += Math.exp(logTerm);
    logTerm += Math.log((n - k) / (k + 1));
    k += 1;
  }
  if (k === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return { low: round(sorted[k - 1], digits), high: round(sorted[n - k], digits) };
}

/**
 * Round by round, `samples[i] / reference[i]`: the median of those ratios
 * and its 95% interval (`medianInterval`), to `digits`.
 */
export function pairedRatio(samples, reference, digits = 3) {
  const ratios = samples.map((value, i) => value / reference[i]);
  return { median: summarize(ratios, digits).median, interval: medianInterval(ratios, digits) };
}

/** ours / official, to 3 decimals; null when either side is missing. */
export function ratio(ours, official) {
  return ours == null || official == null || official === 0 ? null : round(ours / official, 3);
}

/** The middle value of a list of numbers (the upper one of an even count). */
export const middle = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** µs of wall time since `start()`; the default clock of interleavedRounds. */
export const wallClock = { start: () => performance.now(), elapsedUs: (started) => (performance.now() - started) * 1000 };

/**
 * Runs each of `variants` (name -> async function) `calls` times a round,
 * the order rotating each round so that none always runs first; the first
 * `warmupRounds` are not kept. Returns name -> µs per call of each kept
 * round, by `clock` (`{ start(), elapsedUs(started) }`).
 */
export async function interleavedRounds(variants, { rounds, calls, warmupRounds = 2, clock = wallClock }) {
  const names = Object.keys(variants);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + round) % names.length];
      const started = clock.start();
      for (let i = 0; i < calls; i++) await variants[name]();
      if (round >= warmupRounds) samples[name].push(clock.elapsedUs(started) / calls);
    }
  }
  return samples;
}
