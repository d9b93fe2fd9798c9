// Per-call cost over a real HTTP connection in workerd: one Miniflare
// instance (one workerd process) runs a Worker per participant; each
// Worker, asked for `/?calls=N`, makes N sequential awaited sends to the
// loopback server (bench/probes/loopback-server.mjs) and answers with the
// time they took. The Workers are bundled by bench/lib/loopback.mjs: ours
// and the official SDK (with nodejs_compat, which it needs) send through
// the global fetch, replaced by one that sends the same request to the
// server instead of api.contiguity.com; "floor" and "floorTimed" make the
// request directly (as in bench/probes/loopback.mjs). Rounds alternate
// between the participants, in an order that turns every round, after
// warm-up rounds.
// The time is read inside the Worker: workerd moves a Worker's clock on
// only when I/O completes, which each awaited fetch does, so the time from
// the first request to the last answer is the time they took; the time
// seen from outside (with Miniflare's dispatch) is kept too, and on Linux
// the CPU time the workerd process spent (all its threads, from
// /proc/PID/task/*/schedstat, in ns), in which a wait for a core inside
// the VM does not count (time the hypervisor takes may).
//   node bench/probes/workerd-loopback.mjs '{"rounds":9,"calls":200,"warmupRounds":2,
//     "compatibilityDate":"2026-04-01","url":"http://127.0.0.1:PORT","workers":{"ours":{"modules":[...],
//     "compatibilityFlags":[]},...}}'
// prints {"inside":{"ours":[µs, ...],...},"outside":{...},"cpu":{...} or null}.
import { readdirSync, readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';

const { rounds, calls, warmupRounds, compatibilityDate, url, workers } = JSON.parse(process.argv[2]);
const names = Object.keys(workers);

const mf = new Miniflare({
  workers: names.map((name) => ({
    name,
    routes: [`${name}.bench/*`],
    modules: workers[name].modules,
    compatibilityDate,
    compatibilityFlags: workers[name].compatibilityFlags,
    bindings: { LOOPBACK_URL: url, ...workers[name].bindings },
  })),
});

/**
 * The workerd process Miniflare started: this probe's child named
 * workerd, else its only child (a binary by another name). Undefined, with
 * a word on stderr, when there is none or its CPU time cannot be read; off
 * Linux (no /proc), quietly.
 */
function workerdPid() {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined; // no /proc: no CPU figures
  }
  const children = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // a process that ended since the listing
    }
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === process.pid) children.push({ entry, stat });
  }
  const child = children.find(({ stat }) => stat.includes('(workerd)')) ?? (children.length === 1 ? children[0] : undefined);
  if (child && cpuNs(child.entry) > 0) return child.entry;
  process.stderr.write('workerd-loopback: no CPU figures (workerd or its schedstat not found)\n');
  return undefined;
}

/**
 * ns on a CPU of every thread of `pid` so far. A thread that ended between
 * two readings would drop out of the second, and the round's figure come
 * out short; workerd keeps its threads for its life.
 */
function cpuNs(pid) {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]) || 0;
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return total;
}

await mf.ready;
const pid = workerdPid();

async function perCall(name) {
  const cpuBefore = pid && cpuNs(pid);
  const started = performance.now();
  const response = await mf.dispatchFetch(`http://${name}.bench/?calls=${calls}`);
  const text = await response.text();
  const outside = ((performance.now() - started) * 1000) / calls;
  const cpu = pid && (cpuNs(pid) - cpuBefore) / 1000 / calls;
  if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}: ${text}`);
  const { ms } = JSON.parse(text);
  return { inside: (ms * 1000) / calls, outside, cpu };
}

const result = { inside: {}, outside: {}, cpu: pid ? {} : null };
for (const name of names) {
  result.inside[name] = [];
  result.outside[name] = [];
  if (pid) result.cpu[name] = [];
}
try {
  for (let round = 0; round < warmupRounds + rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const { inside, outside, cpu } = await perCall(name);
      if (round < warmupRounds) continue;
      result.inside[name].push(inside);
      result.outside[name].push(outside);
      if (pid) result.cpu[name].push(cpu);
    }
  }
} finally {
  await mf.dispose(); // stops this workerd
}
console.log(JSON.stringify(result));
