// The Contiguity API routes and what each does to the sandbox's state,
// including the service rules (pacing, availability) when they are on.
import { LIMITS } from './config.js';
import { ApiError, envelope, errorResponse, jsonResponse, randomId } from './http.js';
import { BURST, RATE_PER_SECOND } from './pacing.js';
import {
  Issues, checkNumber, checkRecipient, parseLimit, readTracking, requireJsonObject,
  validateRead, validateReaction, validateSend, validateTyping,
} from './validate.js';

export const AGREEMENT_URL = 'https://contiguity.com/agreements/fast-track';

const ROUTES = [
  { method: 'POST', pattern: /^\/send\/imessage$/, handler: send, query: [] },
  { method: 'POST', pattern: /^\/send\/imessage\/typing$/, handler: typing, query: [] },
  { method: 'POST', pattern: /^\/send\/imessage\/reactions$/, handler: react, query: [] },
  { method: 'POST', pattern: /^\/send\/imessage\/read$/, handler: read, query: [] },
  { method: 'GET', pattern: /^\/conversations\/history\/imessage\/([^/]+)\/([^/]+)\/([^/]+)$/, handler: history, query: ['tracking'] },
  { method: 'GET', pattern: /^\/conversations\/history\/message\/([^/]+)$/, handler: getMessage, query: ['tracking'] },
  { method: 'GET', pattern: /^\/conversations\/availability\/imessage\/([^/]+)$/, handler: availability, query: [] },
];

/**
 * Answers one API request; every failure becomes an error envelope.
 * `ctx` is `{ config, store, pacing, log }`; `request` is
 * `{ method, path, query, headers, text, json }`, the body as text and as
 * parsed by parseJson (null when not JSON or too deep).
 */
export function handleApi(ctx, { method, path, query, headers, text, json }) {
  const { apiVersion } = ctx.config;
  try {
    const { route, params } = resolveRoute(method, path);
    authenticate(ctx.config, headers.authorization);
    const search = new URLSearchParams(query);
    const unknown = [...new Set(search.keys())].filter((key) => !route.query.includes(key));
    if (unknown.length) throw new ApiError(400, `Invalid request: unknown query parameter(s) ${unknown.join(', ')}`);
    const body = route.method === 'POST' ? requireJsonObject(headers['content-type'], text, json, LIMITS.jsonDepth) : undefined;
    const data = route.handler(ctx, { params, body, query: search });
    return jsonResponse(200, envelope('response', data, apiVersion));
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error.status, error.message, apiVersion, error.data, error.headers);
    ctx.log(`internal error: ${error?.message}`);
    return errorResponse(500, 'Internal Server Error', apiVersion);
  }
}

/** The route for a raw path, with its percent-decoded parameters; 404 or 405 otherwise. */
function resolveRoute(method, path) {
  const matches = ROUTES.map((route) => ({ route, m: route.pattern.exec(path) })).filter(({ m }) => m);
  if (matches.length === 0) throw new ApiError(404, `Not Found: no route for ${method} ${path}`);
  const hit = matches.find(({ route }) => route.method === method);
  if (!hit) {
    const allow = matches.map(({ route }) => route.method).join(', ');
    throw new ApiError(405, `Method Not Allowed: ${path} accepts ${allow}`, { headers: { allow } });
  }
  try {
    return { route: hit.route, params: hit.m.slice(1).map(decodeURIComponent) };
  } catch {
    throw new ApiError(400, 'Invalid request: malformed percent-encoding in the path');
  }
}

