// Per-call cost over a real HTTP connection: sequential awaited valid sends
// to the loopback server (bench/probes/loopback-server.mjs), both SDKs in
// one process, in Node or Deno. Neither SDK is pointed at the server by an
// option (the official SDK has none): both call the global fetch, replaced
// by one that sends the same request to the server instead of
// api.contiguity.com; that costs both the same. Rounds alternate between
// the participants, in an order that turns every round, after warm-up
// rounds; a round's figure is its time per call, in µs.
// Participants besides the SDKs: "floor", the same request made directly
// (the official SDK's init, the body read and parsed: what any client pays)
// and "floorTimed", the same with what our timeout adds in any client: a
// fresh AbortController whose signal goes to fetch, and a deadline timer.
//   node bench/probes/loopback.mjs '{"url":"http://127.0.0.1:PORT","rounds":9,"calls":500,"warmupRounds":2}'
//   deno run --allow-net=127.0.0.1 bench/probes/loopback.mjs '{...}'
// prints {"ours":[µs, ...],"official":[...],"floor":[...],"floorTimed":[...]}.
import { LOOPBACK_FLOORS, SDKS, VALID_SEND, redirectFetchTo, loadIMessage } from '../lib/sdks.mjs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
// `first`: which SDK is imported first ("ours" unless said); the order of
// the imports moves the figures (BENCHMARKS.md, "The order packages are
// imported in").
const { url, rounds, calls, warmupRounds, first = 'ours' } = JSON.parse(args[0]);
let requests = 0;
redirectFetchTo(url, (send) => {
  requests += 1;
  return send();
});

const clients = {};
for (const sdk of [first, ...SDKS.filter((sdk) => sdk !== first)]) clients[sdk] = await loadIMessage(sdk);
for (const sdk of SDKS) {
  const before = requests;
  const sent = await clients[sdk].send(VALID_SEND);
  if (sent.message_id !== 'imsg_1' || requests !== before + 1) throw new Error(`${sdk}: the send did not go through`);
}

const CALLS = {
  ours: () => clients.ours.send(VALID_SEND),
  official: () => clients.official.send(VALID_SEND),
  ...LOOPBACK_FLOORS,
};

const participants = Object.keys(CALLS);
const result = Object.fromEntries(participants.map((who) => [who, []]));
for (let round = 0; round < warmupRounds + rounds; round++) {
  const order = participants.map((_, i) => participants[(i + round) % participants.length]);
  for (const who of order) {
    const call = CALLS[who];
    const started = performance.now();
    for (let i = 0; i < calls; i++) await call();
    const us = ((performance.now() - started) * 1000) / calls;
    if (round >= warmupRounds) result[who].push(us);
  }
}
console.log(JSON.stringify(result));
