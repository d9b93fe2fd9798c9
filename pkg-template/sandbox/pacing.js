// The service's pacing of sends per leased line: one message per second
// sustained, bursts of five. A token bucket per line: it holds at most
// BURST tokens, refills RATE per second, and each send takes one.
export const RATE_PER_SECOND = 1;
export const BURST = 5;
// Lines remembered at once; a line whose bucket is full again is forgotten
// first (it behaves exactly like a line never seen).
const MAX_LINES = 1000;

export class Pacing {
  #lines = new Map();

  /**
   * Takes a token for `line` at `now` (ms). Returns 0 when the send may go,
   * else the whole seconds to wait (for Retry-After).
   */
  take(line, now) {
    const bucket = this.#refilled(line, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.#lines.set(line, bucket);
      this.#forgetIdle(now);
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / RATE_PER_SECOND));
  }

  clear() {
    this.#lines.clear();
  }

  #refilled(line, now) {
    const bucket = this.#lines.get(line) ?? { tokens: BURST, at: now };
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    return { tokens: Math.min(BURST, bucket.tokens + elapsed * RATE_PER_SECOND), at: now };
  }

  #forgetIdle(now) {
    if (this.#lines.size <= MAX_LINES) return;
    for (const [line] of this.#lines) {
      if (this.#refilled(line, now).tokens >= BURST) this.#lines.delete(line);
    }
    // Still too many lines busy at once: forget the oldest.
    while (this.#lines.size > MAX_LINES) this.#lines.delete(this.#lines.keys().next().value);
  }
}
