// toNodeHandler: serves a web-standard `(request, env, ctx) => Response`
// function (createWebhookHandler's, or any other) with node:http, Express or
// anything else that hands over Node's `(req, res)`. Web APIs only, no
// `node:` import, so this file can be part of every entry of the package.
import { settle } from './settle.js';

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);
// Methods a Fetch Request cannot carry, so no Fetch handler can allow them.
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

const ALREADY_PARSED =
  'toNodeHandler: the request body was already parsed (by express.json() or similar), so its raw bytes, ' +
  'which the signature covers, are gone; mount the handler before body parsers, or use express.raw({ type: "*/*" })';

/** A body a framework already read as it was received (express.raw(), express.text(), a rawBody field). */
function receivedBody(req) {
  for (const body of [req.rawBody, req.body]) {
    if (typeof body === 'string' || body instanceof Uint8Array) return body;
  }
  return undefined;
}

/**
 * The request's body as a web stream, read from `req` as the handler asks
 * for more. When the handler stops early (a body over its limit), this stops
 * listening and lets Node discard the rest, so the answer still reaches the
 * sender.
 */
function streamOf(req) {
  let onData;
  let onEnd;
  let onError;
  const detach = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
  };
  return new ReadableStream({
    start(controller) {
      onData = (chunk) => {
        controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
        if (controller.desiredSize <= 0) req.pause();
      };
      onEnd = () => {
        detach();
        controller.close();
      };
      onError = (error) => {
        detach();
        controller.error(error);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      detach();
      req.resume();
    },
  });
}

function requestOf(req) {
  const method = req.method ?? 'GET';
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    for (const item of [value].flat()) {
      try {
        headers.append(name, String(item));
      } catch {
        // A header Fetch refuses (a forbidden character) is left out.
      }
    }
  }
  let url;
  try {
    url = new URL(req.url ?? '/', `http://${req.headers?.host ?? 'localhost'}`);
  } catch {
    url = new URL('http://localhost/');
  }
  const init = { method, headers };
  if (!BODYLESS_METHODS.has(method.toUpperCase())) {
    const received = receivedBody(req);
    if (received !== undefined) {
      init.body = received;
    } else if (req.body !== undefined && req.body !== null && typeof req.body === 'object') {
      throw new TypeError(ALREADY_PARSED);
    } else {
      init.body = streamOf(req);
      init.duplex = 'half'; // required by Node's fetch for a streamed body
    }
  }
  return new Request(url, init);
}

async function write(res, response) {
  const headers = {};
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') headers[name] = value;
  }
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.end(response.body === null ? undefined : new Uint8Array((await settle(response.arrayBuffer())).value));
}

/**
 * `(req, res) => void` for node:http from a Fetch handler. The handler is
 * called as `handler(request, env, { waitUntil })`: `env` is the option of
 * that name (e.g. `process.env`, for options written as a function of env
 * as in a Worker), and work given to waitUntil runs on after the answer
 * (the process outlives it). `drain()` resolves once that work is done:
 * await it before exiting, so a restart does not cut a reply in half.
 */
export function toNodeHandler(handler, options = {}) {
  if (typeof handler !== 'function') throw new TypeError('toNodeHandler: the first argument must be a function (request, env, ctx) => Response');
  if (typeof options !== 'object' || options === null) throw new TypeError('toNodeHandler: options must be an object');
  const { env } = options;
  const running = new Set();
  const context = {
    waitUntil(promise) {
      const tracked = settle(promise)
        .catch(() => {}) // the handler reports its own failures
        .finally(() => running.delete(tracked));
      running.add(tracked);
    },
  };

  async function nodeHandler(req, res) {
    if (FORBIDDEN_METHODS.has(String(req.method).toUpperCase())) {
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed');
      return;
    }
    try {
      // What the handler returns is settled, never awaited (settle.js).
      const response = (await settle(handler(requestOf(req), env, context))).value;
      await write(res, response);
    } catch (error) {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end();
    }
  }
  nodeHandler.drain = async () => {
    while (running.size > 0) await Promise.all(running);
  };
  return nodeHandler;
}
