// Starts the packaged sandbox (contiguity-imessage/sandbox) as a child
// process and drives it over its HTTP control endpoints, so the same helper
// serves tests in every runtime. Stopped by PID, never by name.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import http from 'node:http';

const require = createRequire(import.meta.url);
// The installed package's own copy of the sandbox, as users get it.
const CLI = require.resolve('contiguity-imessage/package.json').replace(/package\.json$/, 'sandbox/cli.js');

export const API_KEY = 'contiguity_sk_sandbox_test_key';
export const WEBHOOK_SECRET = 'whsec_sandbox_secret';
export const LEASED = '+15550001111';

/**
 * Starts the CLI with its machine-readable start (--json: one JSON line) and
 * the service rules off, since these tests assert on exact requests and
 * must not be paced.
 */
export async function startSandboxProcess(args = []) {
  const child = spawn(process.execPath, [CLI, '--json', '--no-rules', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  child.stdout.setEncoding('utf8');
  const line = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sandbox exited early with ${code}`)));
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end));
    });
  });
  const { url, pid } = JSON.parse(line);
  if (pid !== child.pid) throw new Error('sandbox reported another pid');

  // Control requests use node:http on fresh connections, so a socket the
  // client under test left in a bad state can never fail the test harness.
  const control = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const req = http.request(
        `${url}/__sandbox/${path}`,
        { method, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            if (res.statusCode >= 400) reject(new Error(`sandbox ${path}: ${res.statusCode} ${text}`));
            else resolve(JSON.parse(text));
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  return {
    url,
    pid,
    requests: () => control('GET', 'requests'),
    messages: () => control('GET', 'messages'),
    reset: () => control('POST', 'reset', {}),
    inject: (faults) => control('POST', 'faults', faults),
    config: (patch) => control('POST', 'config', patch),
    incoming: (params) => control('POST', 'incoming', params),
    // The service's redelivery of a recorded delivery: same event, signed now.
    redeliver: (deliveryId) => control('POST', 'redeliver', { id: deliveryId }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(pid, 'SIGTERM');
      await exited;
    },
  };
}
