// A bundle moved to a fresh folder under the system's temporary directory:
// nothing beside it (no .wasm) and no node_modules above it, so a bundle
// that still needed a file of the package, or left an import of it
// unbundled, fails there instead of finding the workspace's copy.
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Moves `file` into a new empty folder; returns { dir, file, remove() }. */
export function moveAlone(file) {
  const dir = mkdtempSync(join(tmpdir(), 'contiguity-imessage-bundle-'));
  renameSync(file, join(dir, basename(file)));
  return { dir, file: basename(file), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
