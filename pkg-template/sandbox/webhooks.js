// Incoming messages as the service reports them: the `imessage.incoming`
// event, its Contiguity-Signature, and its delivery to the bot's webhook URL
// (recorded, so that the inspector can show and redeliver each one).
import crypto from 'node:crypto';
import { LIMITS, secretList } from './config.js';
import { postRaw, randomId } from './http.js';
import { isE164, isHttpUrl, isPlainObject, isRecipient } from './validate.js';

const MIME_BY_EXTENSION = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif',
  heic: 'image/heic', webp: 'image/webp', svg: 'image/svg+xml', mp4: 'video/mp4', mov: 'video/quicktime',
  mp3: 'audio/mpeg', m4a: 'audio/mp4', caf: 'audio/x-caf', pdf: 'application/pdf',
  txt: 'text/plain', vcf: 'text/vcard',
};

/**
 * The `Contiguity-Signature` header value for `rawBody` signed at unix second
 * `t`: `t=<t>,v1=<hex>`, with one `v1=` per secret when given several (a
 * secret being rotated), so a receiver holding either one verifies.
 */
export function signWebhook(rawBody, secret, t) {
  const signatures = secretList(secret).map((key) => crypto.createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(Buffer.from(`${t}.${rawBody}`, 'utf8'))
    .digest('hex'));
  return [`t=${t}`, ...signatures.map((hex) => `v1=${hex}`)].join(',');
}

/** Checks simulateIncoming's params; a TypeError naming the field otherwise. */
export function normalizeIncoming(params, config) {
  const bad = (why) => { throw new TypeError(`simulateIncoming: ${why}`); };
  if (!isPlainObject(params)) bad('expects an object');
  const allowed = ['url', 'from', 'to', 'body', 'attachments', 'secret', 'timestamp'];
  const unknown = Object.keys(params).filter((key) => !allowed.includes(key));
  if (unknown.length) bad(`unknown key(s) ${unknown.join(', ')}`);
  const { url, from, to = config.leasedNumbers[0], body = '', attachments = [], secret, timestamp } = params;
  if (url !== undefined && !isHttpUrl(url)) bad('url must be an http(s) URL');
  if (!isRecipient(from)) bad('from must be an E.164 number or an email address');
  if (!isE164(to)) bad('to must be an E.164 number (a leased number)');
  if (typeof body !== 'string') bad('body must be a string');
  if (!Array.isArray(attachments)) bad('attachments must be an array');
  if (attachments.length > 10) bad('at most 10 attachments');
  if (secret !== undefined) {
    const secrets = secretList(secret);
    if (secrets.length === 0 || secrets.length > LIMITS.webhookSecrets || !secrets.every((s) => typeof s === 'string' && s !== '')) {
      bad(`secret must be a non-empty string or an array of 1 to ${LIMITS.webhookSecrets} of them`);
    }
  }
  if (timestamp !== undefined && !(Number.isInteger(timestamp) && timestamp >= 0)) bad('timestamp must be unix seconds');
  return { url, from, to, body, secret, timestamp, attachments: attachments.map((a) => toAttachment(a, bad)) };
}

/** Accepts a URL string or `{ url, mime?, filename? }` and fills in what is missing. */
function toAttachment(item, bad) {
  const given = typeof item === 'string' ? { url: item } : item;
  const valid = isPlainObject(given) && isHttpUrl(given.url)
    && Object.keys(given).every((key) => ['url', 'mime', 'filename'].includes(key))
    && ['mime', 'filename'].every((key) => given[key] === undefined || typeof given[key] === 'string');
  if (!valid) bad('each attachment must be a URL or { url, mime?, filename? }');
  const filename = given.filename ?? lastSegment(given.url);
  const extension = filename.includes('.') ? filename.split('.').pop().toLowerCase() : '';
  const mime = given.mime ?? MIME_BY_EXTENSION[extension] ?? 'application/octet-stream';
  return { url: given.url, mime, filename };
}

function lastSegment(url) {
  const segment = new URL(url).pathname.split('/').pop() || 'attachment';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The event for an incoming message, and the message as the sandbox stores it. */
export function incomingEvent(incoming, apiVersion) {
  const seconds = incoming.timestamp ?? Math.floor(Date.now() / 1000);
  const ms = incoming.timestamp === undefined ? Date.now() : seconds * 1000;
  const message = {
    id: randomId('imsg_', 20),
    direction: 'incoming',
    service: 'imessage',
    to: incoming.to,
    from: incoming.from,
    message: incoming.body,
    attachments: incoming.attachments.map((a) => a.url),
    timestamp: ms,
    status: 'received',
    read: null,
    tracking: [{ event: 'imessage.incoming', title: 'Message Received', timestamp: new Date(ms).toISOString() }],
  };
  const event = {
    id: randomId('evt_'),
    type: 'imessage.incoming',
    timestamp: seconds,
    api_version: apiVersion,
    data: { from: incoming.from, to: incoming.to, body: incoming.body, timestamp: seconds, attachments: incoming.attachments },
  };
  return { message, event };
}

/**
 * POSTs the event `rawBody`, signed at unix second `t` (default now), to
 * `url` and records the attempt in `store` as it starts and once it ends. Resolves with the record; `status` is null and
 * `error` set when the receiver could not be reached.
 */
export async function deliver(store, { url, eventId, rawBody, secret, t = Math.floor(Date.now() / 1000), redeliveryOf = null, signal }) {
  const signature = signWebhook(rawBody, secret, t);
  const delivery = {
    id: randomId('dlv_'),
    eventId,
    url,
    redeliveryOf,
    timestamp: Date.now(),
    durationMs: null,
    status: null,
    responseBody: null,
    error: null,
    signature,
    rawBody,
  };
  store.addDelivery(delivery);
  const started = performance.now();
  try {
    const answer = await postRaw(url, rawBody, {
      'content-type': 'application/json',
      'contiguity-signature': signature,
    }, { signal, maxResponseBytes: LIMITS.deliveryResponseBytes });
    delivery.status = answer.status;
    delivery.responseBody = answer.body;
  } catch (error) {
    delivery.error = error.message;
  }
  delivery.durationMs = Math.round(performance.now() - started);
  store.updateDelivery(delivery);
  return delivery;
}
