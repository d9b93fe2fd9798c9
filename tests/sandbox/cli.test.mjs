// cli.js, the `contiguity-imessage-sandbox` command: the machine-readable
// start (--json) the tests use, the summary a developer reads, the rules it
// turns on, and the command as npm installs it. Every process is bounded in
// time and stopped by its id.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { run, startServer } from '../runtimes/support/process.mjs';
import { makeConsumer, nodeEnv } from '../runtimes/support/consumer.mjs';
import { api, send, control, assertSuccess, assertError, verifySignature, PERSON } from './support.mjs';

const CLI = fileURLToPath(new URL('../../pkg-template/sandbox/cli.js', import.meta.url));
const started = new Set();
after(() => { for (const child of started) child.kill('SIGKILL'); });

/** Starts the CLI; resolves once it printed its first line (killed if it does not in time). */
async function startCli(args = []) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c; });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no first line in time; stderr: ${stderr}`)); }, 10_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) { clearTimeout(timer); resolve(stdout.slice(0, stdout.indexOf('\n'))); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${stderr}`)); });
  });
  return { child, line, output: () => ({ stdout, stderr }) };
}

async function stop(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return [child.exitCode, child.signalCode];
  const exited = once(child, 'exit');
  process.kill(child.pid, signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

const SECRETS_GIVEN = ['contiguity_sk_cli', 'whsec_cli'];

describe('--json', () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    test(`prints one JSON line, serves, and exits cleanly on ${signal}`, async () => {
      const { child, line, output } = await startCli(['--json', '--api-key', 'contiguity_sk_cli_one', '--api-key', 'contiguity_sk_cli_two',
        '--webhook-secret', 'whsec_cli_old', '--webhook-secret', 'whsec_cli_new', '--no-fast-track']);
      const info = JSON.parse(line);
      try {
        assert.equal(info.pid, child.pid);
        assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        const ok = await send({ to: PERSON, message: 'via cli' }, { base: info.url, auth: 'Token contiguity_sk_cli_two' });
        assertSuccess(ok);
        assertError(await send({ to: PERSON, message: 'x' }, { base: info.url }), 401);
        assertError(await send({ to: PERSON, message: 'x', fast_track: true }, { base: info.url, auth: 'Token contiguity_sk_cli_one' }), 403);
        const { signature, rawBody } = (await control('POST', 'incoming', { from: PERSON }, { base: info.url })).json;
        // A repeated --webhook-secret signs with both, for a rotation.
        for (const secret of ['whsec_cli_old', 'whsec_cli_new']) {
          const checked = verifySignature(signature, rawBody, secret);
          assert.ok(checked.valid, secret);
          assert.equal(checked.count, 2);
        }
      } finally {
        const [code, sig] = await stop(child, signal);
        assert.equal(code, 0);
        assert.equal(sig, null);
      }
      const { stdout, stderr } = output();
      assert.equal(stdout.split('\n').filter(Boolean).length, 1, 'exactly one stdout line');
      for (const secret of SECRETS_GIVEN) assert.ok(!`${stdout}${stderr}`.includes(secret));
    });
  }
});

describe('the summary a developer reads', () => {
  test('names the API and inspector URLs and the webhook; the rules are on; no secret is printed', async () => {
    const { child, line, output } = await startCli(['--webhook', 'http://127.0.0.1:8788/webhook',
      '--api-key', 'contiguity_sk_cli_key', '--webhook-secret', 'whsec_cli_secret']);
    try {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
      assert.ok(url, line);
      // The rest of the summary follows the first line; wait for its last line.
      const deadline = Date.now() + 5000;
      while (!output().stdout.includes('Ctrl-C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const { stdout } = output();
      assert.match(stdout, new RegExp(`API base URL +${url} `));
      assert.match(stdout, new RegExp(`Inspector +${url}/ `));
      assert.match(stdout, /Webhook +http:\/\/127\.0\.0\.1:8788\/webhook/);
      assert.match(stdout, /Rules +pacing on, availability on, fast track entitled/);

      const state = (await control('GET', 'state', undefined, { base: url })).json;
      assert.deepEqual(state.config.rules, { pacing: true, availability: true });
      assert.equal(state.config.webhookUrl, 'http://127.0.0.1:8788/webhook');
      const page = await api('GET', '/', undefined, { base: url, auth: null });
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type'), /^text\/html/);
    } finally {
      await stop(child);
    }
    const { stdout, stderr } = output();
    for (const secret of SECRETS_GIVEN) assert.ok(!`${stdout}${stderr}`.includes(secret), secret);
  });

  for (const [flags, rules] of [
    [['--no-rules'], { pacing: false, availability: false }],
    [['--no-pacing'], { pacing: false, availability: true }],
    [['--no-availability'], { pacing: true, availability: false }],
  ]) {
    test(`${flags.join(' ')} turns ${Object.keys(rules).filter((k) => !rules[k]).join(' and ')} off`, async () => {
      const { child, line } = await startCli(['--json', ...flags]);
      try {
        const state = (await control('GET', 'state', undefined, { base: JSON.parse(line).url })).json;
        assert.deepEqual(state.config.rules, rules);
      } finally {
        await stop(child);
      }
    });
  }
});

describe('refusals', () => {
  for (const [name, args] of [
    ['an unknown option', ['--api-keyy=contiguity_sk_leak']],
    ['a bad port', ['--port', 'contiguity_sk_leak']],
    ['a bad webhook URL', ['--webhook', 'contiguity_sk_leak']],
    ['a bad leased number', ['--leased-number', 'contiguity_sk_leak']],
  ]) {
    test(`${name}: exit 2, naming the option, without echoing the value`, async () => {
      // Bounded: a CLI that served instead of refusing is killed, and fails.
      const { code, stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeoutMs: 10_000 });
      assert.equal(code, 2, stderr);
      assert.match(stderr, /usage|option|port/);
      assert.ok(!`${stdout}${stderr}`.includes('contiguity_sk_leak'));
    });
  }

  test('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await run(process.execPath, [CLI, '--help'], { timeoutMs: 10_000 });
    assert.equal(code, 0);
    assert.match(stdout, /--webhook URL/);
    assert.match(stdout, /--json/);
  });
});

describe('as npm installs it', () => {
  test('`npx contiguity-imessage-sandbox` in a project that installed the tarball serves the API and the page', async () => {
    // The packed tarball (make pack), installed with npm the way a user does.
    const dir = await makeConsumer('sandbox-bin');
    const server = await startServer('npx', ['--no-install', 'contiguity-imessage-sandbox', '--port', '0',
      '--webhook', 'http://127.0.0.1:8788/webhook'], { cwd: dir, env: nodeEnv(), timeoutMs: 60_000 });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const page = await api('GET', '/', undefined, { base: server.url, auth: null });
      assert.equal(page.status, 200);
      assert.match(page.text, /<title>Contiguity sandbox<\/title>/);
      assertSuccess(await send({ to: PERSON, message: 'hello from npx' }, { base: server.url }));
    } finally {
      await server.stop();
    }
    assert.match(server.output.stdout, /Inspector +http:\/\/127\.0\.0\.1:\d+\//);
  });
});
