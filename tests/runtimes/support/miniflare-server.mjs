// Serves one Worker with Miniflare (workerd) on an ephemeral loopback port,
// the way `wrangler dev` would, with NO compatibility flags. Run as a child
// process by the tests:
//   node miniflare-server.mjs '{"scriptPath":..., "compatibilityDate":..., "bindings":{...}}'
// Prints {"url":...} once workerd serves, then runs until SIGTERM, on which
// it disposes Miniflare (stopping workerd) and exits 0. If the Worker fails
// to start, prints {"startupError":...} and exits 1.
import { Miniflare } from 'miniflare';

const { scriptPath, compatibilityDate, bindings = {} } = JSON.parse(process.argv[2]);

const mf = new Miniflare({
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
  host: '127.0.0.1',
  port: 0,
});

const dispose = () => mf.dispose().catch(() => {});

try {
  const url = await mf.ready;
  console.log(JSON.stringify({ url: url.origin }));
} catch (error) {
  console.log(JSON.stringify({ startupError: error.message }));
  await dispose();
  process.exit(1);
}

process.once('SIGTERM', async () => {
  await dispose();
  process.exit(0);
});
