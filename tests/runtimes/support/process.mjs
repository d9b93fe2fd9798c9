// Child processes for the runtime tests, always bounded in time and always
// cleaned up by id. Each child gets its own process group (detached), so a
// runtime that starts helpers (Miniflare starts workerd) is stopped with all
// of them by signalling that group's id, never by name.
import { spawn } from 'node:child_process';

// A negative pid is the whole group this test started.
const kill = (pid, signal) => {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error; // already gone
  }
};

function start(command, args, { cwd, env, timeoutMs }) {
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'], // no stdin: a permission prompt would fail, not wait
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error })); // e.g. not found
    child.once('close', (code, signal) => resolve({ code, signal }));
  }).then((result) => {
    clearTimeout(timer);
    if (child.pid) kill(-child.pid, 'SIGKILL'); // anything left behind in its group
    return result;
  });
  const timer = setTimeout(() => child.pid && kill(-child.pid, 'SIGKILL'), timeoutMs);
  return { child, output, exited };
}

/**
 * Runs a command to completion; after timeoutMs it is killed (signal
 * 'SIGKILL'). Never throws on a non-zero exit: callers assert on `code`.
 */
export async function run(command, args, { cwd, env = process.env, timeoutMs = 60_000 } = {}) {
  const { output, exited } = start(command, args, { cwd, env, timeoutMs });
  const { code, signal, error } = await exited;
  if (error) throw error;
  return { code, signal, ...output };
}

/** Runs a command that prints one JSON line last on stdout, and parses it. */
export async function runJson(command, args, options) {
  const result = await run(command, args, options);
  const lines = result.stdout.trim().split('\n');
  if (result.code !== 0) {
    throw new Error(`${command} exited with ${result.code ?? result.signal}\n${result.stdout}\n${result.stderr}`);
  }
  try {
    return { ...result, json: JSON.parse(lines.at(-1)) };
  } catch {
    throw new Error(`no JSON line from ${command}:\n${result.stdout}\n${result.stderr}`);
  }
}

// A URL (http://host:port) in the first line of stdout.
const URL_IN_FIRST_LINE = /^[^\n]*?(https?:\/\/[^\s"/]+)[^\n]*\n/;

/**
 * Starts a server process that prints its URL (http://host:port) in its first
 * line of stdout, or wherever `ready` finds it (a RegExp over all of stdout
 * whose first group is the URL). Returns { url, pid, output, stop() }; stop()
 * sends SIGTERM to the server (which stops its own children), then SIGKILL to
 * its group if it has not exited within 5 s. timeoutMs bounds the server's
 * whole life.
 */
export async function startServer(command, args, { cwd, env = process.env, timeoutMs = 60_000, ready = URL_IN_FIRST_LINE } = {}) {
  const { child, output, exited } = start(command, args, { cwd, env, timeoutMs });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => kill(-child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  const url = await new Promise((resolve, reject) => {
    const check = () => {
      const match = ready.exec(output.stdout);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', check);
    exited.then(({ code, signal }) =>
      reject(new Error(`${command} exited before serving (${code ?? signal}):\n${output.stdout}\n${output.stderr}`)),
    );
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  return { url, pid: child.pid, output, stop };
}
