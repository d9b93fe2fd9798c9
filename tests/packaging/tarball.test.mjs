// What the published tarball holds (target/npm/*.tgz, as `make pack` wrote
// it): README.md, LICENSE and every file `files` names; every file the
// exports map, `main` and `types` point at; every relative import of every
// shipped module; and nothing of the build's own (pkg/.built).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { TARBALL } from '../runtimes/support/consumer.mjs';
import { run } from '../runtimes/support/process.mjs';

let shipped; // paths inside the package, without the tarball's "package/" prefix
let manifest;
before(async () => {
  const listed = await run('tar', ['-tzf', TARBALL], { timeoutMs: 30_000 });
  assert.equal(listed.code, 0, listed.stderr);
  shipped = new Set(
    listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((path) => path.replace(/^package\//, '')),
  );
  manifest = JSON.parse(await textOf('package.json'));
});

async function textOf(path) {
  const extracted = await run('tar', ['-xzOf', TARBALL, `package/${path}`], { timeoutMs: 30_000 });
  assert.equal(extracted.code, 0, `${path}: ${extracted.stderr}`);
  return extracted.stdout;
}

test('the tarball has README.md, LICENSE and package.json', () => {
  for (const file of ['README.md', 'LICENSE', 'package.json']) assert.ok(shipped.has(file), file);
});

test('the tarball has every file `files` names (a folder: at least one file in it)', () => {
  assert.ok(manifest.files.length > 0);
  for (const entry of manifest.files) {
    const found = entry.endsWith('/') ? [...shipped].some((path) => path.startsWith(entry)) : shipped.has(entry);
    assert.ok(found, `"${entry}" is in files but not in the tarball`);
  }
});

/** Every string target of an exports map, however nested its conditions. */
const targetsOf = (value) =>
  typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap((nested) => targetsOf(nested));

test('every file the exports map, main and types point at is in the tarball', () => {
  const targets = [manifest.main, manifest.types, ...targetsOf(manifest.exports)];
  assert.ok(targets.length > 10); // the premise: the walk found the nested targets
  for (const target of targets) {
    assert.ok(shipped.has(posix.normalize(target)), `${target} is pointed at but not in the tarball`);
  }
});

test('every relative import of a shipped module is in the tarball', async () => {
  const modules = [...shipped].filter((path) => /\.(js|cjs|mjs)$/.test(path));
  let imports = 0;
  for (const module of modules) {
    const source = await textOf(module);
    // import … from './x', import './x', import source x from './x', export … from './x', require('./x')
    for (const [, specifier] of source.matchAll(/(?:\bfrom|\bimport|\brequire\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      imports++;
      const path = posix.join(posix.dirname(module), specifier.replace(/\?module$/, ''));
      assert.ok(shipped.has(path), `${module} imports ${specifier}, which is not in the tarball`);
    }
  }
  assert.ok(imports > 20, `only ${imports} relative imports found: the scan is broken`);
});

test('nothing of the build itself is shipped', () => {
  for (const path of shipped) assert.doesNotMatch(path, /(^|\/)\.built$|\.gitignore$/);
});
