// One cold start, in a fresh Node or Deno process: imports the SDK and
// constructs a client, then prints {"ms": ...}, the time from before the
// import to after the construction (ours loads its wasm there). The SDK
// arrives as an argument (ours | official | none), and its import is
// dynamic, so that no runtime can load it before the clock starts; `none`
// measures the empty process.
//   node bench/probes/cold-import.mjs ours
//   deno run bench/probes/cold-import.mjs official
import { API_KEY, SPECIFIER } from '../lib/sdks.mjs';

const started = performance.now();
const sdk = globalThis.Deno ? Deno.args[0] : process.argv[2];
if (sdk !== 'none') {
  const { Contiguity } = await import(SPECIFIER[sdk]);
  const contiguity = new Contiguity(API_KEY);
  if (typeof contiguity.imessage.send !== 'function') throw new Error(`${sdk}: no imessage.send`);
}
console.log(JSON.stringify({ ms: performance.now() - started }));
