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

/** ours / official, to 3 decimals; null when either side is missing. */
export function ratio(ours, official) {
  return ours == null || official == null || official === 0 ? null : round(ours / official, 3);
}
