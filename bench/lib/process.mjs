// Child processes of the benchmark: bounded in time, timed from spawn to
// exit, and always cleaned up by id. Each child leads its own process group
// (detached), so a runtime that starts helpers (Miniflare starts workerd) is
// stopped with all of them by signalling that group, never by name. Unlike
// tests/runtimes/support/process.mjs (whose env settings are reused), this
// one measures the wall time and also stops live children when the
// benchmark itself is interrupted.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bin, denoEnv, nodeEnv, nodeLts, ROOT } from '../../tests/runtimes/support/consumer.mjs';

export { bin, nodeLts, ROOT };

// Scratch files of the children (Miniflare's among them) under target/, not /tmp.
const TMP = join(ROOT, 'target/bench/tmp');
const tmpdir = () => {
  mkdirSync(TMP, { recursive: true });
  return TMP;
};

export const benchNodeEnv = () => nodeEnv({ TMPDIR: tmpdir() });
// Deno's caches (code cache, npm resolution) under target/, apart from the tests'.
export const benchDenoEnv = () => denoEnv({ TMPDIR: tmpdir(), DENO_DIR: join(ROOT, 'target/bench/deno-dir') });

const live = new Set();

const killGroup = (pid) => {
  if (!pid) return; // never started
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if (error.code !== 'ESRCH') throw error; // already gone
  }
};

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const pid of live) killGroup(pid);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/**
 * Runs a command to completion. Resolves { code, stdout, stderr, wallMs },
 * wallMs from just before spawn to the process's exit. After timeoutMs the
 * process group is killed.
 */
export function run(command, args, { cwd = ROOT, env = benchNodeEnv(), timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let wallMs;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    if (child.pid) live.add(child.pid);
    const timer = setTimeout(() => killGroup(child.pid), timeoutMs);
    child.once('exit', () => (wallMs = performance.now() - started));
    child.once('error', (error) => {
      clearTimeout(timer);
      live.delete(child.pid);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid); // anything the child left behind in its group
      live.delete(child.pid);
      resolve({ code: code ?? signal, stdout, stderr, wallMs });
    });
  });
}

/** Runs a command that prints one JSON line last on stdout; returns it parsed, with wallMs. */
export async function runJson(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  const line = result.stdout.trim().split('\n').at(-1);
  try {
    return { json: JSON.parse(line), wallMs: result.wallMs };
  } catch {
    throw new Error(`no JSON line from ${command} ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  }
}
