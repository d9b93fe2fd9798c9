// Whether the runtime's WebCrypto would verify a webhook faster than the
// wasm, and what reading a Fetch Request's body costs: HMAC-SHA256 by
// crypto.subtle (importKey + sign) of a 1 KB and a 1 MB body, making a
// Request of it, reading its body, and reading it from a clone (what
// verifyRequest does, so that the caller can still read it). Node or Deno.
//   node bench/probes/webcrypto.mjs
//   deno run bench/probes/webcrypto.mjs
// prints µs per operation, best of 3 rounds; not part of `make bench`.
const { subtle } = globalThis.crypto;
const secret = new TextEncoder().encode('whsec_bench_signing_secret');
for (const size of [1024, 1 << 20]) {
  const body = new Uint8Array(size).fill(120);
  const request = () => new Request('https://example.com/webhook', { method: 'POST', body });
  const OPERATIONS = {
    'WebCrypto HMAC (importKey + sign)': async () => {
      const key = await subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return subtle.sign('HMAC', key, body);
    },
    'new Request(url, { body })': async () => request(),
    'request.arrayBuffer()': async () => request().arrayBuffer(),
    'request.clone().arrayBuffer()': async () => request().clone().arrayBuffer(),
  };
  const times = size > 4096 ? 20 : 2000;
  for (const [name, operation] of Object.entries(OPERATIONS)) {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      for (let i = 0; i < times; i++) await operation();
      best = Math.min(best, ((performance.now() - started) * 1000) / times);
    }
    console.log(`${String(size).padStart(7)} B  ${name.padEnd(36)} ${best.toFixed(1)} µs`);
  }
}
