// Bad input: a bundler that enables none of the package's runtime conditions
// (esbuild for the neutral or the browser platform) picks the "default"
// export, index.unsupported.js. Importing must still work, and any use must
// throw an Error naming the runtime it runs in and the supported ones, never
// a TypeError such as "undefined is not a function".
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bin, denoEnv, makeConsumer, nodeEnv } from './support/consumer.mjs';
import { run, runJson, startServer } from './support/process.mjs';
import { EXPORTS } from './support/expect.mjs';

const MINIFLARE_SERVER = fileURLToPath(new URL('./support/miniflare-server.mjs', import.meta.url));

let consumer;
before(async () => {
  consumer = await makeConsumer('unsupported', {
    fixtures: ['unsupported-probe.mjs', 'unsupported-main.mjs', 'unsupported-worker.mjs'],
  });
});

async function bundle(entry, platform) {
  const outfile = `dist/${platform}-${entry}`;
  const result = await run(
    bin('esbuild'),
    [entry, '--bundle', '--format=esm', `--platform=${platform}`, `--outfile=${outfile}`, '--log-level=warning'],
    { cwd: consumer, env: nodeEnv(), timeoutMs: 30_000 },
  );
  assert.equal(result.code, 0, result.stderr);
  // The premise: the bundler did resolve the "default" condition.
  assert.match(readFileSync(join(consumer, outfile), 'utf8'), /contiguity-imessage\/index\.unsupported\.js/);
  return outfile;
}

function assertExplains(probe, runtimePattern) {
  assert.deepEqual(probe.exports, EXPORTS); // importing works
  for (const use of ['construct', 'verify', 'parse']) {
    const outcome = probe[use];
    assert.equal(outcome.threw, true, use);
    assert.equal(outcome.name, 'Error', use);
    assert.equal(outcome.isError, true, use);
    assert.match(outcome.message, runtimePattern, use);
    assert.match(
      outcome.message,
      /supported: Node\.js 20\.19\+ and Bun via the "node" export condition, Deno 2 via "deno", Cloudflare Workers via "workerd" or "worker", Vercel's Edge Runtime and Next\.js edge routes via "edge-light"\)/,
    );
    assert.doesNotMatch(outcome.message, /is not a function|undefined|Cannot read properties/);
  }
}

for (const platform of ['neutral', 'browser']) {
  test(`default condition (esbuild --platform=${platform}) in Node and Deno: a clear error`, { timeout: 60_000 }, async () => {
    const outfile = await bundle('unsupported-main.mjs', platform);
    const node = await runJson(process.execPath, [outfile], { cwd: consumer, env: nodeEnv(), timeoutMs: 30_000 });
    assertExplains(node.json, new RegExp(`in Node\\.js ${process.versions.node.replaceAll('.', '\\.')}:`));
    const deno = await runJson(bin('deno'), ['run', outfile], { cwd: consumer, env: denoEnv(), timeoutMs: 30_000 });
    assertExplains(deno.json, /in Deno 2\.\d+\.\d+:/);
  });
}

test('default condition (esbuild --platform=browser) in workerd: a clear error', { timeout: 60_000 }, async () => {
  const outfile = await bundle('unsupported-worker.mjs', 'browser');
  const config = { scriptPath: join(consumer, outfile), compatibilityDate: '2026-04-01' };
  const worker = await startServer(process.execPath, [MINIFLARE_SERVER, JSON.stringify(config)], {
    cwd: consumer,
    env: nodeEnv(),
    timeoutMs: 60_000,
  });
  try {
    const response = await fetch(worker.url, { signal: AbortSignal.timeout(20_000) });
    assert.equal(response.status, 200);
    assertExplains(await response.json(), /in Cloudflare Workers:/); // named from workerd's navigator.userAgent
  } finally {
    await worker.stop();
  }
});
