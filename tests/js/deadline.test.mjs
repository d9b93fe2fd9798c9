// The deadline timers the Deno entry keeps between attempts
// (pkg-template/deadline.js), tested here on Node's timers, which are
// Timeout objects too; the Deno runtime test runs them through the
// package. The packed file, as the entry imports it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { run } from '../runtimes/support/process.mjs';

const DEADLINE_JS = fileURLToPath(new URL('../../node_modules/contiguity-imessage/deadline.js', import.meta.url));
const { keptDeadlineTimers } = await import(DEADLINE_JS);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('a disarmed deadline never fires, and its timer is re-armed for the next one', async () => {
  const { arm, disarm } = keptDeadlineTimers();
  let first = 0;
  const deadline = arm(40, () => first++);
  const timer = deadline.timer;
  disarm(deadline);
  await sleep(80); // past the first deadline: the kept timer fires with nothing to do
  assert.equal(first, 0);
  let second = 0;
  const again = arm(40, () => second++);
  assert.equal(again.timer, timer, 'the kept timer, not a new one');
  await sleep(15);
  assert.equal(second, 0, 'counted from the new arm, not the old one');
  await sleep(80);
  assert.equal(second, 1);
  await sleep(60);
  assert.equal(second, 1, 'once only');
});

test('a kept timer re-armed early is counted from the new arm', async () => {
  const { arm, disarm } = keptDeadlineTimers();
  disarm(arm(100, () => {}));
  await sleep(60);
  let fired = 0;
  const started = performance.now();
  let firedAt;
  arm(100, () => {
    fired++;
    firedAt = performance.now() - started;
  });
  await sleep(200);
  assert.equal(fired, 1);
  assert.ok(firedAt >= 95, `fired ${firedAt} ms after its arm`);
});

test('concurrent deadlines each fire on their own; more than are kept are cleared', async () => {
  const { arm, disarm } = keptDeadlineTimers();
  const fired = new Array(20).fill(0);
  const deadlines = fired.map((_, i) => arm(30, () => fired[i]++));
  for (let i = 0; i < 20; i += 2) disarm(deadlines[i]);
  await sleep(80);
  assert.deepEqual(fired, fired.map((_, i) => (i % 2 === 0 ? 0 : 1)));
  // All of them disarmed at once: eight are kept, and reused.
  const timers = new Set(fired.map((_, i) => arm(30, () => {})).map((d) => (disarm(d), d.timer)));
  const reused = new Set(Array.from({ length: 20 }, () => arm(30, () => {})).map((d) => d.timer));
  assert.equal([...reused].filter((t) => timers.has(t)).length, 8);
});

test('a kept timer is not reused for another duration', async () => {
  const { arm, disarm } = keptDeadlineTimers();
  const short = arm(20, () => {});
  disarm(short);
  let fired = 0;
  const long = arm(120, () => fired++);
  assert.notEqual(long.timer, short.timer);
  await sleep(60);
  assert.equal(fired, 0);
  await sleep(120);
  assert.equal(fired, 1);
});

test('a replaced setTimeout (a fake clock) makes the timers from then on, and what cannot be re-armed is cleared', async () => {
  const { arm, disarm } = keptDeadlineTimers();
  disarm(arm(50, () => {})); // a real timer kept
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const fake = new Map();
  const cleared = [];
  let next = 1;
  globalThis.setTimeout = (callback, ms) => (fake.set(next, { callback, ms }), next++);
  globalThis.clearTimeout = (id) => (cleared.push(id), fake.delete(id));
  try {
    let fired = 0;
    const deadline = arm(50, () => fired++);
    assert.equal(typeof deadline.timer, 'number', 'a timer of the fake clock');
    fake.get(deadline.timer).callback();
    assert.equal(fired, 1);
    const other = arm(50, () => {});
    disarm(other);
    assert.deepEqual(cleared.slice(-1), [other.timer], 'a number is cleared, never kept');
    assert.notEqual(arm(50, () => {}).timer, other.timer);
    assert.ok(!cleared.some((id) => typeof id !== "number"), "the fake clearTimeout is never given a real timer");
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
  // Back on the real clock: its timers again, fresh.
  let fired = 0;
  arm(20, () => fired++);
  await sleep(60);
  assert.equal(fired, 1);
});

test('a kept timer that something else cleared is replaced, not re-armed dead', async () => {
  const { arm, disarm } = keptDeadlineTimers();
  const deadline = arm(30, () => {});
  disarm(deadline);
  clearTimeout(deadline.timer); // a stray clear, as a fake clock's id reaching the real clock can be
  let fired = 0;
  const next = arm(30, () => fired++);
  assert.notEqual(next.timer, deadline.timer);
  await sleep(80);
  assert.equal(fired, 1);
});

test('kept timers are found by duration when clients with different timeoutMs take turns', () => {
  const { arm, disarm } = keptDeadlineTimers();
  const short = arm(30, () => {});
  const long = arm(60, () => {});
  disarm(short);
  disarm(long);
  assert.equal(arm(30, () => {}).timer, short.timer);
  assert.equal(arm(60, () => {}).timer, long.timer);
});

test('a fake clock whose timers are objects with ref, unref and refresh: never kept, cleared as before', () => {
  const { arm, disarm } = keptDeadlineTimers();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const pending = new Set();
  // The shape @sinonjs/fake-timers and node:test's mock timers give.
  globalThis.setTimeout = () => {
    const timer = { ref: () => timer, unref: () => timer, refresh: () => timer, hasRef: () => true };
    pending.add(timer);
    return timer;
  };
  globalThis.clearTimeout = (timer) => pending.delete(timer);
  try {
    for (let i = 0; i < 3; i++) disarm(arm(50, () => {}));
    assert.equal(pending.size, 0, 'a fake timer was left pending');
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
});

test('a clearTimeout that throws does not escape disarm', () => {
  const { arm, disarm } = keptDeadlineTimers();
  const realClear = globalThis.clearTimeout;
  const many = Array.from({ length: 12 }, () => arm(50, () => {}));
  globalThis.clearTimeout = () => {
    throw new Error('clearTimeout broke');
  };
  try {
    for (const deadline of many) disarm(deadline); // the four past those kept are cleared
  } finally {
    globalThis.clearTimeout = realClear;
  }
  for (const deadline of many) clearTimeout(deadline.timer);
});

test('a timer whose ref or refresh throws is replaced, not trusted', async () => {
  const { arm, disarm } = keptDeadlineTimers();
  const deadline = arm(30, () => {});
  disarm(deadline);
  deadline.timer.refresh = () => {
    throw new Error('refresh broke');
  };
  let fired = 0;
  const next = arm(30, () => fired++);
  assert.notEqual(next.timer, deadline.timer);
  await sleep(80);
  assert.equal(fired, 1);
});

test('kept timers keep no process alive', { timeout: 30_000 }, async () => {
  const script = `
    const { keptDeadlineTimers } = await import(${JSON.stringify(new URL(`file://${DEADLINE_JS}`).href)});
    const { arm, disarm } = keptDeadlineTimers();
    for (let i = 0; i < 3; i++) disarm(arm(60_000, () => console.log('fired')));
    console.log('done');
  `;
  const started = Date.now();
  const result = await run(process.execPath, ['--input-type=module', '-e', script], { timeoutMs: 20_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'done');
  assert.ok(Date.now() - started < 15_000, 'the process waited for a kept timer');
});
