// Serves Workers with Miniflare (workerd) on ephemeral loopback ports, the
// way `wrangler dev` would, with NO compatibility flags. Run as a child
// process by the tests:
//   node miniflare-server.mjs '{"scriptPath":..., "compatibilityDate":..., "bindings":{...}}'
// One Worker: scriptPath, compatibilityDate, and optionally bindings,
// durableObjects and kvNamespaces (Miniflare's own options of those names;
// storage is in memory, gone with the process). Several Workers, each in its
// own isolate, sharing what they name alike: {"workers": [{"name", ...the
// same keys}, ...]}.
// Prints {"url":..., "urls":{name: url}} once workerd serves (url: the first
// Worker), then runs until SIGTERM, on which it disposes Miniflare (stopping
// workerd) and exits 0. If a Worker fails to start, prints
// {"startupError":...} and exits 1.
import { Miniflare } from 'miniflare';

const config = JSON.parse(process.argv[2]);
const HOST = '127.0.0.1';

function workerOptions({ name, scriptPath, compatibilityDate, bindings = {}, durableObjects, kvNamespaces }) {
  return {
    name,
    modules: true,
    scriptPath,
    // How a Worker's own files are loaded without a bundler: JS as ES modules,
    // .wasm as a compiled WebAssembly.Module (what wrangler does too).
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate,
    bindings,
    durableObjects,
    kvNamespaces,
    // A port of its own for each Worker of several.
    unsafeDirectSockets: config.workers ? [{ host: HOST, port: 0 }] : undefined,
  };
}

const mf = new Miniflare({
  ...(config.workers ? { workers: config.workers.map(workerOptions) } : workerOptions(config)),
  host: HOST,
  port: 0,
});

const dispose = () => mf.dispose().catch(() => {});

try {
  const url = await mf.ready;
  const urls = {};
  if (config.workers) {
    for (const { name } of config.workers) urls[name] = (await mf.unsafeGetDirectURL(name)).origin;
  }
  console.log(JSON.stringify({ url: url.origin, urls }));
} catch (error) {
  console.log(JSON.stringify({ startupError: error.message }));
  await dispose();
  process.exit(1);
}

process.once('SIGTERM', async () => {
  await dispose();
  process.exit(0);
});
