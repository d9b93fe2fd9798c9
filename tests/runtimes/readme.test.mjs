// The README's promises, tested as a newcomer would follow them: every code
// block the README marks with a file path is that file, unchanged; the
// first bot, copied into a fresh project with the packed tarball, answers a
// message from the sandbox started with the README's own command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { makeConsumer, nodeEnv, ROOT } from './support/consumer.mjs';
import { startServer } from './support/process.mjs';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** `[path, code]` of each block written as `<!-- path -->` then a fenced block. */
function markedBlocks(markdown) {
  return [...markdown.matchAll(/<!-- ([\w./-]+) -->\n```\w*\n([\s\S]*?)```/g)].map(([, path, code]) => [path, code]);
}

test('every README code block marked with a file is that file, unchanged', () => {
  const blocks = markedBlocks(README);
  assert.ok(blocks.length >= 1, 'the README marks its first bot with its file');
  for (const [path, code] of blocks) {
    assert.equal(code, readFileSync(join(ROOT, path), 'utf8'), `${path} and its README block differ`);
  }
});

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function control(sandboxUrl, path, body) {
  const response = await fetch(`${sandboxUrl}/__sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

test("README's first bot answers a message from the sandbox, run as the README says", { timeout: 90_000 }, async () => {
  const consumer = await makeConsumer('readme-first-bot', { from: join(ROOT, 'examples/first-bot') });
  const botPort = await freePort();
  const env = nodeEnv({ npm_config_offline: 'true' });
  // The README's command, on free ports (and --json, to read its URL).
  const sandbox = await startServer(
    'npx',
    ['contiguity-imessage-sandbox', '--port', '0', '--webhook', `http://127.0.0.1:${botPort}/webhook`, '--json'],
    { cwd: consumer, env, timeoutMs: 80_000 },
  );
  const bot = await startServer(process.execPath, ['bot.mjs'], {
    cwd: consumer,
    env: nodeEnv({
      PORT: String(botPort),
      CONTIGUITY_API_KEY: 'contiguity_sk_sandbox_test_key',
      CONTIGUITY_WEBHOOK_SECRET: 'whsec_sandbox_secret',
      CONTIGUITY_BASE_URL: sandbox.url,
    }),
    timeoutMs: 80_000,
  });
  try {
    assert.equal(bot.url, `http://127.0.0.1:${botPort}`);
    const customer = '+15557654321';
    const { delivery } = await control(sandbox.url, 'incoming', { from: customer, body: 'Hello, bot' });
    assert.equal(delivery.status, 200, 'the handler answers the delivery');
    // The bot works after its 200: wait for its reply (a second of typing first).
    let requests = [];
    for (let i = 0; i < 100 && !requests.some((r) => r.path === '/send/imessage'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      requests = await control(sandbox.url, 'requests');
    }
    const leased = delivery.event?.data?.to ?? '+15550001111';
    const conversation = { to: customer, from: leased };
    assert.deepEqual(
      requests.map(({ method, path, json }) => ({ method, path, json })),
      [
        { method: 'POST', path: '/send/imessage/read', json: conversation },
        { method: 'POST', path: '/send/imessage/typing', json: { ...conversation, action: 'start' } },
        { method: 'POST', path: '/send/imessage/typing', json: { ...conversation, action: 'stop' } },
        { method: 'POST', path: '/send/imessage', json: { ...conversation, message: 'You said: "Hello, bot"' } },
      ],
    );
    assert.ok(requests.every((r) => r.status === 200), JSON.stringify(requests.map((r) => r.status)));
  } finally {
    await bot.stop();
    await sandbox.stop();
  }
  assert.equal(bot.output.stderr, '');
});

test('`make demo` runs the documented flow: read, typing, a reply, the transcript', { timeout: 60_000 }, async () => {
  const { run } = await import('./support/process.mjs');
  const demo = await run(process.execPath, [join(ROOT, 'examples/demo.mjs')], { cwd: ROOT, env: nodeEnv(), timeoutMs: 50_000 });
  assert.equal(demo.code, 0, demo.stderr);
  assert.equal(demo.stderr, '');
  const lines = demo.stdout.split('\n');
  for (const expected of [/^  <- \+15557654321: "Hi! Do you have a table free tonight\?" {3}\(signature verified\)$/, /^ {2}✓ {2}marked as read$/, /^ {2}… {2}typing$/, /^ {2}-> \+15557654321: sent imsg_\w+$/]) {
    assert.ok(lines.some((line) => expected.test(line)), `${expected} in:\n${demo.stdout}`);
  }
  assert.ok(lines.some((line) => /customer \+15557654321 -> \+15550001111: "Hi! Do you have a table free tonight\?" {2}\(read\)$/.test(line)), demo.stdout);
  assert.ok(lines.some((line) => /us {7}\+15550001111 -> \+15557654321: "We do!/.test(line)), demo.stdout);
});
