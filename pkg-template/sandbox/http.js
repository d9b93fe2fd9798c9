// HTTP plumbing shared by the API, the control endpoints and the webhook
// sender: envelopes, reading and writing bodies, and the outgoing POST.
import http from 'node:http';
import https from 'node:https';
import crypto from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const MAX_BODY_BYTES = 1024 * 1024;
const WEBHOOK_TIMEOUT_MS = 10_000;

/** `prefix` followed by `length` random letters and digits. */
export function randomId(prefix, length = 16) {
  let out = prefix;
  for (const byte of crypto.randomBytes(length)) out += ALNUM[byte % ALNUM.length];
  return out;
}

export class ApiError extends Error {
  /** `data` is merged into the envelope's data; `headers` are added to the response. */
  constructor(status, message, { data = {}, headers = {} } = {}) {
    super(message);
    this.status = status;
    this.data = data;
    this.headers = headers;
  }
}

export function envelope(object, data, apiVersion) {
  const prefix = object === 'error' ? 'err_' : 'req_';
  return { id: randomId(prefix), timestamp: Date.now(), api_version: apiVersion, object, data };
}

export function jsonResponse(status, value, headers = {}) {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

export function errorResponse(status, message, apiVersion, extra = {}, headers = {}) {
  return jsonResponse(status, envelope('error', { error: message, status, ...extra }, apiVersion), headers);
}

export function writeResponse(res, { status, headers, body }) {
  if (res.destroyed) return; // the client gave up while we waited
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `[path, query]` of a request target; the query without `?`. */
export function splitTarget(target) {
  const at = target.indexOf('?');
  return at < 0 ? [target, ''] : [target.slice(0, at), target.slice(at + 1)];
}

/** Reads the whole body as UTF-8, keeping at most MAX_BODY_BYTES. */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }));
    req.on('error', reject);
    req.on('close', () => { if (!req.complete) reject(new Error('the client closed the request mid-body')); });
  });
}

/** True when the JSON text opens more than `limit` arrays or objects inside each other. */
export function nestedDeeperThan(text, limit) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * `text` parsed as JSON when it is JSON nested at most `maxDepth` levels,
 * else null. Deeper values are never parsed: copying or serialising one
 * (requests(), the request log) would overflow the stack.
 */
export function parseJson(text, maxDepth) {
  if (text === '' || nestedDeeperThan(text, maxDepth)) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * POSTs `rawBody` byte for byte; resolves `{ status, body }` with at most
 * `maxResponseBytes` of the answer, rejects on a network failure.
 */
export function postRaw(url, rawBody, headers, { signal, maxResponseBytes }) {
  const payload = Buffer.from(rawBody, 'utf8');
  const transport = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'POST',
      agent: false, // a fresh connection, so nothing lingers once delivered
      headers: { ...headers, 'content-length': payload.length, connection: 'close' },
      timeout: WEBHOOK_TIMEOUT_MS,
      signal,
    }, (response) => {
      const chunks = [];
      let kept = 0;
      response.on('data', (chunk) => {
        if (kept >= maxResponseBytes) return;
        const part = chunk.subarray(0, maxResponseBytes - kept);
        chunks.push(part);
        kept += part.length;
      });
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`webhook delivery timed out after ${WEBHOOK_TIMEOUT_MS} ms`)));
    request.on('error', (error) => reject(new Error(`webhook delivery failed: ${error.message}`)));
    request.end(payload);
  });
}
