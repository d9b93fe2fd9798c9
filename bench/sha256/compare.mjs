// HMAC-SHA256 candidates for the webhook check, in wasm, side by side:
// builds this crate once per candidate (the package's release profile,
// then wasm-opt -Oz as the Makefile runs it), and prints each module's
// size (raw / gzip -9) and the HMAC's time for a 1 KB and a 1 MB input in
// Node (CPU time, best of 7 rounds), beside node:crypto's createHmac.
//   node bench/sha256/compare.mjs
// Offline once the crates are in cargo's cache; builds under target/.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '../..');
const OUT = join(ROOT, 'target/bench/sha256');
const WASM_OPT = join(ROOT, 'node_modules/.bin/wasm-opt');
const FEATURES = ['--enable-simd', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];
// The package builds the hash crates at opt-level 3 (Cargo.toml).
const O3 = (...crates) => crates.flatMap((crate) => ['--config', `profile.release.package.${crate}.opt-level=3`]);
const HASH_CRATES = ['sha2', 'hmac', 'digest', 'block-buffer'];

const CANDIDATES = {
  'sha2, compact rounds': { features: 'rustcrypto', rustflags: '--cfg sha2_backend_soft="compact"' },
  'sha2, compact rounds, opt-level 3': { features: 'rustcrypto', rustflags: '--cfg sha2_backend_soft="compact"', config: O3(...HASH_CRATES) },
  'sha2, unrolled rounds (its default)': { features: 'rustcrypto', rustflags: '' },
  'sha2, unrolled rounds, opt-level 3': { features: 'rustcrypto', rustflags: '', config: O3(...HASH_CRATES) },
  'sha2, simd128 backend, opt-level 3 (the package)': {
    features: 'rustcrypto',
    rustflags: '-C target-feature=+simd128',
    config: O3(...HASH_CRATES),
  },
  'sha2, simd128 backend': { features: 'rustcrypto', rustflags: '-C target-feature=+simd128' },
  'hmac-sha256': { features: 'jedisct1', rustflags: '' },
  'hmac-sha256, opt-level 3': { features: 'jedisct1', rustflags: '', config: O3('hmac-sha256') },
};

mkdirSync(OUT, { recursive: true });
const modules = {};
for (const [name, { features, rustflags, config = [] }] of Object.entries(CANDIDATES)) {
  const target = join(OUT, 'cargo');
  execFileSync('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown', '--features', features,
    '--target-dir', target, ...config], { cwd: HERE, env: { ...process.env, RUSTFLAGS: rustflags }, stdio: 'inherit' });
  const file = join(OUT, `${Object.keys(modules).length}.wasm`);
  execFileSync(WASM_OPT, ['-Oz', ...FEATURES, join(target, 'wasm32-unknown-unknown/release/sha256_candidates.wasm'), '-o', file]);
  const bytes = readFileSync(file);
  const { instance } = await WebAssembly.instantiate(bytes);
  modules[name] = { exports: instance.exports, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const key = new TextEncoder().encode('whsec_bench_signing_secret');
const rows = Object.fromEntries(Object.entries(modules).map(([name, m]) => [name, { size: `${m.bytes} / ${m.gzip}` }]));
rows['node:crypto createHmac (OpenSSL)'] = { size: '-' };
for (const size of [1024, 1 << 20]) {
  const data = new Uint8Array(size).fill(120);
  const expected = createHmac('sha256', key).update(data).digest('hex');
  const calls = {};
  for (const [name, { exports: e }] of Object.entries(modules)) {
    const [k, d] = [e.buffer(key.length), e.buffer(size)];
    new Uint8Array(e.memory.buffer).set(key, k);
    new Uint8Array(e.memory.buffer).set(data, d);
    const mac = Buffer.from(new Uint8Array(e.memory.buffer, e.mac(k, key.length, d, size), 32)).toString('hex');
    if (mac !== expected) throw new Error(`${name}: a wrong HMAC`);
    calls[name] = () => e.mac(k, key.length, d, size);
  }
  calls['node:crypto createHmac (OpenSSL)'] = () => createHmac('sha256', key).update(data).digest();
  const n = size > 4096 ? 20 : 20000;
  for (const [name, call] of Object.entries(calls)) {
    let best = Infinity;
    for (let round = 0; round < 7; round++) {
      const cpu = process.cpuUsage();
      for (let i = 0; i < n; i++) call();
      const { user, system } = process.cpuUsage(cpu);
      best = Math.min(best, (user + system) / n);
    }
    rows[name][size] = best.toFixed(size > 4096 ? 0 : 2);
  }
}
console.log('candidate | wasm raw / gzip, B | HMAC of 1 KB, µs | HMAC of 1 MB, µs');
for (const [name, row] of Object.entries(rows)) console.log(`${name} | ${row.size} | ${row[1024]} | ${row[1 << 20]}`);
