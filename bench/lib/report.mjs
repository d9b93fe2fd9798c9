// Ratios ours/official, the targets, and the table printed on
// stdout. Targets are reported as PASS or MISS; nothing here fails the run.
import { readFileSync } from 'node:fs';
import { ratio } from './stats.mjs';

// The target for what a Worker ships, 45 KB: the same figure
// `make test` holds (workerGzipBytes in bench/size-budget.json).
const SHIPPED_GZIP_TARGET = JSON.parse(readFileSync(new URL('../size-budget.json', import.meta.url), 'utf8'))
  .workerGzipBytes;

// (ours - none) / (official - none): the part each package adds to the floor.
const netRatio = (runtime, measure) =>
  ratio(
    runtime.ours[measure].median - runtime.none[measure].median,
    runtime.official[measure].median - runtime.none[measure].median,
  );

export function ratios({ shipped, coldStart, perCall }) {
  const cold = (runtime, measure) =>
    ratio(coldStart[runtime].ours[measure].median, coldStart[runtime].official[measure].median);
  return {
    shippedGzip: ratio(shipped.ours.minified.gzipBytes, shipped.official.minified.gzipBytes),
    coldStartNode: cold('node', 'inside'),
    coldStartNodeWall: cold('node', 'wall'),
    coldStartWorkerd: cold('workerd', 'firstResponse'),
    coldStartDeno: cold('deno', 'inside'),
    coldStartDenoWall: cold('deno', 'wall'),
    // workerd's own start (the "none" Worker) is most of a fresh instance's
    // first response; in production that process is already running.
    coldStartWorkerdNetOfFloor: netRatio(coldStart.workerd, 'firstResponse'),
    // The empty Worker's share of the official's fresh start: the lowest
    // ratio any Worker can have on the raw measure.
    coldStartWorkerdFloorShare: ratio(
      coldStart.workerd.none.firstResponse.median,
      coldStart.workerd.official.firstResponse.median,
    ),
    // What one Worker adds to a cold start: copies in one workerd, its own
    // start taken out (bench/probes/workerd-cold.mjs).
    coldStartWorkerdPerIsolate: ratio(
      coldStart.workerd.ours.perIsolateNet.median,
      coldStart.workerd.official.perIsolateNet.median,
    ),
    // Per Node (the machine's, the current LTS): ours/official of the best
    // rounds; round by round (bench/lib/per-call.mjs), the same ratio and
    // the floor's share of the official's time (the least any SDK's call
    // takes).
    perCall: Object.fromEntries(
      NODES.map((node) => {
        const { valid, rejected } = perCall[node];
        return [
          node,
          {
            validSend: ratio(valid.ours.bestUs, valid.official.bestUs),
            rejectedSend: ratio(rejected.ours.bestUs, rejected.official.bestUs),
            validSendPaired: valid.paired.ratio,
            rejectedSendPaired: rejected.paired.ratio,
            validSendFloorShare: valid.paired.floorShare,
            rejectedSendFloorShare: rejected.paired.floorShare,
          },
        ];
      }),
    ),
  };
}

// The Nodes the per-call figures come from: the machine's, the current LTS.
const NODES = ['node', 'nodeLts'];

// Targets for what a call costs; each one's measure is in BENCHMARKS.md.
export const LIMITS = {
  validOverFloorUs: 20,
  rejectedOverFloorUs: 12,
  loopbackRatio: 1.15,
  verify1KbRatio: 1.5,
  verify1MbRatio: 3,
  // 100,000 attachments against 1,000: both past the maximum, so measured
  // and refused unread; anything near 1 is flat.
  attachmentsGrowth: 1.5,
};

