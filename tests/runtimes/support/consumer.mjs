// Throwaway consumer projects: a fresh directory under target/consumers/
// with its own package.json, into which the packed tarball is installed the
// way a user installs it. Also the paths of the pinned tools and the
// environment each tool runs with (offline, nothing written outside target/).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './process.mjs';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const { version } = JSON.parse(readFileSync(join(ROOT, 'pkg-template/package.json'), 'utf8'));
export const TARBALL = join(ROOT, `target/npm/contiguity-imessage-${version}.tgz`);
const CONSUMERS = join(ROOT, 'target/consumers');
const BIN = join(ROOT, 'node_modules/.bin');
export const bin = (name) => join(BIN, name);

/**
 * The Node.js binaries the Node tests run in: the machine's own (the one
 * running the tests) and the current LTS that `make` installs under
 * target/node-lts (the Makefile's NODE_LTS), each with its version.
 */
export function nodes() {
  return [{ name: `Node ${process.versions.node}`, path: process.execPath, version: process.versions.node }, nodeLts()];
}

/** The current LTS Node.js: its path and version. */
export function nodeLts() {
  const path = join(ROOT, 'target/node-lts/node_modules', `node-${process.platform}-${process.arch}`, 'bin/node');
  if (!existsSync(path)) throw new Error(`${path} is missing: \`make test\` and \`make bench\` install it`);
  const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  return { name: `Node ${version}`, path, version };
}

// Only what the tools need; in particular no CONTIGUITY_* variable leaks in
// from the developer's shell. HOME stays: npm reads its config there.
const baseEnv = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NO_COLOR: '1',
  npm_config_update_notifier: 'false',
});

export const nodeEnv = (extra = {}) => ({ ...baseEnv(), ...extra });
export const denoEnv = (extra = {}) => ({
  ...baseEnv(),
  DENO_DIR: join(CONSUMERS, '.deno-dir'),
  DENO_NO_UPDATE_CHECK: '1',
  ...extra,
});
// No banner (it is what checks npm for a newer wrangler), no metrics or
// error reports, config and logs inside target/.
export const wranglerEnv = () => ({
  ...baseEnv(),
  WRANGLER_HIDE_BANNER: 'true',
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  XDG_CONFIG_HOME: join(CONSUMERS, '.config'),
  WRANGLER_LOG_PATH: join(CONSUMERS, '.wrangler-logs'),
  CI: '1',
});

/**
 * Creates target/consumers/<name> afresh from `from` (a directory to copy,
 * e.g. an example) or an empty one, adds the given fixture files and extra
 * files, writes a package.json if there is none, and installs the tarball.
 */
export async function makeConsumer(name, { from, fixtures = [], files = {} } = {}) {
  if (!existsSync(TARBALL)) throw new Error(`${TARBALL} is missing: run \`make pack\` first`);
  const dir = join(CONSUMERS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (from) cpSync(from, dir, { recursive: true });
  for (const fixture of fixtures) cpSync(join(FIXTURES, fixture), join(dir, fixture));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  if (!existsSync(join(dir, 'package.json'))) {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true }));
  }
  const npm = await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', TARBALL], {
    cwd: dir,
    env: nodeEnv(),
    timeoutMs: 60_000,
  });
  if (npm.code !== 0) throw new Error(`npm install of the tarball failed in ${dir}:\n${npm.stderr}`);
  return dir;
}
