// The sandbox's settings: defaults, the caps on what it keeps in memory, and
// the validation of a config patch (startSandbox options, setConfig, and
// POST /__sandbox/config all go through normalizeConfig).
import { isE164, isHttpUrl, isPlainObject } from './validate.js';

export const DEFAULT_CONFIG = Object.freeze({
  apiKeys: ['contiguity_sk_sandbox_test_key'],
  webhookSecret: 'whsec_sandbox_secret',
  leasedNumbers: ['+15550001111'],
  fastTrack: true,
  unavailable: [],
  apiVersion: 'v2026.8.2',
  log: false,
  webhookUrl: null,
  // The service's rules are off for startSandbox() (tests assert on exact
  // requests and must not be paced); the CLI turns them on.
  rules: { pacing: false, availability: false },
});

/**
 * What the sandbox keeps, at most. Each store drops its oldest entries first
 * once it holds more than `items` entries or more than `bytes` of text
 * (message text, request bodies, webhook bodies), whichever comes first; the
 * newest entry is always kept. The README and index.d.ts list the same numbers.
 */
export const LIMITS = Object.freeze({
  messages: { items: 1000, bytes: 16 * 1024 * 1024 },
  reactions: { items: 1000, bytes: 4 * 1024 * 1024 },
  requests: { items: 500, bytes: 16 * 1024 * 1024 },
  deliveries: { items: 200, bytes: 8 * 1024 * 1024 },
  typingConversations: 1000,
  queuedFaults: 1000,
  // How much of a webhook receiver's answer is kept.
  deliveryResponseBytes: 64 * 1024,
  // Live inspector pages (server-sent event streams) at once.
  eventStreams: 16,
  // What a page that reads too slowly may have waiting before it is cut off.
  eventStreamBacklogBytes: 8 * 1024 * 1024,
  // A request body nested deeper than this is recorded with `json: null`:
  // the deepest valid body (fallback.when) is three levels deep, and copying
  // or serialising a deeply nested value overflows the stack.
  jsonDepth: 32,
  webhookSecrets: 5,
});

function requireStringList(value, key, check = (s) => s !== '') {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && check(item))) {
    throw new TypeError(`sandbox option "${key}" must be an array of valid strings`);
  }
}

function normalizeSecrets(value) {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > LIMITS.webhookSecrets
    || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError(`sandbox option "webhookSecret" must be a non-empty string or an array of 1 to ${LIMITS.webhookSecrets} of them`);
  }
  return typeof value === 'string' ? value : [...list];
}

function normalizeRules(value) {
  if (typeof value === 'boolean') return { pacing: value, availability: value };
  if (!isPlainObject(value)) throw new TypeError('sandbox option "rules" must be a boolean or { pacing?, availability? }');
  const out = {};
  for (const [key, enabled] of Object.entries(value)) {
    if (key !== 'pacing' && key !== 'availability') throw new TypeError(`unknown sandbox rule "${key}"`);
    if (typeof enabled !== 'boolean') throw new TypeError(`sandbox rule "${key}" must be a boolean`);
    out[key] = enabled;
  }
  return out;
}

/** Validates a config patch; error messages name the key, never a secret value. */
export function normalizeConfig(patch, current = DEFAULT_CONFIG) {
  if (!isPlainObject(patch)) throw new TypeError('sandbox config must be an object');
  const out = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    switch (key) {
      case 'apiKeys':
        requireStringList(value, key);
        if (value.length === 0) throw new TypeError('sandbox option "apiKeys" must not be empty');
        out[key] = [...value];
        break;
      case 'leasedNumbers':
        requireStringList(value, key, isE164);
        if (value.length === 0) throw new TypeError('sandbox option "leasedNumbers" must not be empty');
        out[key] = [...value];
        break;
      case 'unavailable':
        requireStringList(value, key);
        out[key] = [...value];
        break;
      case 'webhookSecret':
        out[key] = normalizeSecrets(value);
        break;
      case 'apiVersion':
        if (typeof value !== 'string' || value === '') throw new TypeError(`sandbox option "${key}" must be a non-empty string`);
        out[key] = value;
        break;
      case 'fastTrack':
      case 'log':
        if (typeof value !== 'boolean') throw new TypeError(`sandbox option "${key}" must be a boolean`);
        out[key] = value;
        break;
      case 'webhookUrl':
        if (value !== null && !isHttpUrl(value)) throw new TypeError('sandbox option "webhookUrl" must be an http(s) URL or null');
        out[key] = value;
        break;
      case 'rules':
        out[key] = { ...current.rules, ...normalizeRules(value) };
        break;
      default:
        throw new TypeError(`unknown sandbox option "${key}"`);
    }
  }
  return out;
}

/** The webhook secrets as a list, whether one or several were configured. */
export const secretList = (secret) => (Array.isArray(secret) ? secret : [secret]);

/** What the inspector may see of the config: never an API key or a secret. */
export function publicConfig(config) {
  return {
    leasedNumbers: [...config.leasedNumbers],
    unavailable: [...config.unavailable],
    fastTrack: config.fastTrack,
    apiVersion: config.apiVersion,
    webhookUrl: config.webhookUrl,
    rules: { ...config.rules },
    webhookSecrets: secretList(config.webhookSecret).length,
  };
}
