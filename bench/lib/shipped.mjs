// Bytes a Worker ships: a Worker that imports each package and constructs a
// client, bundled for workerd the way wrangler does it (esbuild, conditions
// workerd/worker/browser, ESM, `.wasm` kept as a separate module), then the
// gzip -9 size of every file that would be uploaded.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { API_KEY, SDKS, SPECIFIER } from './sdks.mjs';
import { bin, ROOT, run } from './process.mjs';

export const WORKERS = join(ROOT, 'target/bench/workers');

// The date every Worker of the bench runs with: within what the workerd
// bundled with Miniflare supports, as in the tests.
export const COMPATIBILITY_DATE = '2026-04-01';

// The official SDK imports node:crypto: left to the runtime, which provides
// it only with the nodejs_compat flag. Ours needs nothing from the runtime.
export const COMPATIBILITY_FLAGS = { ours: [], official: ['nodejs_compat'] };
const EXTERNAL = { ours: [], official: ['node:*'] };

// One client per isolate, created on the first request (when `env` would
// arrive); ours loads its wasm then, so the first response includes that.
const workerSource = (sdk) => `import { Contiguity } from '${SPECIFIER[sdk]}';
let contiguity;
export default {
  fetch() {
    contiguity ??= new Contiguity('${API_KEY}');
    return new Response(typeof contiguity.imessage.send);
  },
};
`;

const gzipSize = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** Bundles `dir`/worker.mjs (which imports `sdk`), as wrangler would. */
export async function bundle(sdk, dir, minify) {
  const outdir = join(dir, minify ? 'min' : 'plain');
  const metafile = join(outdir, 'meta.json');
  rmSync(outdir, { recursive: true, force: true });
  const args = [
    join(dir, 'worker.mjs'),
    '--bundle',
    '--format=esm',
    '--conditions=workerd,worker,browser',
    '--loader:.wasm=copy', // the import stays: workerd gets a compiled WebAssembly.Module
    '--asset-names=[name]',
    ...EXTERNAL[sdk].map((pattern) => `--external:${pattern}`),
    ...(minify ? ['--minify'] : []),
    `--outdir=${outdir}`,
    `--metafile=${metafile}`,
    '--log-level=error',
  ];
  const result = await run(bin('esbuild'), args, { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`esbuild failed for ${sdk}:\n${result.stderr}`);
  const paths = Object.keys(JSON.parse(readFileSync(metafile, 'utf8')).outputs).map((output) => join(ROOT, output));
  const files = paths.map((path) => {
    const bytes = readFileSync(path);
    return { file: basename(path), bytes: bytes.length, gzipBytes: gzipSize(bytes) };
  });
  const sum = (key) => files.reduce((total, file) => total + file[key], 0);
  return { sizes: { files, bytes: sum('bytes'), gzipBytes: sum('gzipBytes') }, paths };
}

// The modules of a bundle as Miniflare takes them, the entry first (the
// first module is the Worker).
export const modulesOf = (paths) =>
  paths
    .map((path) => ({ type: path.endsWith('.wasm') ? 'CompiledWasm' : 'ESModule', path }))
    .sort((a, b) => (a.type === b.type ? 0 : a.type === 'ESModule' ? -1 : 1));

/**
 * Bundles both Workers, minified and not. Returns `sizes` per SDK (with the
 * flags its Worker needs) and `workers`, the minified bundles as workerd
 * runs them.
 */
export async function measureShipped() {
  const sizes = {};
  const workers = {};
  for (const sdk of SDKS) {
    const dir = workerDir(sdk);
    const minified = await bundle(sdk, dir, true);
    const unminified = await bundle(sdk, dir, false);
    sizes[sdk] = {
      compatibilityFlags: COMPATIBILITY_FLAGS[sdk],
      external: EXTERNAL[sdk],
      minified: minified.sizes,
      unminified: unminified.sizes,
    };
    workers[sdk] = { modules: modulesOf(minified.paths), compatibilityFlags: COMPATIBILITY_FLAGS[sdk] };
  }
  const wasm = sizes.ours.minified.files.find(({ file }) => file.endsWith('.wasm'));
  sizes.oursWasm = { bytes: wasm.bytes, gzipBytes: wasm.gzipBytes };
  return { sizes, workers };
}

/** The minified bundle of our Worker alone: what `make test`'s budget holds. */
export async function measureOursMinified() {
  return (await bundle('ours', workerDir('ours'), true)).sizes;
}

/** A fresh folder with the Worker that imports `sdk`. */
function workerDir(sdk) {
  const dir = join(WORKERS, sdk);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'worker.mjs'), workerSource(sdk));
  return dir;
}
