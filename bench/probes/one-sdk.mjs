// One participant alone in its process: N valid sends over loopback HTTP
// through the official SDK or a build of ours, after 1,000 of warm-up;
// prints µs per send. For tools that watch a whole process: `strace -f -c`
// (the system calls a send makes), V8's `--trace-gc`, or two processes
// compared by turns.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/one-sdk.mjs http://127.0.0.1:PORT official|DIR [N]
//   deno run --allow-net=127.0.0.1 --allow-read --allow-env bench/probes/one-sdk.mjs URL official|DIR [N]
// (N: 5,000 unless given). Not part of `make bench`.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, OUR_ENTRY, VALID_SEND, redirectFetchTo, loadIMessage } from '../lib/sdks.mjs';

const [base, who, count = '5000'] = globalThis.Deno ? Deno.args : process.argv.slice(2);
if (!base || !who) throw new Error('usage: one-sdk.mjs URL official|DIR [N]');
redirectFetchTo(base);
let imessage;
if (who === 'official') imessage = await loadIMessage('official');
else imessage = new (await import(pathToFileURL(join(resolve(who), OUR_ENTRY)).href)).Contiguity(API_KEY).imessage;

for (let i = 0; i < 1000; i++) await imessage.send(VALID_SEND);
const sends = Number(count);
const started = performance.now();
for (let i = 0; i < sends; i++) await imessage.send(VALID_SEND);
console.log(`${who}: ${(((performance.now() - started) * 1000) / sends).toFixed(1)} µs per send, ${sends} sends`);
