// The packed tarball in a Next.js 16 app with two route handlers, one on the
// edge runtime and one on Node.js, built by each of Next's bundlers
// (Turbopack, the default, and webpack), then served by `next start`. No
// next.config and no serverExternalPackages: the app is what a user writes.
// The same app mounts createWebhookHandler on both runtimes the two ways
// docs/webhooks.md gives (`export const POST = handler`, and `after` from
// next/server as its waitUntil), checked as in every other runtime
// (tests/runtimes/support/handler-checks.mjs).
// next, react and react-dom are the workspace's, found by Node's resolution
// walking up from target/consumers/<name>/, not installed again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess } from '../js/support/sandbox.mjs';
import { bin, makeConsumer, nodeEnv, ROOT } from '../runtimes/support/consumer.mjs';
import { run, startServer } from '../runtimes/support/process.mjs';
import { assertProbe, platformFiles, probeConfig, PLATFORM_FIXTURES } from './support/expect.mjs';
import { API_KEY } from '../js/support/sandbox.mjs';
import { checks, SANDBOX_SECRET, SECRETS, startGate } from '../runtimes/support/handler-checks.mjs';

const NEXT = bin('next');
const nextEnv = () => nodeEnv({ NEXT_TELEMETRY_DISABLED: '1' });
// `next start` prints its address, then "✓ Ready in …" once it serves.
const NEXT_READY = /- Local:\s+(http:\/\/[^\s/]+)[\s\S]*?Ready in/;

let sandbox;
// The webhook checks' own sandbox, signing with the receivers' first secret.
let hookSandbox;
let gate;
let check;
before(async () => {
  [sandbox, hookSandbox, gate] = await Promise.all([
    startSandboxProcess(),
    startSandboxProcess(['--webhook-secret', SANDBOX_SECRET]),
    startGate(),
  ]);
  check = checks({ sandbox: hookSandbox, gate });
});
after(async () => {
  await gate?.close();
  await Promise.all([sandbox?.stop(), hookSandbox?.stop()]);
});

// The receivers' settings, read by the routes from the environment of `next start`.
const handlerConfig = () =>
  JSON.stringify({ secrets: SECRETS, apiKey: API_KEY, baseUrl: hookSandbox.url, gateUrl: gate.url });

/** The webhook checks against the receivers under `${base}/<runtime>` and `${base}/<runtime>-after`. */
async function checkWebhookRoutes(base, runtime) {
  // `export const POST = handler`: no waitUntil, answered once the callback is done.
  await check.answeringAfterTheCallback((route) => `${base}/${runtime}/${route}`);
  // `after` as its waitUntil: answered first, the callback after.
  const afterwards = (route) => `${base}/${runtime}-after/${route}`;
  await check.inARow(afterwards('memory'), 'background');
  await check.concurrently(afterwards('memory'), 'background');
  await check.failureRetried(afterwards('memory'), 'background', afterwards('__failures'));
  await check.answeredBeforeWork(afterwards('memory'));
}

async function makeNextApp(name) {
  const app = await makeConsumer(name, {
    from: fileURLToPath(new URL('next-app', PLATFORM_FIXTURES)),
    fixtures: ['scenario.mjs', 'handler-app.mjs'],
    files: platformFiles('platform-probe.mjs'),
  });
  // One lockfile, the workspace's, as in a monorepo: with a second one here
  // Next.js warns that it had to guess the workspace root.
  rmSync(join(app, 'package-lock.json'));
  assert.ok(!['next.config.js', 'next.config.mjs', 'next.config.ts'].some((file) => existsSync(join(app, file))));
  const resolveFromApp = createRequire(join(app, 'package.json')).resolve;
  for (const dependency of ['next', 'react', 'react-dom']) {
    assert.ok(!existsSync(join(app, 'node_modules', dependency)), `${dependency} installed into the app`);
    assert.equal(resolveFromApp(`${dependency}/package.json`), join(ROOT, 'node_modules', dependency, 'package.json'));
  }
  return app;
}

/** The .wasm files in the build output, relative to .next/. */
function wasmFilesIn(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) wasmFilesIn(path, found);
    else if (entry.name.endsWith('.wasm')) found.push(path);
  }
  return found;
}

async function probeRoute(url, runtime) {
  await sandbox.reset();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(probeConfig(sandbox, runtime)),
    signal: AbortSignal.timeout(30_000),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

for (const bundler of ['turbopack', 'webpack']) {
  test(`Next.js 16 (${bundler}): edge and Node.js routes, the webhook handler on both`, { timeout: 360_000 }, async () => {
    const app = await makeNextApp(`next-${bundler}`);
    const built = await run(NEXT, ['build', ...(bundler === 'webpack' ? ['--webpack'] : [])], {
      cwd: app,
      env: nextEnv(),
      timeoutMs: 240_000,
    });
    assert.equal(built.code, 0, `next build failed:\n${built.stdout}\n${built.stderr}`);
    // No build warning about the package (webpack names the module it warns
    // about by its path under node_modules).
    assert.doesNotMatch(built.stdout + built.stderr, /node_modules\/contiguity-imessage/);
    // The edge route ships the .wasm as a module of its own; the Node.js route
    // embeds it, and nothing emits the file a second time.
    const wasm = wasmFilesIn(join(app, '.next')).map((path) => relative(join(app, '.next'), path));
    assert.equal(wasm.length, 1, wasm.join(', '));
    assert.match(wasm[0], /edge/);

    const server = await startServer(NEXT, ['start', '--port', '0', '--hostname', '127.0.0.1'], {
      cwd: app,
      env: { ...nextEnv(), CONTIGUITY_HANDLER_CONFIG: handlerConfig() },
      timeoutMs: 120_000,
      ready: NEXT_READY,
    });
    try {
      const edge = await probeRoute(`${server.url}/edge`, `next-${bundler}-edge`);
      await assertProbe(edge, sandbox, { runtime: `next-${bundler}-edge`, edgeRuntime: 'edge-runtime' });
      const node = await probeRoute(`${server.url}/node`, `next-${bundler}-node`);
      await assertProbe(node, sandbox, { runtime: `next-${bundler}-node` });
      await checkWebhookRoutes(server.url, 'edge');
      await checkWebhookRoutes(server.url, 'node');
    } finally {
      await server.stop();
    }
  });
}
