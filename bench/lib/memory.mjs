// Memory after 100,000 sends through one client (bench/memory.mjs, the same
// script tests/js/memory.test.mjs runs), for ours and, the same way, for the
// official SDK. Each in a fresh Node process with --expose-gc.
import { join } from 'node:path';
import { SDKS } from './sdks.mjs';
import { ROOT, runJson } from './process.mjs';

const SCRIPT = join(ROOT, 'bench/memory.mjs');
const CALLS = 100000;

export async function measureMemory() {
  const result = {};
  for (const sdk of SDKS) {
    const args = ['--expose-gc', SCRIPT, String(CALLS), `--sdk=${sdk}`];
    const { json } = await runJson(process.execPath, args, { timeoutMs: 180_000 });
    result[sdk] = json;
  }
  return result;
}