export function targets({ machine, shipped, perCall, loopback, webhook, attachments }, r) {
  const names = runtimeNames(machine);
  const check = (id, description, value, limit, interval) => ({
    id,
    description,
    value,
    limit,
    pass: value != null && value <= limit,
    ...(interval && { interval }),
  });
  return [
    check('shippedGzip', 'shipped gzip <= 45 KB (46,080 B)', shipped.ours.minified.gzipBytes, SHIPPED_GZIP_TARGET),
    check('coldStartNode', 'cold start in Node <= 1/4 of the official', r.coldStartNode, 0.25),
    check('coldStartWorkerd', 'cold start in workerd <= 1/4 of the official', r.coldStartWorkerd, 0.25),
    check(
      'coldStartWorkerdPerIsolate',
      "the same, per Worker isolate, workerd's own start taken out",
      r.coldStartWorkerdPerIsolate,
      0.25,
    ),
    check('coldStartDeno', 'cold start in Deno <= 1/4 of the official', r.coldStartDeno, 0.25),
    ...NODES.flatMap((node) => [
      check(
        `validOverFloor_${node}`,
        `valid send in ${names[node]}, own work over the floor (fetch stubbed) <= ${LIMITS.validOverFloorUs} µs`,
        perCall[node].valid.paired.oursOverFloorUs,
        LIMITS.validOverFloorUs,
      ),
      check(
        `rejectedOverFloor_${node}`,
        `refused send in ${names[node]}, own work over the floor <= ${LIMITS.rejectedOverFloorUs} µs`,
        perCall[node].rejected.paired.oursOverFloorUs,
        LIMITS.rejectedOverFloorUs,
      ),
    ]),
    ...LOOPBACK_RUNTIMES.map((runtime) =>
      check(
        `loopback_${runtime}`,
        `valid send over loopback HTTP in ${names[runtime]} <= ${LIMITS.loopbackRatio}x the official`,
        loopback[runtime].paired.ratio,
        LIMITS.loopbackRatio,
        loopback[runtime].paired.ratioInterval,
      ),
    ),
    check(
      'verify1Kb',
      `webhook.verify, 1 KB body <= ${LIMITS.verify1KbRatio}x the official`,
      webhook[1024].ratio,
      LIMITS.verify1KbRatio,
    ),
    check(
      'verify1Mb',
      `webhook.verify, 1 MB body <= ${LIMITS.verify1MbRatio}x the official`,
      webhook[1048576].ratio,
      LIMITS.verify1MbRatio,
    ),
    check(
      'attachmentsFlat',
      `refused send: 100,000 attachments cost <= ${LIMITS.attachmentsGrowth}x 1,000 (ours)`,
      ratio(attachments[100000].ours.min, attachments[1000].ours.min),
      LIMITS.attachmentsGrowth,
    ),
  ];
}

const LOOPBACK_RUNTIMES = ['node', 'nodeLts', 'deno', 'workerd'];

/** Each runtime's name in the report; the two Nodes by their major version. */
const runtimeNames = (machine) => ({
  node: `Node ${machine.node.replace(/^v(\d+).*/, '$1')}`,
  nodeLts: `Node ${machine.nodeLts.replace(/^v(\d+).*/, '$1')}`,
  deno: 'Deno',
  workerd: 'workerd',
});

// --- the table ---------------------------------------------------------------
const bytes = (n) => `${n.toLocaleString('en-US')} B`;
const gib = (n) => `${(n / 2 ** 30).toFixed(1)} GiB`;
const ms = ({ median, min, max }) => `${median} (${min}-${max})`;
const times = (r) => (r == null ? '-' : r.toFixed(3));
/** A 95% interval of a median ratio (stats.mjs medianInterval); '-' for none. */
export const intervalText = (interval) => (interval ? `${times(interval.low)}-${times(interval.high)}` : '-');

/** A title, then rows with the first column left-aligned and the others right-aligned. */
function table(title, header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => String(row[column]).length)));
  const line = (row) =>
    row.map((cell, column) => String(cell)[column ? 'padStart' : 'padEnd'](widths[column])).join('   ');
  return [title, ...all.map((row) => `  ${line(row)}`.trimEnd())].join('\n');
}

