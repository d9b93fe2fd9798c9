// Two ways to make a success's result from a parsed envelope, in the
// runtime that runs this: a copy of `data` by spread with `metadata` added
// (what pkg-template/result.js does), and `metadata` defined on `data` in
// place. Also JSON.parse alone, which both include. µs per call (each
// awaited, as the bench's helper calls them), median of 7 rounds of 50,000
// after 2 to warm up, the variants taking turns.
//   node bench/probes/result-copy.mjs
//   deno run bench/probes/result-copy.mjs
// prints a table; not part of `make bench`.
import { ENVELOPE } from '../lib/sdks.mjs';
import { interleavedRounds, middle } from '../lib/stats.mjs';

let kept; // each variant's result, so that none is optimised away
const variants = {
  'JSON.parse alone': () => {
    kept = JSON.parse(ENVELOPE);
  },
  'spread copy': () => {
    const { data, id, timestamp, api_version, object } = JSON.parse(ENVELOPE);
    kept = { ...data, metadata: { id, timestamp, api_version, object } };
  },
  'defined in place': () => {
    const { data, id, timestamp, api_version, object } = JSON.parse(ENVELOPE);
    const metadata = { id, timestamp, api_version, object };
    kept = Object.defineProperty(data, 'metadata', { value: metadata, writable: true, enumerable: true, configurable: true });
  },
};
const samples = await interleavedRounds(variants, { rounds: 9, calls: 50_000 });
for (const [name, rounds] of Object.entries(samples)) console.log(`${name.padEnd(18)} ${middle(rounds).toFixed(3)} µs`);
console.log(globalThis.Deno ? `Deno ${Deno.version.deno}, V8 ${Deno.version.v8}` : `Node ${process.version}, V8 ${process.versions.v8}`);
