// What validation costs as a list grows: a send refused for its `to` (a
// number), carrying 10, 1,000 or 100,000 attachment URLs, through each
// SDK, in one Node process. Ours checks the list against its maximum (10)
// before reading it, so a longer list is measured, never read: its cost
// should not grow with the list. In each round every list length and SDK
// takes a turn of as many calls as fill about 50 ms; a turn's figure is µs
// per call.
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

// About 50 ms of calls per round for each SDK, from how many calls fill
// 10 ms after 50 ms of calls untimed (the first hundreds run before the
// JIT has compiled them, and would set too few): a round of 3 calls (what
// the official SDK's cost at 100,000 items allows) put one garbage
// collection, of the garbage the other SDK's round left, into a third of
// the round's time.
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
async function callsFor(send) {
  await msPerCall(ROUND_MS, send);
  const perCall = await msPerCall(10, send);
  return Math.min(5000, Math.max(3, Math.round(ROUND_MS / perCall)));
}

const result = { rejectedWith: {} };
const sends = {};
for (const count of counts) {
  const input = params(count);
  sends[count] = {};
  for (const sdk of SDKS) {
    const before = requests();
    const error = await clients[sdk].send(input).then(() => null, (rejection) => rejection);
    if (!error || requests() !== before) throw new Error(`${sdk}: ${count} attachments were sent instead of refused`);
    result.rejectedWith[sdk] = error.name;
    const send = () => clients[sdk].send(input).catch(() => {});
    sends[count][sdk] = { send, calls: await callsFor(send) };
  }
  result[count] = Object.fromEntries(SDKS.map((sdk) => [sdk, []]));
}

// Every list length and SDK takes its turn in each round (the order
// rotating), so that a slow spell of the machine falls on all of them
// alike: when each length's rounds ran on their own, seconds apart, one
// spell could fall on all of ours at 100,000 items and none at 1,000.
const turns = counts.flatMap((count) => SDKS.map((sdk) => [count, sdk]));
for (let round = 0; round < warmupRounds + rounds; round++) {
  for (let j = 0; j < turns.length; j++) {
    const [count, sdk] = turns[(j + round) % turns.length];
    const { send, calls } = sends[count][sdk];
    const started = performance.now();
    for (let i = 0; i < calls; i++) await send();
    if (round >= warmupRounds) result[count][sdk].push(((performance.now() - started) * 1000) / calls);
  }
}
console.log(JSON.stringify(result));
