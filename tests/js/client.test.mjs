// Construction: the API key rules and the options of the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

function runWithEnv(env, code) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    cwd: new URL('.', import.meta.url),
  });
  return result;
}

test('the key is read from CONTIGUITY_API_KEY, then CONTIGUITY_TOKEN', async () => {
  const probe = `
    import { Contiguity } from 'contiguity-imessage';
    const calls = [];
    const fetch = async (url, init) => { calls.push(init.headers.Authorization); return new Response(JSON.stringify({ id: 'req_1', timestamp: 1, api_version: 'v', object: 'response', data: { available: true } })); };
    await new Contiguity(undefined, { fetch }).imessage.availability({ to: '+15551234567' });
    console.log(calls[0] === 'Token ' + (process.env.CONTIGUITY_API_KEY ?? process.env.CONTIGUITY_TOKEN) ? 'match' : 'mismatch');
  `;
  assert.equal(runWithEnv({ CONTIGUITY_API_KEY: 'contiguity_sk_from_env' }, probe).stdout.trim(), 'match');
  assert.equal(runWithEnv({ CONTIGUITY_TOKEN: 'contiguity_sk_from_token' }, probe).stdout.trim(), 'match');
  const missing = runWithEnv({}, `
    import { Contiguity, ValidationError } from 'contiguity-imessage';
    try { new Contiguity(); } catch (e) { console.log(e instanceof ValidationError, e.message); }
  `);
  assert.match(missing.stdout, /^true .*CONTIGUITY_API_KEY/);
  const bad = runWithEnv({ CONTIGUITY_API_KEY: 'sk_SECRETVALUE' }, `
    import { Contiguity } from 'contiguity-imessage';
    try { new Contiguity(); } catch (e) { console.log(e.message); }
  `);
  assert.match(bad.stdout, /CONTIGUITY_API_KEY/);
  assert.doesNotMatch(bad.stdout + bad.stderr, /SECRETVALUE/);
});
