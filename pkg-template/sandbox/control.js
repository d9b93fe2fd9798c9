// The control endpoints under /__sandbox/ (what tests in other runtimes and
// the inspector page drive the sandbox with), and the guard in front of
// them and the page.
//
// Why a guard: any web page the developer visits can send a POST with a
// `text/plain` body to 127.0.0.1 without a preflight. Unguarded, it could
// replace the API keys or make the sandbox POST webhooks anywhere. So a
// request from a foreign origin is refused (403), as is a write that is not
// `Content-Type: application/json` (415, which a page cannot send without a
// preflight the sandbox never answers). When bound to loopback, the Host
// header must name the sandbox too, which defeats DNS rebinding.
import { LIMITS } from './config.js';
import { jsonResponse, parseJson, readBody, writeResponse } from './http.js';
import { mediaType } from './validate.js';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_HOSTS = ['0.0.0.0', '::', ''];

/**
 * The Host header values the sandbox answers to, or null to accept any
 * (when bound to every interface, the developer chose to be reachable by
 * other names).
 */
export function ownHosts(host, port) {
  if (WILDCARD_HOSTS.includes(host)) return null;
  const names = new Set([...LOOPBACK_NAMES, host.includes(':') ? `[${host}]` : host]);
  const hosts = new Set();
  for (const name of names) {
    hosts.add(`${name.toLowerCase()}:${port}`);
    if (port === 80) hosts.add(name.toLowerCase());
  }
  return hosts;
}

/**
 * Why a request to the page or a control endpoint is refused, as
 * `{ status, error }`, or null when it may proceed. `staticFile` is true for
 * the page and its files (the sample photo among them), which hold nothing
 * private: they may be opened from a link or shown by a page on another site.
 */
export function refusal(req, hosts, { staticFile = false } = {}) {
  const host = (req.headers.host ?? '').toLowerCase();
  if (hosts && !hosts.has(host)) {
    return { status: 403, error: 'Forbidden: the Host header does not name this sandbox' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    return { status: 403, error: 'Forbidden: cross-origin requests to the sandbox are refused' };
  }
  const site = req.headers['sec-fetch-site'];
  if (!staticFile && site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, error: 'Forbidden: cross-site requests to the sandbox are refused' };
  }
  if (req.method === 'POST' && mediaType(req.headers['content-type']) !== 'application/json') {
    return { status: 415, error: 'Unsupported Media Type: send control requests as Content-Type: application/json' };
  }
  return null;
}

/** `sandbox` is the SandboxCore; each returns what is answered as JSON. */
const CONTROL_ROUTES = {
  'GET /__sandbox/requests': (s) => s.store.requests.all,
  'GET /__sandbox/messages': (s) => s.store.messages.all,
  'GET /__sandbox/reactions': (s) => s.store.reactions.all,
  'GET /__sandbox/typing': (s) => [...s.store.typing.values()],
  'GET /__sandbox/deliveries': (s) => s.store.deliveries.all,
  'GET /__sandbox/faults': (s) => s.faults.list(),
  'GET /__sandbox/state': (s) => s.snapshot(),
  'POST /__sandbox/reset': (s) => { s.reset(); return { ok: true }; },
  'POST /__sandbox/config': (s, patch) => { s.configure(patch); return { ok: true }; },
  'POST /__sandbox/faults': (s, faults) => ({ queued: s.inject(faults) }),
  'POST /__sandbox/incoming': (s, params) => s.simulateIncoming(params),
  'POST /__sandbox/redeliver': (s, params) => s.redeliverFromControl(params),
};

const KNOWN_PATHS = new Set(Object.keys(CONTROL_ROUTES).map((key) => key.split(' ')[1]));

/** Answers a control request (already past the guard). */
export async function handleControl(sandbox, req, res, path) {
  const { text, tooLarge } = await readBody(req);
  const reply = (status, value) => writeResponse(res, jsonResponse(status, value));
  const action = CONTROL_ROUTES[`${req.method} ${path}`];
  if (!action) {
    if (!KNOWN_PATHS.has(path)) return reply(404, { error: `unknown control endpoint ${path}` });
    const allowed = Object.keys(CONTROL_ROUTES).filter((key) => key.endsWith(` ${path}`)).map((key) => key.split(' ')[0]);
    return reply(405, { error: `use ${allowed.join(' or ')} for ${path}` });
  }
  let input;
  if (req.method === 'POST') {
    if (tooLarge) return reply(413, { error: 'body too large' });
    input = text.trim() === '' ? {} : parseJson(text, LIMITS.jsonDepth);
    if (input === null) return reply(400, { error: `body must be JSON, nested at most ${LIMITS.jsonDepth} levels` });
  }
  try {
    reply(200, await action(sandbox, input));
  } catch (error) {
    reply(error instanceof TypeError ? 400 : 502, { error: error.message });
  }
}
