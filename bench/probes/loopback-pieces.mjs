// What a request over loopback HTTP costs with each thing our client adds
// to it, one at a time, in Node or Deno: the same POST made directly with
// fetch (the floor), then with the Accept header, redirect: 'manual', a
// fresh AbortController's signal, a pending 30 s deadline timer (and, for
// comparison, a 0 ms one), all of them together as ours sends it; then the
// two SDKs. Against the loopback server (bench/probes/loopback-server.mjs),
// in interleaved rounds; each row is its median µs per request and the
// median, round by round, of its difference from the floor.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/loopback-pieces.mjs http://127.0.0.1:PORT
//   deno run --allow-net=127.0.0.1 --allow-read bench/probes/loopback-pieces.mjs http://127.0.0.1:PORT
// not part of `make bench`.
import { API_KEY, SDKS, VALID_SEND, redirectFetchTo, loadIMessage } from '../lib/sdks.mjs';
import { interleavedRounds, middle as median } from '../lib/stats.mjs';

const base = (globalThis.Deno ? Deno.args : process.argv.slice(2))[0];
const url = `${base}/send/imessage`;
const realFetch = redirectFetchTo(base);
const clients = {};
for (const sdk of SDKS) clients[sdk] = await loadIMessage(sdk);

const body = JSON.stringify(VALID_SEND);
const headers = () => ({ 'Content-Type': 'application/json', Authorization: `Token ${API_KEY}` });
const post = async (extra) => (await realFetch(url, { method: 'POST', headers: headers(), body, ...extra })).json();
const withTimer = async (ms, make) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return await make(controller.signal);
  } finally {
    clearTimeout(timer);
  }
};
const VARIANTS = {
  floor: () => post({}),
  '+ Accept: application/json': () =>
    realFetch(url, { method: 'POST', headers: { ...headers(), Accept: 'application/json' }, body }).then((r) => r.json()),
  "+ redirect: 'manual'": () => post({ redirect: 'manual' }),
  '+ a fresh AbortController signal': () => post({ signal: new AbortController().signal }),
  '+ a 30 s timer, cleared': () => withTimer(30_000, () => post({})),
  '+ a 0 ms timer, cleared': () => withTimer(0, () => post({})),
  'all of them, as ours sends': () =>
    withTimer(30_000, (signal) =>
      realFetch(url, { method: 'POST', headers: { ...headers(), Accept: 'application/json' }, body, redirect: 'manual', signal })
        .then((r) => r.json()),
    ),
  'ours: send': () => clients.ours.send(VALID_SEND),
  'official: send': () => clients.official.send(VALID_SEND),
};

const samples = await interleavedRounds(VARIANTS, { rounds: 14, calls: 200 });
for (const name of Object.keys(VARIANTS)) {
  const over = median(samples[name].map((us, i) => us - samples.floor[i]));
  console.log(`${name.padEnd(34)} ${median(samples[name]).toFixed(1).padStart(7)}   over the floor ${over.toFixed(1).padStart(6)}`);
}
console.log(`µs per request, median of 12 rounds of 200 (${globalThis.Deno ? `Deno ${Deno.version.deno}` : `Node ${process.version}`})`);
