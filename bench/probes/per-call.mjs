// Per-call cost in one Node process, both SDKs loaded, the global fetch
// stubbed: a valid send (validation, request building, the stubbed fetch,
// response parsing) and a rejected one (validation only: no request). Rounds
// of `calls` sequential awaited calls alternate between the SDKs (ours,
// official, ours, ...); a round's figure is its time per call. Warm-up
// rounds first, so the JIT has settled. A "floor" takes its turn too.
//   node bench/probes/per-call.mjs '{"rounds":15,"calls":2000,"warmupRounds":2}'
// prints {"valid":{"ours":[µs, ...],...,"floor":[...],"floorTimed":[...]},"rejected":{...},
// "validCpu":{...},"rejectedCpu":{...},"rejectedWith":{...}}.
import { INVALID_SEND, SDKS, VALID_SEND, loadIMessage, stubGlobalFetch } from '../lib/sdks.mjs';

const { rounds, calls: callsPerRound, warmupRounds } = JSON.parse(process.argv[2]);
const requests = stubGlobalFetch();
const clients = {};
for (const sdk of SDKS) clients[sdk] = await loadIMessage(sdk);

// What is measured must be what it claims: the valid send makes exactly one
// request and returns the message id; the invalid one is rejected without any.
const rejectedWith = {};
for (const sdk of SDKS) {
  let before = requests();
  const sent = await clients[sdk].send(VALID_SEND);
  if (sent.message_id !== 'imsg_1' || requests() !== before + 1) {
    throw new Error(`${sdk}: the valid send did not go through`);
  }
  before = requests();
  const error = await clients[sdk].send(INVALID_SEND).then(() => null, (rejection) => rejection);
  if (!error || requests() !== before) throw new Error(`${sdk}: the invalid input was sent instead of rejected`);
  rejectedWith[sdk] = error.name;
}

const KINDS = {
  valid: (im) => im.send(VALID_SEND),
  rejected: (im) => im.send(INVALID_SEND).catch(() => {}),
};

// "floor", measured in the same rounds: what any client's call costs at
// least, whatever it does besides. For a valid send, the stubbed fetch
// itself (the call, the Response, its text, JSON.parse); for a rejected
// one, rejecting with a real Error (whose stack capture is most of it).
const floorSend = async (signal) => {
  const response = await fetch('https://api.contiguity.com/send/imessage', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(VALID_SEND),
    signal,
  });
  return JSON.parse(await response.text());
};
const FLOOR = {
  valid: () => floorSend(undefined),
  rejected: () => Promise.reject(new Error('Invalid send params: to: expected string')).catch(() => {}),
};
// The valid floor with what a per-attempt timeout costs any client: a
// fresh AbortController (its signal given to fetch) and a deadline timer.
const FLOOR_TIMED = async () => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  try {
    return await floorSend(controller.signal);
  } finally {
    clearTimeout(timer);
  }
};

// Wall time, and the process's CPU time (user + system): on a shared
// machine, time spent waiting for a core counts in the first only.
async function microsecondsPerCall(im, call) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < callsPerRound; i++) await call(im);
  const { user, system } = process.cpuUsage(cpu);
  return { wall: ((performance.now() - started) * 1000) / callsPerRound, cpu: (user + system) / callsPerRound };
}

const result = { rejectedWith };
for (const [kind, call] of Object.entries(KINDS)) {
  const participants = [...SDKS, 'floor', ...(kind === 'valid' ? ['floorTimed'] : [])];
  const calls = { floor: FLOOR[kind], floorTimed: FLOOR_TIMED };
  result[kind] = Object.fromEntries(participants.map((who) => [who, []]));
  result[`${kind}Cpu`] = Object.fromEntries(participants.map((who) => [who, []]));
  for (let round = 0; round < warmupRounds + rounds; round++) {
    // The order turns each round, so no participant always runs right
    // after another (whose garbage it would collect).
    const order = participants.map((_, i) => participants[(i + round) % participants.length]);
    for (const who of order) {
      const { wall, cpu } = await microsecondsPerCall(clients[who], calls[who] ?? call);
      if (round >= warmupRounds) {
        result[kind][who].push(wall);
        result[`${kind}Cpu`][who].push(cpu);
      }
    }
  }
}
console.log(JSON.stringify(result));
