// Decoding a short UTF-8 string out of wasm memory right after a request
// over loopback HTTP, as the glue's getStringFromWasm0 does for a send's
// URL and body: TextDecoder (the glue's way) against a JS loop over ASCII
// bytes, at 40 to 400 bytes. Interleaved rounds of 200 requests after 2 of
// warm-up; each figure is the median over rounds of µs per string. The loop
// is not in the package: see BENCHMARKS.md, "Tried and not kept". Node or Deno.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/short-strings.mjs http://127.0.0.1:PORT
//   deno run --allow-net=127.0.0.1 bench/probes/short-strings.mjs URL
// not part of `make bench`.
import { middle as median } from '../lib/stats.mjs';

const [base] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const memory = new Uint8Array(65536);
const AT = 1000;
for (let i = 0; i < 4096; i++) memory[AT + i] = 97 + (i % 26);
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const textDecoder = (ptr, len) => decoder.decode(memory.subarray(ptr, ptr + len));
const asciiLoop = (ptr, len) => {
  let text = '';
  for (let i = ptr, end = ptr + len; i < end; i++) {
    const byte = memory[i];
    if (byte > 0x7f) return textDecoder(ptr, len);
    text += String.fromCharCode(byte);
  }
  return text;
};
const ways = {};
for (const len of [40, 100, 200, 400]) {
  ways[`TextDecoder, ${len} B`] = () => textDecoder(AT, len);
  ways[`ASCII loop, ${len} B`] = () => asciiLoop(AT, len);
}
const init = () => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
const names = Object.keys(ways);
const figures = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < 8; round++) {
  for (const name of names.map((_, i) => names[(i + round) % names.length])) {
    let sum = 0;
    for (let i = 0; i < 200; i++) {
      await (await fetch(`${base}/send/imessage`, init())).text();
      const started = performance.now();
      ways[name]();
      sum += performance.now() - started;
    }
    if (round >= 2) figures[name].push((sum * 1000) / 200);
  }
}
for (const name of names) console.log(`${name.padEnd(22)} ${median(figures[name]).toFixed(2).padStart(6)}`);
console.log('µs per string, median of rounds');