function machineLines({ generatedAt, machine: m }) {
  return [
    `contiguity-imessage ${m.oursVersion} (ours) vs contiguity ${m.officialVersion} (official), ${generatedAt}`,
    `machine: ${m.cpu}, ${m.cores} cores, ${gib(m.memoryBytes)} RAM, ${m.os}`,
    `runtimes: Node ${m.node} and ${m.nodeLts}, Deno ${m.deno}, workerd ${m.workerd} (Miniflare ${m.miniflare}), esbuild ${m.esbuild}`,
  ];
}

function shippedTable({ shipped }) {
  const row = (label, variant, key) => {
    const [ours, official] = [shipped.ours[variant][key], shipped.official[variant][key]];
    return [label, bytes(ours), bytes(official), times(ratio(ours, official))];
  };
  const wasm = `${bytes(shipped.oursWasm.gzipBytes)} / ${bytes(shipped.oursWasm.bytes)}`;
  return [
    table(
      'Bytes a Worker ships (esbuild for workerd; gzip -9 of every file, JS and wasm)',
      ['', 'ours', 'official', 'ours/official'],
      [
        row('minified, gzip', 'minified', 'gzipBytes'),
        row('minified, raw', 'minified', 'bytes'),
        row('unminified, gzip', 'unminified', 'gzipBytes'),
        row('unminified, raw', 'unminified', 'bytes'),
        ['our wasm alone, gzip / raw', wasm, '', ''],
      ],
    ),
    '  The official Worker needs compatibility_flags = ["nodejs_compat"] (it imports node:crypto, left',
    '  external); ours needs no flag.',
  ];
}

function coldStartTable({ coldStart }) {
  // In-process, "none" is the time to do nothing: not shown, no floor to subtract.
  const row = (label, runtime, measure, hasFloor = true) => {
    const of = (target) => coldStart[runtime][target][measure];
    return [
      label,
      ms(of('ours')),
      ms(of('official')),
      hasFloor ? ms(of('none')) : '-',
      times(ratio(of('ours').median, of('official').median)),
      hasFloor ? times(netRatio(coldStart[runtime], measure)) : '-',
    ];
  };
  return [
    table(
      `Cold start, ms: median (min-max) of ${coldStart.node.ours.inside.runs} fresh starts each; ` +
        '"none" imports nothing',
      ['', 'ours', 'official', 'none', 'ours/official', 'net of none'],
      [
        row('Node: import + construct, in-process', 'node', 'inside', false),
        row('Node: whole process, wall', 'node', 'wall'),
        row('Deno: import + construct, in-process', 'deno', 'inside', false),
        row('Deno: whole process, wall', 'deno', 'wall'),
        row('workerd: new Miniflare to 1st response', 'workerd', 'firstResponse'),
      ],
    ),
    ...workerdIsolatesTable(coldStart.workerd),
  ];
}

function workerdIsolatesTable(workerd) {
  const { isolates, manyFirstResponses } = workerd.ours;
  const of = (measure, target) => workerd[target][measure];
  const row = (label, measure, hasNone) => [
    label,
    ms(of(measure, 'ours')),
    ms(of(measure, 'official')),
    hasNone ? ms(of(measure, 'none')) : '-',
    times(ratio(of(measure, 'ours').median, of(measure, 'official').median)),
  ];
  return [
    table(
      `workerd, ${isolates} copies of each Worker in one fresh instance (separate isolates), ms: ` +
        `median (min-max) of ${manyFirstResponses.runs} instances each`,
      ['', 'ours', 'official', 'none', 'ours/official'],
      [
        row(`new Miniflare to all ${isolates} 1st responses`, 'manyFirstResponses', true),
        row('per Worker: (that - none) / copies', 'perIsolateNet', false),
      ],
    ),
  ];
}

function perCallTables({ machine, perCall: byNode }) {
  const names = runtimeNames(machine);
  return NODES.flatMap((node, index) => perCallTable(byNode[node], names[node], index === 0));
}

