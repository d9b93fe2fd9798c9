// Shared by the sandbox tests: a sandbox per test file (reset before each
// test), plain-fetch requests to it, envelope assertions, a webhook receiver.
import { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { once } from 'node:events';
import { startSandbox } from '../../pkg-template/sandbox/index.js';

export const KEY = 'contiguity_sk_sandbox_test_key';
export const LEASED = '+15550001111';
export const PERSON = '+15551234567';
export const SECRET = 'whsec_sandbox_secret';
export const enc = encodeURIComponent;

let defaultBase;

/**
 * Starts one sandbox for the test file, resets it before each test and
 * closes it after all. Returns a stand-in that forwards to it, so tests
 * read as `sb.messages()`.
 */
export function useSandbox(options) {
  let sandbox;
  before(async () => {
    sandbox = await startSandbox(options);
    defaultBase = sandbox.url;
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());
  return new Proxy({}, { get: (_, key) => sandbox[key] });
}

/** One request to the sandbox; resolves with status, headers, text and parsed JSON (or null). */
export async function api(method, path, body, { auth = `Token ${KEY}`, headers = {}, signal, base = defaultBase } = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers }, signal };
  if (auth) init.headers.authorization = auth;
  if (body !== undefined) {
    init.headers['content-type'] ??= 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON: the test looks at text */ }
  return { status: res.status, headers: res.headers, text, json };
}

export const send = (body, options) => api('POST', '/send/imessage', body, options);

/** A control request: no Authorization; a body is sent as JSON. */
export const control = (method, path, body, options = {}) =>
  api(method, `/__sandbox/${path}`, body, { auth: null, ...options });

export function assertSuccess(res) {
  assert.equal(res.status, 200, res.text);
  assert.match(res.json.id, /^req_[A-Za-z0-9]{16}$/);
  assert.equal(typeof res.json.timestamp, 'number');
  assert.ok(Math.abs(res.json.timestamp - Date.now()) < 60_000);
  assert.equal(res.json.api_version, 'v2026.8.2');
  assert.equal(res.json.object, 'response');
  return res.json.data;
}

export function assertError(res, status, fragment) {
  assert.equal(res.status, status, res.text);
  assert.match(res.json.id, /^err_[A-Za-z0-9]{16}$/);
  assert.equal(typeof res.json.timestamp, 'number');
  assert.equal(res.json.api_version, 'v2026.8.2');
  assert.equal(res.json.object, 'error');
  assert.equal(res.json.data.status, status);
  assert.equal(typeof res.json.data.error, 'string');
  if (fragment) assert.match(res.json.data.error, fragment);
  return res.json.data;
}

export const historyPath = (to, from, limit = 20, query = '') =>
  `/conversations/history/imessage/${enc(to)}/${enc(from)}/${limit}${query}`;

/** A throwaway webhook receiver that records each request's headers and raw body. */
export async function startReceiver(status = 200, reply = 'ok') {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(reply);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks/contiguity`,
    received,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/**
 * Parses `t=<s>,v1=<hex>[,v1=<hex>...]` and checks it against `secret` with
 * an HMAC computed here (not the sandbox's own signer). `valid` is true when
 * any of the signatures matches.
 */
export function verifySignature(header, rawBody, secret) {
  const match = /^t=(\d+)((?:,v1=[0-9a-f]{64})+)$/.exec(header);
  assert.ok(match, `malformed signature header ${header}`);
  const expected = crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${match[1]}.${rawBody}`, 'utf8').digest();
  const signatures = match[2].split(',v1=').slice(1).map((hex) => Buffer.from(hex, 'hex'));
  return {
    t: Number(match[1]),
    count: signatures.length,
    valid: signatures.some((signature) => crypto.timingSafeEqual(expected, signature)),
  };
}

/** Polls `check` until it is true, failing after `ms`. */
export async function waitFor(check, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
