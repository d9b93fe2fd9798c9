// `make bench`: measures the installed release package (node_modules/
// contiguity-imessage, put there by `make pack`) side by side with the
// official `contiguity` SDK, in one run on one machine. Prints a table on
// stdout (progress on stderr) and writes bench/results.json. Offline; every
// process it starts is bounded and stopped by id; scratch files go to
// target/bench/. Figures only: no target or timing fails the run.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/process.mjs';
import { describeMachine } from './lib/machine.mjs';
import { measureShipped } from './lib/shipped.mjs';
import { measureDeno, measureNode, measureWorkerd } from './lib/cold-start.mjs';
import { measurePerCall } from './lib/per-call.mjs';
import { measureMemory } from './lib/memory.mjs';
import { measureLoopback } from './lib/loopback.mjs';
import { measureWebhook } from './lib/webhook.mjs';
import { measureAttachments } from './lib/attachments.mjs';
import { formatReport, ratios, targets } from './lib/report.mjs';

if (!existsSync(join(ROOT, 'node_modules/contiguity-imessage/package.json'))) {
  throw new Error('node_modules/contiguity-imessage is missing: run `make pack` (or `make bench`)');
}

async function step(label, measure) {
  const started = performance.now();
  process.stderr.write(`bench: ${label}...`);
  const result = await measure();
  process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

const generatedAt = new Date().toISOString();
const machine = await step('machine', describeMachine);
const { sizes: shipped, workers } = await step('bundling both Workers', measureShipped);
const coldStart = {
  node: await step('cold start in Node', measureNode),
  deno: await step('cold start in Deno', measureDeno),
  workerd: await step('cold start in workerd', () => measureWorkerd(workers)),
};
const perCall = await step('per-call cost', measurePerCall);
const loopback = await step('per-call cost over loopback HTTP (Node, Deno, workerd)', measureLoopback);
const webhook = await step('webhook.verify, 1 KB and 1 MB', measureWebhook);
const attachments = await step('refused sends with 10 to 100,000 attachments', measureAttachments);
const memory = await step('memory after 100,000 sends', measureMemory);

const figures = { shipped, coldStart, perCall, loopback, webhook, attachments };
const computed = ratios(figures);
const results = {
  generatedAt,
  machine,
  ...figures,
  memory,
  ratios: computed,
  targets: targets({ machine, ...figures }, computed),
};
writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(formatReport(results));
process.stderr.write('bench: wrote bench/results.json\n');