function perCallTable(perCall, name, explained) {
  const row = (label, kind) => {
    const { ours, official, floor, paired } = perCall[kind];
    const figure = ({ bestUs, medianUs }) => `${bestUs} (${medianUs})`;
    return [
      label,
      figure(ours),
      figure(official),
      figure(floor),
      times(ratio(ours.bestUs, official.bestUs)),
      times(paired.ratio),
      `${paired.oursOverFloorUs} / ${paired.officialOverFloorUs}`,
    ];
  };
  const { rejectedWith } = perCall;
  return [
    table(
      `Per call in ${name}, µs: best (median) of ${perCall.rounds} interleaved rounds of ${perCall.calls} ` +
        'calls, global fetch stubbed',
      ['', 'ours', 'official', 'floor', 'ours/official', 'round by round', 'over floor, ours / official'],
      [row('valid send', 'valid'), row('rejected send (to: a number)', 'rejected')],
    ),
    ...(explained
      ? [
          `  rejected with: ours ${rejectedWith.ours}, official ${rejectedWith.official}; neither made a request`,
          '  floor: what any SDK pays; valid: the stubbed fetch, its Response read and parsed; rejected: a',
          '  promise rejected with a new Error (capturing its stack is most of it). "ours/official" compares',
          '  best rounds; "round by round" and "over floor" are medians over the rounds of the same figures',
          '  taken back to back, in µs for the latter.',
        ]
      : []),
    `  Of ours' work over the floor, a per-attempt timeout costs any client ${perCall.valid.paired.timeoutUs} µs here ` +
      `(a fresh AbortController and a timer; floorTimed ${perCall.valid.floorTimed.medianUs} µs, median).`,
    `  In CPU time (user + system), over the floor, ours / official: valid ${perCall.valid.cpu.oursOverFloorUs} / ` +
      `${perCall.valid.cpu.officialOverFloorUs} µs (timeout ${perCall.valid.cpu.timeoutUs}), refused ` +
      `${perCall.rejected.cpu.oursOverFloorUs} / ${perCall.rejected.cpu.officialOverFloorUs} µs.`,
  ];
}

/** Each runtime's ratio in each of its processes alone, two runtimes a line. */
function processLines(loopback, names) {
  const each = LOOPBACK_RUNTIMES.map((runtime) => `${names[runtime]} ${loopback[runtime].processRatios.map(times).join(', ')}`);
  return [`  ours/official in each process alone: ${each.slice(0, 2).join('; ')};`, `  ${each.slice(2).join('; ')}`];
}

function loopbackTable({ machine, loopback }) {
  const names = runtimeNames(machine);
  const row = (runtime) => {
    const l = loopback[runtime];
    const figure = ({ medianUs, bestUs }) => `${medianUs} (${bestUs})`;
    return [
      names[runtime],
      figure(l.ours),
      figure(l.official),
      figure(l.floor),
      figure(l.floorTimed),
      `${times(l.paired.ratio)} (${intervalText(l.paired.ratioInterval)})`,
      times(l.paired.floorTimedShare),
      `${l.paired.oursOverOfficialUs} / ${l.paired.timeoutUs}`,
    ];
  };
  const { node, workerd } = loopback;
  return [
    table(
      `Valid send over loopback HTTP (keep-alive), µs: median (best) of ${node.rounds} interleaved rounds ` +
        `(${node.roundsPerProcess} in each of ${node.processes} processes) of ${node.calls} sends (workerd: ${workerd.calls}); ` +
        'ratios round by round, ours/official with its 95% interval',
      ['', 'ours', 'official', 'floor', 'floorTimed', 'ours/official', 'floorTimed/official', 'ours - official / timeout'],
      LOOPBACK_RUNTIMES.map(row),
    ),
    ...processLines(loopback, names),
    '  floor: the same request made with fetch directly; floorTimed: the same with a fresh AbortController',
    '  (its signal given to fetch) and a deadline timer, what any client pays for a per-attempt timeout;',
    '  "timeout" is floorTimed - floor. workerd: the time inside the Worker (from outside, ours/official',
    `  ${times(workerd.outside.paired.ratio)}` +
      (workerd.cpu
        ? `; in the workerd process's CPU time, ${times(workerd.cpu.paired.ratio)} (${intervalText(workerd.cpu.paired.ratioInterval)}),` +
          `\n  ours - official ${workerd.cpu.paired.oursOverOfficialUs} µs, timeout ${workerd.cpu.paired.timeoutUs} µs).`
        : ').'),
  ];
}

