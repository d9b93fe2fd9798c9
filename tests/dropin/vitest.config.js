// The drop-in suite: test files written the way a user of the official
// `contiguity` SDK writes them (they import from 'contiguity'), run against
// the package DROPIN_SDK names. With DROPIN_SDK=contiguity-imessage the one
// thing that changes is what the import line resolves to, which is exactly
// what a user does when they switch: the bare name 'contiguity' (and only
// that name, not 'contiguity-imessage/sandbox') becomes 'contiguity-imessage',
// the packed build installed in node_modules.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const PACKAGES = ['contiguity', 'contiguity-imessage'];
const sdk = process.env.DROPIN_SDK;
if (!PACKAGES.includes(sdk)) {
  throw new Error(`DROPIN_SDK must be one of ${PACKAGES.join(', ')}; got ${JSON.stringify(sdk)}`);
}

export default defineConfig({
  root: import.meta.dirname,
  // Vite's cache goes under target/, not into a node_modules of its own here.
  cacheDir: fileURLToPath(new URL('../../target/vitest-dropin', import.meta.url)),
  resolve: {
    alias: sdk === 'contiguity' ? [] : [{ find: /^contiguity$/, replacement: 'contiguity-imessage' }],
  },
  test: {
    environment: 'node',
    include: ['**/*.spec.js'],
    // Each file stubs globals (fetch, timers, env); isolated workers keep
    // one file's stubs out of another's, and two at a time suit a 2-core box.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
