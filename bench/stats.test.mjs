// The bench's interval for a median (bench/lib/stats.mjs): which samples it
// picks, and that it holds the true median about as often as it says.
import test from 'node:test';
import assert from 'node:assert/strict';
import { medianInterval, pairedRatio } from './lib/stats.mjs';

const ranks = (n) => Array.from({ length: n }, (_, i) => i + 1);

test('picks the order statistics of the published table for a median', () => {
  // k-th smallest and k-th largest, the usual 95% table's k.
  assert.deepEqual(medianInterval(ranks(6)), { low: 1, high: 6 });
  assert.deepEqual(medianInterval(ranks(15)), { low: 4, high: 12 });
  assert.deepEqual(medianInterval(ranks(25)), { low: 8, high: 18 });
  assert.deepEqual(medianInterval(ranks(30)), { low: 10, high: 21 });
});

test('gives none where no pair of samples reaches 95%', () => {
  assert.equal(medianInterval(ranks(5)), null);
  assert.equal(medianInterval([]), null);
});

test('refuses a NaN sample, which no order places', () => {
  assert.throws(() => medianInterval([...ranks(9), NaN]), RangeError);
});

test('stays finite for thousands of samples', () => {
  // The 2.5% tail of Binomial(2000, 1/2) ends near 1000 - 1.96 * 22.4.
  const { low, high } = medianInterval(ranks(2000));
  assert.ok(low >= 950 && low <= 960, `low ${low}`);
  assert.equal(high, 2001 - low);
});

test('sorts the samples by value and leaves them as they were', () => {
  // Sorted as strings, 10 would come third and 7 second from the end.
  const samples = [3.2, 1.1, 2.05, 5, 4, 0.5, 10, 8, 7, 6];
  const copy = [...samples];
  // 10 samples: the 2nd smallest and the 2nd largest (97.9%).
  assert.deepEqual(medianInterval(samples, 2), { low: 1.1, high: 8 });
  assert.deepEqual(samples, copy);
});

test('holds the median of skewed samples about 95.7 times in 100', () => {
  // Exponential samples (median ln 2), 30 at a time, from a fixed-seed
  // generator, so that the count is the same on every run.
  let state = 42; // xorshift32
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 2 ** 32;
  };
  let held = 0;
  const trials = 4000;
  for (let t = 0; t < trials; t++) {
    const samples = Array.from({ length: 30 }, () => -Math.log(uniform()));
    const { low, high } = medianInterval(samples, 12);
    if (low <= Math.LN2 && Math.LN2 <= high) held += 1;
  }
  // 95.7% for n = 30. Over 4,000 trials one standard deviation is 0.32
  // points: the band is some four of them either way of the expected
  // share, and excludes the 90.6% and 98.7% of the k one off (11 or 9).
  assert.ok(held / trials >= 0.945 && held / trials <= 0.97, `held ${held} of ${trials}`);
});

test('pairs each sample with its reference round by round', () => {
  const ours = ranks(30).map((i) => 2 * i);
  const official = ranks(30);
  official[0] = 200; // one round of the reference, far off: its ratio 0.01
  assert.deepEqual(pairedRatio(ours, official), { median: 2, interval: { low: 2, high: 2 } });
});
