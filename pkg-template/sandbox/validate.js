// Validation of API request bodies, paths and queries, as the service
// documents them. Deliberately stricter than the service: unknown
// keys are refused, so a client's typo surfaces as a 400 instead of a
// silently dropped setting. Every problem is reported in one 400.
import { ApiError, nestedDeeperThan } from './http.js';

const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const TAPBACKS = ['love', 'like', 'dislike', 'laugh', 'emphasize', 'question'];
export const FALLBACK_WHEN = ['imessage_unsupported', 'imessage_fails'];

export const isE164 = (value) => typeof value === 'string' && E164.test(value);
export const isRecipient = (value) => isE164(value) || (typeof value === 'string' && EMAIL.test(value));

export const isPlainObject = (value) =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// The service marks its optional fields nullable: null means "not given".
const absent = (value) => value === undefined || value === null;

export function isHttpUrl(value) {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isHttpsUrl(value) {
  if (typeof value !== 'string' || !value.startsWith('https://')) return false;
  try {
    return Boolean(new URL(value).hostname);
  } catch {
    return false;
  }
}

/** Collects every problem with a request, so one 400 reports them all. */
export class Issues {
  list = [];
  add(path, message) { this.list.push(`${path}: ${message}`); }
  throwIfAny() {
    if (this.list.length) throw new ApiError(400, `Invalid request: ${this.list.join('; ')}`);
  }
}

function checkKeys(object, allowed, issues, path = 'body') {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length) issues.add(path, `unrecognized key(s) ${unknown.map((k) => `"${k}"`).join(', ')}`);
}

export function checkRecipient(value, path, issues) {
  if (absent(value)) issues.add(path, 'required');
  else if (!isRecipient(value)) issues.add(path, 'must be an E.164 phone number (e.g. +15551234567) or an email address');
}

export function checkNumber(value, path, issues, { required }) {
  if (absent(value)) { if (required) issues.add(path, 'required'); }
  else if (!isE164(value)) issues.add(path, 'must be an E.164 phone number (e.g. +15551234567)');
}

function checkEnum(value, allowed, path, issues) {
  if (absent(value)) issues.add(path, 'required');
  else if (!allowed.includes(value)) issues.add(path, `must be one of ${allowed.join(', ')}`);
}

function checkAttachments(value, issues) {
  if (absent(value)) return;
  if (!Array.isArray(value)) { issues.add('attachments', 'must be an array of URLs'); return; }
  if (value.length > 10) issues.add('attachments', `at most 10 attachments (got ${value.length})`);
  value.forEach((url, i) => {
    if (!isHttpsUrl(url)) issues.add(`attachments[${i}]`, 'must be an absolute https:// URL');
  });
}

function checkFallback(value, issues) {
  if (absent(value)) return;
  if (!isPlainObject(value)) { issues.add('fallback', 'must be an object'); return; }
  checkKeys(value, ['when', 'from'], issues, 'fallback');
  const { when } = value;
  if (!Array.isArray(when) || when.length === 0) {
    issues.add('fallback.when', 'must be a non-empty array');
  } else {
    when.forEach((item, i) => {
      if (!FALLBACK_WHEN.includes(item)) issues.add(`fallback.when[${i}]`, `must be one of ${FALLBACK_WHEN.join(', ')}`);
      else if (when.indexOf(item) !== i) issues.add(`fallback.when[${i}]`, `duplicate value "${item}"`);
    });
  }
  checkNumber(value.from, 'fallback.from', issues, { required: false });
}

export function validateSend(body) {
  const issues = new Issues();
  checkKeys(body, ['to', 'message', 'from', 'attachments', 'fallback', 'fast_track'], issues);
  checkRecipient(body.to, 'to', issues);
  checkNumber(body.from, 'from', issues, { required: false });
  checkAttachments(body.attachments, issues);
  const hasAttachments = Array.isArray(body.attachments) && body.attachments.length > 0;
  if (absent(body.message)) {
    if (!hasAttachments) issues.add('message', 'required unless attachments are provided');
  } else if (typeof body.message !== 'string') {
    issues.add('message', 'must be a string');
  } else if (body.message === '' && !hasAttachments) {
    issues.add('message', 'must not be empty unless attachments are provided');
  }
  checkFallback(body.fallback, issues);
  if (!absent(body.fast_track) && typeof body.fast_track !== 'boolean') issues.add('fast_track', 'must be a boolean');
  issues.throwIfAny();
}

export function validateTyping(body) {
  const issues = new Issues();
  checkKeys(body, ['to', 'action', 'from'], issues);
  checkRecipient(body.to, 'to', issues);
  checkEnum(body.action, ['start', 'stop'], 'action', issues);
  checkNumber(body.from, 'from', issues, { required: false });
  issues.throwIfAny();
}

export function validateReaction(body) {
  const issues = new Issues();
  checkKeys(body, ['to', 'from', 'tapback', 'message', 'action'], issues);
  checkRecipient(body.to, 'to', issues);
  checkNumber(body.from, 'from', issues, { required: true });
  checkEnum(body.tapback, TAPBACKS, 'tapback', issues);
  checkEnum(body.action, ['add', 'remove'], 'action', issues);
  if (typeof body.message !== 'string' || body.message === '') issues.add('message', 'must be a non-empty string');
  issues.throwIfAny();
}

export function validateRead(body) {
  const issues = new Issues();
  checkKeys(body, ['to', 'from'], issues);
  checkRecipient(body.to, 'to', issues);
  checkNumber(body.from, 'from', issues, { required: true });
  issues.throwIfAny();
}

/** `?tracking=true|false`, the only query parameter the conversation endpoints take. */
export function readTracking(query) {
  const values = query.getAll('tracking');
  if (values.length > 1) throw new ApiError(400, 'Invalid request: tracking: given more than once');
  if (values.length === 0 || values[0] === 'false') return false;
  if (values[0] === 'true') return true;
  throw new ApiError(400, 'Invalid request: tracking: must be "true" or "false"');
}

export function parseLimit(raw) {
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= 200)) throw new ApiError(400, 'Invalid request: limit: must be an integer from 1 to 200');
  return limit;
}

/**
 * The JSON object a POST to the API must carry; a 400 naming what is wrong
 * otherwise. `json` is the parsed body, null when `text` is not JSON or is
 * nested deeper than `maxDepth` (and so was not parsed).
 */
export function requireJsonObject(contentType, text, json, maxDepth) {
  if (mediaType(contentType) !== 'application/json') throw new ApiError(400, 'Invalid request: Content-Type must be application/json');
  if (json === null && nestedDeeperThan(text, maxDepth)) {
    throw new ApiError(400, `Invalid request: body is nested deeper than ${maxDepth} levels`);
  }
  if (!isPlainObject(json)) throw new ApiError(400, 'Invalid request: body must be a JSON object');
  return json;
}

/** `application/json` from `application/json; charset=utf-8`. */
export const mediaType = (contentType) => (contentType ?? '').split(';')[0].trim().toLowerCase();
