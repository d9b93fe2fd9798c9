// What validation costs as a list grows: a send refused for its `to` (a
// number), carrying 10, 1,000 or 100,000 attachment URLs, through each
// SDK, in one Node process. Ours checks the list against its maximum (10)
// before reading it, so a longer list is measured, never read: its cost
// should not grow with the list. Rounds alternate between the SDKs; a
// round's figure is µs per call.
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

// About 50 ms of work per round for the official SDK (which validates
// every item), whatever the count.
const callsFor = (count) => Math.max(3, Math.round(200_000 / (count + 20)));

const result = { rejectedWith: {} };
for (const count of counts) {
  const input = params(count);
  for (const sdk of SDKS) {
    const before = requests();
    const error = await clients[sdk].send(input).then(() => null, (rejection) => rejection);
    if (!error || requests() !== before) throw new Error(`${sdk}: ${count} attachments were sent instead of refused`);
    result.rejectedWith[sdk] = error.name;
  }
  const calls = callsFor(count);
  result[count] = Object.fromEntries(SDKS.map((sdk) => [sdk, []]));
  for (let round = 0; round < warmupRounds + rounds; round++) {
    for (const sdk of round % 2 ? [...SDKS].reverse() : SDKS) {
      const started = performance.now();
      for (let i = 0; i < calls; i++) await clients[sdk].send(input).catch(() => {});
      if (round >= warmupRounds) result[count][sdk].push(((performance.now() - started) * 1000) / calls);
    }
  }
}
console.log(JSON.stringify(result));