function authenticate(config, header) {
  const match = /^(?:Token|Bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw new ApiError(401, 'Unauthorized: missing Authorization header (expected "Token <api key>")');
  if (!config.apiKeys.includes(match[1])) throw new ApiError(401, 'Unauthorized: invalid API key');
}

/** Whether `to` has iMessage: not listed as unavailable, and not a number ending in 0000. */
export const isAvailable = (config, to) => !config.unavailable.includes(to) && !to.endsWith('0000');

const trackingEvent = (event, title, ms) => ({ event, title, timestamp: new Date(ms).toISOString() });

function send({ config, store, pacing }, { body }) {
  validateSend(body);
  if (body.fast_track === true && !config.fastTrack) {
    throw new ApiError(403, 'Forbidden: fast_track requires accepting the Fast Track Terms', { data: { agreement_url: AGREEMENT_URL } });
  }
  const from = body.from ?? config.leasedNumbers[0];
  const timestamp = Date.now();
  if (config.rules.pacing && body.fast_track !== true) {
    const wait = pacing.take(from, timestamp);
    if (wait) {
      throw new ApiError(429, `Too Many Requests: ${from} is paced at ${RATE_PER_SECOND} message per second `
        + `(bursts of ${BURST}); retry after ${wait} s, or send with fast_track`, { headers: { 'retry-after': String(wait) } });
    }
  }
  // With the availability rule, a recipient without iMessage gets SMS when
  // the send allows it, and otherwise the send is accepted (the service
  // documents no error for it) and its delivery fails.
  const unsupported = config.rules.availability && !isAvailable(config, body.to);
  const asSms = unsupported && Boolean(body.fallback?.when?.includes('imessage_unsupported'));
  const failed = unsupported && !asSms;
  const tracking = [trackingEvent('imessage.queued', 'Message Queued', timestamp)];
  if (failed) {
    tracking.push(trackingEvent('imessage.delivery.failed', 'Not Delivered: the recipient does not have iMessage', timestamp + 150));
  } else if (asSms) {
    tracking.push(
      trackingEvent('imessage.fallback', 'Sent as SMS: the recipient does not have iMessage', timestamp + 150),
      trackingEvent('text.delivery.confirmed', 'Message Delivered', timestamp + 900),
    );
  } else {
    tracking.push(
      trackingEvent('imessage.sent', 'Message Sent', timestamp + 150),
      trackingEvent('imessage.delivery.confirmed', 'Message Delivered', timestamp + 900),
    );
  }
  const message = {
    id: randomId('imsg_', 20),
    direction: 'outgoing',
    service: asSms ? 'sms' : 'imessage',
    to: body.to,
    from,
    message: body.message ?? '',
    attachments: body.attachments ?? [],
    timestamp,
    status: failed ? 'failed' : 'delivered',
    read: null,
    fallback: body.fallback ?? null,
    fast_track: body.fast_track ?? false,
    tracking,
  };
  store.addMessage(message);
  return { message_id: message.id };
}

function typing({ config, store }, { body }) {
  validateTyping(body);
  const from = body.from ?? config.leasedNumbers[0];
  const status = body.action === 'start' ? 'started' : 'stopped';
  store.setTyping({ to: body.to, from, status, timestamp: Date.now() });
  return { status };
}

function react({ store }, { body }) {
  validateReaction(body);
  const action = body.action === 'add' ? 'added' : 'removed';
  store.addReaction({
    person: body.to, leased: body.from,
    reaction: body.tapback, on: body.message, timestamp: Date.now(), action, from: body.from,
  });
  return { status: action, message: `Reaction ${action} to ${body.to} from ${body.from}` };
}

function read({ store }, { body }) {
  validateRead(body);
  store.markRead(body.to, body.from, Date.now());
  return { status: 'sent', message: `Read receipt sent to ${body.to} from ${body.from}` };
}

const isBetween = (message, person, leased) =>
  (message.to === person && message.from === leased) || (message.from === person && message.to === leased);

function history({ store }, { params: [to, from, rawLimit], query }) {
  const issues = new Issues();
  checkRecipient(to, 'to', issues);
  checkNumber(from, 'from', issues, { required: true });
  issues.throwIfAny();
  const limit = parseLimit(rawLimit);
  const tracking = readTracking(query);
  // Newest first; a stable sort keeps later-stored messages first within the same millisecond.
  const all = store.messages.all.filter((m) => isBetween(m, to, from)).reverse()
    .sort((a, b) => b.timestamp - a.timestamp);
  const conversation = all.slice(0, limit).map((m) => ({
    to: m.to,
    from: m.from,
    message: m.message,
    timestamp: m.timestamp,
    read: m.read ?? 0,
    delivery: { status: m.status, delayed: false, timestamp: m.timestamp },
    risk: { auto_reported_as_spam: false, marked_as_spam: false },
    attachments: [...m.attachments],
    ...(tracking ? { tracking: structuredClone(m.tracking) } : {}),
  }));
  const reactions = store.reactions.all
    .filter((r) => r.person === to && r.leased === from)
    .reverse()
    .map(({ reaction, on, timestamp, action, from: sender }) => ({ reaction, on, timestamp, action, from: sender }));
  return {
    conversation,
    reactions,
    chat: { filtered: false, chat_marked_as_spam: false, limit, total: all.length, count: conversation.length },
  };
}

function getMessage({ store }, { params: [id], query }) {
  const tracking = readTracking(query);
  const m = store.findMessage(id);
  if (!m) throw new ApiError(404, `Not Found: no message with id "${id}"`);
  return {
    id: m.id, to: m.to, from: m.from, message: m.message, timestamp: m.timestamp,
    status: m.status, attachments: [...m.attachments],
    ...(tracking ? { tracking: structuredClone(m.tracking) } : {}),
  };
}

function availability({ config }, { params: [to] }) {
  const issues = new Issues();
  checkRecipient(to, 'to', issues);
  issues.throwIfAny();
  return { available: isAvailable(config, to) };
}
