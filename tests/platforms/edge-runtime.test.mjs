// The packed tarball under Vercel's `edge-runtime` (the edge's globals in a
// Node.js `vm` context, where compiling wasm from bytes is disallowed), fed
// as Next.js feeds an edge route: bundled with the "edge-light" condition,
// and its `.wasm?module` import a WebAssembly.Module compiled outside the
// context and handed in (fixtures/edge-runtime-host.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxProcess } from '../js/support/sandbox.mjs';
import { makeConsumer, nodeEnv } from '../runtimes/support/consumer.mjs';
import { runJson } from '../runtimes/support/process.mjs';
import { assertProbe, assertStartError, platformFiles, probeConfig } from './support/expect.mjs';

let sandbox;
let consumer;
before(async () => {
  sandbox = await startSandboxProcess();
  consumer = await makeConsumer('edge-runtime', {
    fixtures: ['scenario.mjs'],
    files: platformFiles('platform-probe.mjs', 'edge-entry.mjs', 'edge-runtime-host.mjs'),
  });
});
after(() => sandbox?.stop());

test('edge-runtime: a module compiled in another realm is accepted; send, ValidationError, verify', { timeout: 60_000 }, async () => {
  await sandbox.reset();
  const config = probeConfig(sandbox, 'edge-runtime');
  const { json } = await runJson(process.execPath, ['edge-runtime-host.mjs', JSON.stringify(config)], {
    cwd: consumer,
    env: nodeEnv(),
    timeoutMs: 30_000,
  });
  // The premises: one module handed in, from another realm (instanceof is
  // false, the brand is right), and no compiling of bytes in the context.
  assert.equal(json.premises.bindings, 1);
  assert.deepEqual(json.premises.crossRealm, [[false, '[object WebAssembly.Module]']]);
  assert.match(json.premises.compilingBytes, /disallowed/i);

  await assertProbe(json.probe, sandbox, { runtime: 'edge-runtime', edgeRuntime: 'edge-runtime' });

  // No module handed in: the start-up error names the edge runtime, not
  // Cloudflare Workers or the Node.js process underneath.
  assertStartError(json.unbound, `Vercel's Edge Runtime \\(EdgeRuntime "edge-runtime"\\)`, /WebAssembly\.Module\(\)/);
});