function webhookTable({ webhook }) {
  const row = (size, label) => {
    const w = webhook[size];
    return [label, w.ours.median, w.official.median, times(w.ratio), w.oursRequestNetUs];
  };
  return [
    table(
      `webhook.verify(rawBody as a Buffer, header, secret), µs: median of ${webhook.rounds} interleaved rounds`,
      ['', 'ours', 'official', 'ours/official', 'ours, verifyRequest(Request)'],
      [row(1024, '1 KB body'), row(1048576, '1 MB body')],
    ),
    '  verifyRequest: a Fetch Request (a Promise; the official SDK has no such form), less making the Request.',
  ];
}

function attachmentsTable({ attachments }) {
  const row = (count) => [
    `${count.toLocaleString('en-US')} attachments`,
    ms(attachments[count].ours),
    ms(attachments[count].official),
  ];
  return [
    table(
      'Refused send (to: a number) with a list of attachment URLs, µs: median (min-max) of interleaved rounds',
      ['', 'ours', 'official'],
      [row(10), row(1000), row(100000)],
    ),
    '  ours reads a list of at most 10 items (the maximum) and only measures a longer one; the flatness',
    '  target compares the best rounds of 100,000 and 1,000.',
  ];
}

function memoryTable({ memory: { ours, official } }) {
  const count = (n) => n.toLocaleString('en-US');
  return [
    table(
      `Memory after ${count(ours.calls)} sends (every tenth rejected), node --expose-gc, after GC`,
      ['', 'ours', 'official'],
      [
        ['JS heap used', bytes(ours.heapUsedAfter), bytes(official.heapUsedAfter)],
        ['wasm memory', bytes(ours.wasmMemoryAfter), '-'],
        ['together', bytes(ours.heapUsedAfter + ours.wasmMemoryAfter), bytes(official.heapUsedAfter)],
        [
          `growth over the last ${count(ours.calls - ours.warmup)} calls (heap / wasm)`,
          `${bytes(ours.heapGrowthBytes)} / ${bytes(ours.wasmGrowthBytes)}`,
          `${bytes(official.heapGrowthBytes)} / -`,
        ],
      ],
    ),
  ];
}

function targetLines({ targets: checks, ratios: r }) {
  const value = (check) => {
    if (check.id === 'shippedGzip') return bytes(check.value);
    if (check.id.includes('OverFloor')) return `${check.value} µs`;
    if (check.id === 'coldStartWorkerd') {
      return (
        `ratio ${times(check.value)} (an empty Worker alone is ${times(r.coldStartWorkerdFloorShare)} ` +
        `of the official on this measure; net of it: ${times(r.coldStartWorkerdNetOfFloor)})`
      );
    }
    if (check.interval) return `ratio ${times(check.value)} (95% interval ${intervalText(check.interval)})`;
    return `ratio ${times(check.value)}`;
  };
  const line = (check) => `  ${check.pass ? 'PASS' : 'MISS'}  ${check.description}: ${value(check)}`;
  return ['Targets', ...checks.map(line)];
}

export function formatReport(results) {
  return [
    machineLines,
    shippedTable,
    coldStartTable,
    perCallTables,
    loopbackTable,
    webhookTable,
    attachmentsTable,
    memoryTable,
    targetLines,
  ]
    .map((section) => section(results).join('\n'))
    .join('\n\n');
}
