// Construction: the API key rules and the options (docs/reference.md#the-client).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { run } from '../runtimes/support/process.mjs';
import { Contiguity, ValidationError } from 'contiguity-imessage';

const KEY = 'contiguity_sk_test_abc';

test('a key that is not a contiguity_sk_ key is refused without echoing it', () => {
  for (const key of ['sk_live_SECRETVALUE', 'SECRETVALUE', 'contiguity_sk_SECRET VALUE']) {
    const error = (() => {
      try {
        new Contiguity(key);
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ValidationError, String(error));
    assert.deepEqual(error.issues[0].path, ['apiKey']);
    for (const text of [error.message, error.stack, JSON.stringify(error)]) {
      assert.ok(!text.includes('SECRET'), `key leaked: ${text}`);
    }
  }
  assert.throws(() => new Contiguity(42), ValidationError);
});

test('options are checked, every problem at once', () => {
  const error = (() => {
    try {
      new Contiguity(KEY, { baseUrl: 'http://api.contiguity.com', timeoutMs: 0, maxRetries: -1, debug: 'yes', fetch: 'no', retries: 3 });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ValidationError);
  assert.deepEqual(
    error.issues.map((i) => i.path.join('.') || '(root)'),
    ['(root)', 'baseUrl', 'fetch', 'timeoutMs', 'maxRetries', 'debug'],
  );
  assert.throws(() => new Contiguity(KEY, 'options'), ValidationError);
});

test('valid options are accepted, including a custom fetch and loopback http', () => {
  const c = new Contiguity(KEY, {
    baseUrl: 'http://127.0.0.1:9/',
    fetch: async () => new Response('{}'),
    timeoutMs: 1000,
    maxRetries: 0,
    debug: false,
  });
  assert.equal(typeof c.imessage.send, 'function');
  assert.equal(typeof c.webhook.verify, 'function');
  assert.throws(() => {
    c.imessage = null;
  }, TypeError);
});

/** Runs `code` as a module in a fresh Node with only `env` (and PATH) set. */
async function runWithEnv(env, code) {
  const result = await run(process.execPath, ['--input-type=module', '-e', code], {
    env: { PATH: process.env.PATH, ...env },
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    timeoutMs: 30_000,
  });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim();
}

test('the key is read from CONTIGUITY_API_KEY, then CONTIGUITY_TOKEN', async () => {
  // Prints the Authorization header the client sent.
  const probe = `
    import { Contiguity } from 'contiguity-imessage';
    const calls = [];
    const fetch = async (url, init) => { calls.push(init.headers.Authorization); return new Response(JSON.stringify({ id: 'req_1', timestamp: 1, api_version: 'v', object: 'response', data: { available: true } })); };
    await new Contiguity(undefined, { fetch }).imessage.availability({ to: '+15551234567' });
    console.log(calls[0]);
  `;
  const API_KEY = 'contiguity_sk_from_api_key';
  const TOKEN = 'contiguity_sk_from_token';
  assert.equal(await runWithEnv({ CONTIGUITY_API_KEY: API_KEY }, probe), `Token ${API_KEY}`);
  assert.equal(await runWithEnv({ CONTIGUITY_TOKEN: TOKEN }, probe), `Token ${TOKEN}`);
  assert.equal(await runWithEnv({ CONTIGUITY_TOKEN: TOKEN, CONTIGUITY_API_KEY: API_KEY }, probe), `Token ${API_KEY}`);
  const missing = await runWithEnv({}, `
    import { Contiguity, ValidationError } from 'contiguity-imessage';
    try { new Contiguity(); } catch (e) { console.log(e instanceof ValidationError, e.message); }
  `);
  assert.match(missing, /^true .*CONTIGUITY_API_KEY or CONTIGUITY_TOKEN/);
  const bad = await runWithEnv({ CONTIGUITY_API_KEY: 'sk_SECRETVALUE' }, `
    import { Contiguity } from 'contiguity-imessage';
    try { new Contiguity(); } catch (e) { console.log(e.message); }
  `);
  assert.match(bad, /CONTIGUITY_API_KEY/);
  assert.doesNotMatch(bad, /SECRETVALUE/);
});
