// What validation costs as a list grows: a send refused for its `to` (a
// number), carrying 10, 1,000 or 100,000 attachment URLs, through each
// SDK, in one Node process. Ours checks the list against its maximum (10)
// before reading it, so a longer list is measured, never read: its cost
// should not grow with the list. In each round every list length and SDK
// takes a turn (below); a turn's figure is µs per call.
//   node bench/probes/attachments.mjs '{"counts":[10,1000,100000],"rounds":21,"warmupRounds":1}'
// prints {"10":{"ours":[µs, ...],"official":[...]},...,"rejectedWith":{...}}.
import { SDKS, loadIMessage, stubGlobalFetch } from '../lib/sdks.mjs';

const { counts, rounds, warmupRounds } = JSON.parse(process.argv[2]);
const requests = stubGlobalFetch();
const clients = {};
for (const sdk of SDKS) clients[sdk] = await loadIMessage(sdk);

const params = (count) => ({
  to: 15551234567,
  message: 'Photos',
  attachments: Array.from({ length: count }, (_, i) => `https://example.com/photo-${i}.jpg`),
});

// A turn makes as many calls as take 50 ms run on their own (among the
// other turns, the same calls take longer): a turn of 3 calls (what the
// official SDK's cost at 100,000 items allows) put one garbage collection,
// of the garbage the other SDK's turn left, into a third of the turn's
// time. The count is set from 10 ms of calls once every turn has run 50 ms
// untimed: the first hundreds of calls run before the JIT has compiled
// them, and a count set from them is too small.
const ROUND_MS = 50;

/** ms per call over as many calls as fill `ms`. */
async function msPerCall(ms, send) {
  const started = performance.now();
  let calls = 0;
  do {
    await send();
    calls += 1;
  } while (performance.now() - started < ms);
  return (performance.now() - started) / calls;
}

const result = { rejectedWith: {} };
const turns = [];
for (const count of counts) {
  const input = params(count);
  for (const sdk of SDKS) {
    const before = requests();
    const error = await clients[sdk].send(input).then(() => null, (rejection) => rejection);
    if (!error || requests() !== before) throw new Error(`${sdk}: ${count} attachments were sent instead of refused`);
    result.rejectedWith[sdk] = error.name;
    turns.push({ count, sdk, send: () => clients[sdk].send(input).catch(() => {}) });
  }
  result[count] = Object.fromEntries(SDKS.map((sdk) => [sdk, []]));
}
for (const turn of turns) await msPerCall(ROUND_MS, turn.send); // warm-up, untimed
for (const turn of turns) {
  const calls = Math.round(ROUND_MS / (await msPerCall(10, turn.send)));
  turn.calls = Math.min(5000, Math.max(3, calls));
}

// Every list length and SDK takes a turn in each round, so that a slow
// spell of the machine falls on all of them alike: when each length's
// rounds ran on their own, seconds apart, one spell could fall on all of
// ours at 100,000 items and none at 1,000. The order turns every round and
// runs backwards every other one, so that no turn always follows the same
// one (the official SDK's at 100,000 items leaves the most garbage).
for (let round = 0; round < warmupRounds + rounds; round++) {
  const turned = turns.map((_, j) => turns[(j + round) % turns.length]);
  for (const { count, sdk, send, calls } of round % 2 ? turned.reverse() : turned) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) await send();
    if (round >= warmupRounds) result[count][sdk].push(((performance.now() - started) * 1000) / calls);
  }
}
console.log(JSON.stringify(result));
