// Where createWebhookHandler remembers which events it has handled, so that
// a redelivered event is not answered twice. Every store has the same three
// asynchronous operations (docs/webhooks.md, "Stores"):
//
//   claim(id, leaseSeconds)  'claimed' when this caller may run the event
//                            (never seen, released, or its record expired),
//                            else what another delivery left: 'pending'
//                            (running, or died within its lease) or 'done'.
//                            Deciding and recording are one step, so of
//                            concurrent claims of one id exactly one wins.
//   complete(id, ttlSeconds) the event was handled: 'done' for ttlSeconds.
//   release(id)              the handler failed: forget the event, so a
//                            redelivery runs it again.
//
// What a binding's methods return is settled, never awaited (settle.js):
// a stand-in for KV or a Durable Object in a test is a caller's code too.
import { settle } from './settle.js';

/** The largest number of events a memory store holds unless told otherwise. */
const DEFAULT_MAX_ENTRIES = 10_000;
/** Workers KV refuses an expirationTtl below this many seconds. */
const KV_MIN_TTL_SECONDS = 60;

const positiveInteger = (value) => Number.isInteger(value) && value > 0;

function optionsObject(options, name) {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw new TypeError(`${name}: options must be an object`);
  return options;
}

function prefixOption(options, name) {
  const { prefix } = options;
  if (prefix !== undefined && typeof prefix !== 'string') throw new TypeError(`${name}: options.prefix must be a string`);
  return prefix;
}

/**
 * Events remembered in this process (a Node.js or Deno server) or this
 * isolate (a Worker): exact for deliveries that reach the same one, blind to
 * every other. At most `maxEntries` events; past that the oldest record is
 * dropped first, and a redelivery of a dropped event runs again.
 */
export function memoryStore(options) {
  const { maxEntries = DEFAULT_MAX_ENTRIES } = optionsObject(options, 'memoryStore');
  if (!positiveInteger(maxEntries)) throw new TypeError('memoryStore: options.maxEntries must be a positive integer');

  // id -> { state, expiresAt }, in the order of their last change: the
  // oldest first, which is also (nearly) the first to expire.
  const entries = new Map();
  const drop = (now) => {
    for (const [id, entry] of entries) {
      if (entries.size <= maxEntries && entry.expiresAt > now) break;
      entries.delete(id);
    }
  };
  const record = (id, state, seconds) => {
    const now = Date.now();
    entries.delete(id);
    entries.set(id, { state, expiresAt: now + seconds * 1000 });
    drop(now);
  };

  return {
    // Synchronous inside: nothing can run between the look-up and the
    // record, so two concurrent claims in this process never both win.
    async claim(id, leaseSeconds) {
      const entry = entries.get(id);
      if (entry !== undefined && entry.expiresAt > Date.now()) return entry.state;
      record(id, 'pending', leaseSeconds);
      return 'claimed';
    },
    async complete(id, ttlSeconds) {
      record(id, 'done', ttlSeconds);
    },
    async release(id) {
      entries.delete(id);
    },
  };
}

/**
 * Events remembered in a Workers KV namespace, shared by every isolate, in
 * front of a memory store for this isolate. Best effort: KV is eventually
 * consistent and has no compare-and-set, so deliveries of one event that
 * reach two isolates at nearly the same time may both run; the memory store
 * in front makes concurrent deliveries to one isolate exact.
 */
export function kvStore(namespace, options) {
  if (typeof namespace?.get !== 'function' || typeof namespace.put !== 'function' || typeof namespace.delete !== 'function') {
    throw new TypeError('kvStore: the first argument must be a Workers KV namespace binding (env.YOUR_KV)');
  }
  const settings = optionsObject(options, 'kvStore');
  const prefix = prefixOption(settings, 'kvStore') ?? 'contiguity-webhook:';
  const here = memoryStore({ maxEntries: settings.maxEntries });
  const expirationTtl = (seconds) => Math.max(KV_MIN_TTL_SECONDS, Math.ceil(seconds));

  return {
    async claim(id, leaseSeconds) {
      const local = await here.claim(id, leaseSeconds);
      if (local !== 'claimed') return local;
      try {
        const { value: stored } = await settle(namespace.get(prefix + id));
        if (stored === 'pending' || stored === 'done') {
          await here.release(id);
          return stored;
        }
        await settle(namespace.put(prefix + id, 'pending', { expirationTtl: expirationTtl(leaseSeconds) }));
        return 'claimed';
      } catch (error) {
        await here.release(id);
        throw error;
      }
    },
    async complete(id, ttlSeconds) {
      await here.complete(id, ttlSeconds);
      await settle(namespace.put(prefix + id, 'done', { expirationTtl: expirationTtl(ttlSeconds) }));
    },
    async release(id) {
      await here.release(id);
      await settle(namespace.delete(prefix + id));
    },
  };
}

/**
 * Events remembered by the ContiguityDedupe Durable Object (one object per
 * event id), which every isolate in every data centre reaches: a claim is
 * decided by that one object, one request at a time, so deliveries of one
 * event never both run.
 */
export function durableObjectStore(namespace, options) {
  if (typeof namespace?.idFromName !== 'function' || typeof namespace.get !== 'function') {
    throw new TypeError(
      'durableObjectStore: the first argument must be the Durable Object namespace binding of ContiguityDedupe (env.YOUR_BINDING)',
    );
  }
  const prefix = prefixOption(optionsObject(options, 'durableObjectStore'), 'durableObjectStore') ?? '';

  // A stub belongs to the request that made it (Workers refuse I/O on
  // another request's objects), so each operation makes its own.
  async function ask(id, operation, seconds) {
    const stub = namespace.get(namespace.idFromName(prefix + id));
    const query = seconds === undefined ? '' : `?seconds=${seconds}`;
    const { value: response } = await settle(stub.fetch(`https://contiguity-dedupe.invalid/${operation}${query}`, { method: 'POST' }));
    const { value: answer } = await settle(response.text());
    if (!response.ok) {
      throw new Error(`durableObjectStore: the Durable Object answered HTTP ${response.status} to ${operation}; is the binding's class ContiguityDedupe?`);
    }
    return answer;
  }

  return {
    async claim(id, leaseSeconds) {
      return JSON.parse(await ask(id, 'claim', leaseSeconds)).state;
    },
    async complete(id, ttlSeconds) {
      await ask(id, 'complete', ttlSeconds);
    },
    async release(id) {
      await ask(id, 'release');
    },
  };
}
