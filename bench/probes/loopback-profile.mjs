// Where a valid send's time goes over loopback HTTP in Node, each SDK in
// its own process under V8's sampling profiler (--cpu-prof): 5,000 sends
// after 500 to warm up, against the loopback server. Prints each SDK's
// mean µs per send, then the functions whose self time differs most
// between the two (ours - official, ms over the 5,500 sends), and ours'
// package's own self time. A sampling profile attributes time to the
// function running when a sample is taken: take rows within a few ms of
// each other as equal, and run it more than once.
//   node bench/probes/loopback-server.mjs        (prints its URL)
//   node bench/probes/loopback-profile.mjs http://127.0.0.1:PORT
// not part of `make bench`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SDKS, VALID_SEND, redirectFetchTo, loadIMessage } from '../lib/sdks.mjs';

const [base, child] = process.argv.slice(2);

if (child) {
  // One SDK's sends, in the profiled process.
  redirectFetchTo(base);
  const imessage = await loadIMessage(child);
  for (let i = 0; i < 500; i++) await imessage.send(VALID_SEND);
  const started = performance.now();
  for (let i = 0; i < 5000; i++) await imessage.send(VALID_SEND);
  console.log(`${child.padEnd(9)} ${(((performance.now() - started) * 1000) / 5000).toFixed(1)} µs per send`);
} else {
  const self = {};
  for (const sdk of SDKS) {
    const dir = mkdtempSync(join(tmpdir(), 'contiguity-profile-'));
    const out = execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, fileURLToPath(import.meta.url), base, sdk], {
      cwd: dir,
      encoding: 'utf8',
    });
    process.stdout.write(out);
    self[sdk] = selfTimes(join(dir, readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))));
    rmSync(dir, { recursive: true, force: true });
  }
  const ours = self.ours;
  const official = self.official;
  const names = new Set([...ours.keys(), ...official.keys()]);
  const rows = [...names].map((name) => [name, (ours.get(name) ?? 0) - (official.get(name) ?? 0), ours.get(name) ?? 0]);
  rows.sort((a, b) => b[1] - a[1]);
  console.log('self time, ms: ours - official, ours; function and place');
  for (const [name, difference, own] of rows.slice(0, 30)) {
    console.log(`${(difference / 1000).toFixed(1).padStart(8)} ${(own / 1000).toFixed(1).padStart(8)}  ${name}`);
  }
  const package_ = [...ours].filter(([name]) => name.includes('contiguity-imessage') || name.includes('wasm'));
  const total = package_.reduce((sum, [, us]) => sum + us, 0);
  console.log(`ours' package (its JS, glue and wasm), self: ${(total / 1000).toFixed(1)} ms, ${(total / 5500).toFixed(1)} µs per send`);
}

/** Self time in µs per function of a .cpuprofile, keyed by name and place. */
function selfTimes(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const times = new Map();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber}`;
    times.set(name, (times.get(name) ?? 0) + profile.timeDeltas[i]);
  });
  return times;
}
