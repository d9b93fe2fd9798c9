// Faults: queued misbehaviours (an error status, a raw body, a delay, a hang,
// a dropped connection) that the next matching API requests get instead of
// a normal answer.
import http from 'node:http';
import { errorResponse, jsonResponse } from './http.js';
import { isPlainObject } from './validate.js';

const FAULT_KEYS = ['method', 'path', 'times', 'status', 'headers', 'body', 'json', 'delayMs', 'hang', 'drop', 'dropBeforeRead'];
const SILENT = ['hang', 'drop', 'dropBeforeRead'];

/** Validates one fault so that a typo (`delay` for `delayMs`) fails loudly instead of never firing. */
export function normalizeFault(fault) {
  const bad = (why) => { throw new TypeError(`invalid sandbox fault: ${why}`); };
  if (!isPlainObject(fault)) bad('must be an object');
  const unknown = Object.keys(fault).filter((key) => !FAULT_KEYS.includes(key));
  if (unknown.length) bad(`unknown key(s) ${unknown.join(', ')}`);
  const f = { ...fault };
  if (f.method !== undefined && (typeof f.method !== 'string' || !f.method)) bad('method must be a string');
  if (f.path !== undefined && (typeof f.path !== 'string' || !f.path.startsWith('/'))) bad('path must start with "/"');
  if (f.times === undefined) f.times = 1;
  if (!Number.isInteger(f.times) || f.times < 1) bad('times must be a positive integer');
  if (f.status !== undefined && !(Number.isInteger(f.status) && f.status >= 200 && f.status <= 599)) bad('status must be an integer from 200 to 599');
  if (f.headers !== undefined && !(isPlainObject(f.headers) && Object.values(f.headers).every((v) => typeof v === 'string'))) bad('headers must be an object of strings');
  if (f.body !== undefined && typeof f.body !== 'string') bad('body must be a string');
  if (f.body !== undefined && f.json !== undefined) bad('give body or json, not both');
  if (f.delayMs !== undefined && !(Number.isFinite(f.delayMs) && f.delayMs >= 0)) bad('delayMs must be a non-negative number');
  for (const key of SILENT) {
    if (f[key] !== undefined && typeof f[key] !== 'boolean') bad(`${key} must be a boolean`);
  }
  const silent = SILENT.filter((key) => f[key]);
  if (silent.length > 1) bad(`${silent.join(' and ')} cannot be combined`);
  if (silent.length && ['status', 'headers', 'body', 'json'].some((key) => f[key] !== undefined)) {
    bad(`${silent[0]} sends no response, so status/headers/body/json make no sense with it`);
  }
  if (f.dropBeforeRead && f.delayMs !== undefined) bad('dropBeforeRead happens at once; delayMs cannot apply');
  if (f.method) f.method = f.method.toUpperCase();
  // Lower-case names, so a given Content-Type replaces the default instead of doubling it.
  if (f.headers) f.headers = Object.fromEntries(Object.entries(f.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return f;
}

function faultMatches(fault, method, path) {
  if (fault.method && fault.method !== method) return false;
  if (!fault.path) return true;
  return fault.path.endsWith('*') ? path.startsWith(fault.path.slice(0, -1)) : path === fault.path;
}

/** The response a fault imposes, or null when the request should be handled normally. */
export function faultResponse(fault, apiVersion) {
  if (fault.json !== undefined) return jsonResponse(fault.status ?? 200, fault.json);
  if (fault.body !== undefined) {
    return { status: fault.status ?? 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: fault.body };
  }
  if (fault.status !== undefined) {
    return errorResponse(fault.status, http.STATUS_CODES[fault.status] ?? 'Error', apiVersion);
  }
  return null;
}

/** A short name for what a fault does, for the request log: `hang`, `429`, `delay`... */
export function describeFault(fault) {
  const silent = SILENT.find((key) => fault[key]);
  if (silent) return silent;
  if (fault.status !== undefined) return String(fault.status);
  if (fault.json !== undefined || fault.body !== undefined) return 'body';
  if (fault.delayMs !== undefined) return 'delay';
  return 'headers';
}

export class FaultQueue {
  #faults = [];
  #limit;

  constructor(limit) {
    this.#limit = limit;
  }

  /** Validates all, then queues all; returns how many are queued. */
  add(faults) {
    const list = (Array.isArray(faults) ? faults : [faults]).map(normalizeFault);
    if (this.#faults.length + list.length > this.#limit) {
      throw new TypeError(`invalid sandbox fault: at most ${this.#limit} faults can be queued`);
    }
    this.#faults.push(...list);
    return this.#faults.length;
  }

  /** The first queued fault matching the request, used up by one; null when none. */
  take(method, path) {
    const index = this.#faults.findIndex((fault) => faultMatches(fault, method, path));
    if (index < 0) return null;
    const fault = this.#faults[index];
    fault.times -= 1;
    if (fault.times === 0) this.#faults.splice(index, 1);
    return fault;
  }

  list() {
    return this.#faults.map((fault) => ({ ...fault, kind: describeFault(fault) }));
  }

  clear() {
    this.#faults = [];
  }
}
