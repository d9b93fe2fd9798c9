// The machine and tool versions the figures come from: without them the
// figures cannot be compared with another run.
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { benchDenoEnv, bin, nodeLts, ROOT, run } from './process.mjs';

const packageVersion = (name) =>
  JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

async function firstLine(command, args, env) {
  const { code, stdout } = await run(command, args, { env, timeoutMs: 30_000 });
  return code === 0 ? stdout.trim().split('\n')[0] : null;
}

function osName() {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? type();
  } catch {
    return type();
  }
}

export async function describeMachine() {
  const cores = cpus();
  const commit = await firstLine('git', ['rev-parse', '--short', 'HEAD']);
  const changes = await run('git', [
    'status', '--porcelain', '--', 'src', 'Cargo.toml', 'Cargo.lock', 'pkg-template', 'Makefile', 'scripts',
    'package.json', 'package-lock.json',
  ]);
  return {
    cpu: cores[0]?.model ?? 'unknown',
    cores: cores.length,
    memoryBytes: totalmem(),
    os: `${osName()} (${type()} ${release()})`,
    node: process.version,
    nodeLts: `v${nodeLts().version}`,
    deno: (await firstLine(bin('deno'), ['--version'], benchDenoEnv()))?.replace(/^deno /, '') ?? null,
    workerd: (await firstLine(bin('workerd'), ['--version']))?.replace(/^workerd /, '') ?? null,
    miniflare: packageVersion('miniflare'),
    esbuild: packageVersion('esbuild'),
    // What was measured: the installed package, built from this commit plus
    // any uncommitted changes to the sources of the package.
    oursVersion: packageVersion('contiguity-imessage'),
    officialVersion: packageVersion('contiguity'),
    commit,
    uncommittedPackageChanges: changes.code === 0 ? changes.stdout.trim().length > 0 : null,
  };
}
