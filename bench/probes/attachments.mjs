// What validation costs as a list grows: a send refused for its `to` (a
// number), carrying 10, 1,000 or 100,000 attachment URLs, through each
// SDK, in one Node process. Ours checks the list against its maximum (10)
// before reading it, so a longer list is measured, never read: its cost
// should not grow with the list. Rounds alternate between the SDKs, each
// SDK's as many calls as fill about 50 ms; a round's figure is µs per call.
//   node bench/probes/attachments.mjs '{"counts":[10,1000,100000],"rounds":7,"warmupRounds":1}'
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

// About 50 ms of calls per round for each SDK, from the time of a few
// calls first: a round of 3 calls (what the official SDK's cost at 100,000
// items allows) put one garbage collection, of the garbage the other SDK's
// round left, into a third of the round's time.
const ROUND_MS = 50;
async function callsFor(send) {
  const started = performance.now();
  for (let i = 0; i < 3; i++) await send();
  const perCall = (performance.now() - started) / 3;
  return Math.min(5000, Math.max(3, Math.round(ROUND_MS / perCall)));
}

const result = { rejectedWith: {} };
for (const count of counts) {
  const input = params(count);
  for (const sdk of SDKS) {
    const before = requests();
    const error = await clients[sdk].send(input).then(() => null, (rejection) => rejection);
    if (!error || requests() !== before) throw new Error(`${sdk}: ${count} attachments were sent instead of refused`);
    result.rejectedWith[sdk] = error.name;
  }
  const sends = Object.fromEntries(SDKS.map((sdk) => [sdk, () => clients[sdk].send(input).catch(() => {})]));
  const calls = {};
  for (const sdk of SDKS) calls[sdk] = await callsFor(sends[sdk]);
  result[count] = Object.fromEntries(SDKS.map((sdk) => [sdk, []]));
  for (let round = 0; round < warmupRounds + rounds; round++) {
    for (const sdk of round % 2 ? [...SDKS].reverse() : SDKS) {
      const started = performance.now();
      for (let i = 0; i < calls[sdk]; i++) await sends[sdk]();
      if (round >= warmupRounds) result[count][sdk].push(((performance.now() - started) * 1000) / calls[sdk]);
    }
  }
}
console.log(JSON.stringify(result));
