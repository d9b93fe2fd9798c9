// createWebhookHandler: a whole webhook receiver as one web-standard
// `(request, env?, ctx?) => Promise<Response>` function (docs/webhooks.md).
// The signature check and the event's validation are the package's own
// (the wasm, through verifyWebhookSignature and parseWebhookPayload); this
// file is the glue around them: the HTTP answers, the de-duplication by
// event id, and running the user's callbacks before or after the response.
import { ValidationError } from './errors.js';
import { memoryStore } from './stores.js';
// Named apart from this file's settle(options), which checks the options.
import { cancelQuietly, joinChunks, settle as settleValue } from './settle.js';

const SIGNATURE_HEADER = 'contiguity-signature';

// Contiguity documents no redelivery schedule. Webhook senders commonly
// retry for hours, some for up to three days: an event is remembered that
// long, which also bounds how long a memory store keeps it.
const DEFAULT_TTL_SECONDS = 3 * 24 * 60 * 60;
// How long a claimed event blocks its redeliveries while it runs. Longer
// than a handler that makes a few calls, each with the client's default
// timeout and retries; if the process dies mid-run, a redelivery after this
// runs the event again.
const DEFAULT_LEASE_SECONDS = 10 * 60;
// Far above any event the service documents (an incoming email with its raw
// source is the largest).
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
// An id is a storage key (Workers KV allows 512 bytes); the service's are short.
const MAX_EVENT_ID_LENGTH = 256;
// One of `verify`'s limits: more secrets than anyone rotates through at once.
const MAX_SECRETS = 16;

const OPTION_NAMES = new Set([
  'secret',
  'onMessage',
  'onEvent',
  'onError',
  'dedupe',
  'toleranceSeconds',
  'client',
  'apiKey',
  'clientOptions',
  'background',
  'maxBodyBytes',
]);
const DEDUPE_OPTION_NAMES = new Set(['store', 'ttlSeconds', 'leaseSeconds']);

// --- options ------------------------------------------------------------------

const fail = (message) => {
  throw new TypeError(`createWebhookHandler: ${message}`);
};
const isPositiveNumber = (value) => typeof value === 'number' && Number.isFinite(value) && value > 0;
const isStore = (value) =>
  typeof value?.claim === 'function' && typeof value.complete === 'function' && typeof value.release === 'function';

function checkKeys(object, allowed, where) {
  const unknown = Object.keys(object).filter((key) => !allowed.has(key));
  if (unknown.length > 0) fail(`unknown ${where} ${unknown.map((key) => `"${key}"`).join(', ')}`);
}

function optionalFunction(options, name) {
  const value = options[name];
  if (value !== undefined && typeof value !== 'function') fail(`options.${name} must be a function`);
  return value;
}

// Never quotes a secret: only says what is wrong with it.
function checkSecret(secret) {
  const usable = (value) => typeof value === 'string' && value !== '';
  if (usable(secret)) return secret;
  if (Array.isArray(secret) && secret.length > 0 && secret.length <= MAX_SECRETS && secret.every(usable)) return [...secret];
  if (secret === undefined || secret === null || secret === '') {
    fail('options.secret is missing or empty (is the environment variable that holds it set?)');
  }
  return fail(`options.secret must be a webhook secret (a non-empty string) or an array of 1 to ${MAX_SECRETS} of them`);
}

function checkDedupe(dedupe, defaultStore) {
  const settings = { store: undefined, ttlSeconds: DEFAULT_TTL_SECONDS, leaseSeconds: DEFAULT_LEASE_SECONDS };
  if (dedupe === false) return settings;
  if (dedupe === undefined) return { ...settings, store: defaultStore() };
  if (isStore(dedupe)) return { ...settings, store: dedupe };
  if (typeof dedupe !== 'object' || dedupe === null) {
    fail('options.dedupe must be a store, { store, ttlSeconds, leaseSeconds }, or false');
  }
  checkKeys(dedupe, DEDUPE_OPTION_NAMES, 'option of options.dedupe:');
  const { store = defaultStore(), ttlSeconds = DEFAULT_TTL_SECONDS, leaseSeconds = DEFAULT_LEASE_SECONDS } = dedupe;
  if (!isStore(store)) fail('options.dedupe.store must have claim, complete and release methods');
  if (!isPositiveNumber(ttlSeconds)) fail('options.dedupe.ttlSeconds must be a positive number of seconds');
  if (!isPositiveNumber(leaseSeconds)) fail('options.dedupe.leaseSeconds must be a positive number of seconds');
  return { store, ttlSeconds, leaseSeconds };
}

/** The options as the handler uses them; a TypeError naming the field otherwise. */
function settle(options, { Contiguity, defaultStore }) {
  if (typeof options !== 'object' || options === null) fail('options must be an object, or a function of env returning one');
  checkKeys(options, OPTION_NAMES, 'option');
  const onMessage = optionalFunction(options, 'onMessage');
  const onEvent = optionalFunction(options, 'onEvent');
  const onError = optionalFunction(options, 'onError');
  if (onMessage === undefined && onEvent === undefined) fail('options.onMessage or options.onEvent is required');

  const { toleranceSeconds, background = true, maxBodyBytes = DEFAULT_MAX_BODY_BYTES, client, apiKey, clientOptions } = options;
  if (toleranceSeconds !== undefined && !(typeof toleranceSeconds === 'number' && Number.isFinite(toleranceSeconds) && toleranceSeconds >= 0)) {
    fail('options.toleranceSeconds must be a non-negative number of seconds');
  }
  if (typeof background !== 'boolean') fail('options.background must be a boolean');
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) fail('options.maxBodyBytes must be a positive integer');
  if (client !== undefined && typeof client?.imessage?.reply !== 'function') fail('options.client must be a Contiguity instance');
  if (client !== undefined && (apiKey !== undefined || clientOptions !== undefined)) {
    fail('give options.client, or options.apiKey and options.clientOptions to make one, not both');
  }
  if (clientOptions !== undefined && (typeof clientOptions !== 'object' || clientOptions === null)) {
    fail('options.clientOptions must be an object (the options of new Contiguity)');
  }

  // Made on first use, so a receiver that sends nothing needs no API key;
  // a bad key or option is the ValidationError of `new Contiguity`, thrown
  // where the callback first sends (and so reported as its failure).
  let made = client;
  const contiguity = () => (made ??= new Contiguity(apiKey, clientOptions));

  return {
    secret: checkSecret(options.secret),
    toleranceSeconds,
    onMessage,
    onEvent,
    onError,
    background,
    maxBodyBytes,
    contiguity,
    ...checkDedupe(options.dedupe, defaultStore),
  };
}

// --- answers ------------------------------------------------------------------

// Short, fixed texts: an answer never says why a signature failed, and
// never echoes anything of the request.
const answer = (status, text, headers = {}) =>
  new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
const ANSWERS = {
  methodNotAllowed: () => answer(405, 'method not allowed', { allow: 'POST' }),
  tooLarge: () => answer(413, 'payload too large'),
  unreadable: () => answer(400, 'unreadable body'),
  unauthorized: () => answer(401, 'unauthorized'),
  malformed: () => answer(400, 'malformed event'),
  inProgress: () => answer(409, 'event in progress'),
  duplicate: () => answer(200, 'duplicate'),
  accepted: () => answer(200, 'accepted'),
  handled: () => answer(200, 'ok'),
  failed: () => answer(500, 'internal error'),
};

// --- the request ---------------------------------------------------------------

const TOO_LARGE = Symbol('too large');
const UNREADABLE = Symbol('unreadable');

/** The body's bytes, read at most `limit` of them; TOO_LARGE or UNREADABLE otherwise. */
async function readBody(request, limit) {
  try {
    if (Number(request.headers.get('content-length')) > limit) return TOO_LARGE;
    const stream = request.body;
    if (stream === null || stream === undefined) return new Uint8Array(0);
    const reader = stream.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = (await settleValue(reader.read())).value;
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        cancelQuietly(reader);
        return TOO_LARGE;
      }
      chunks.push(value);
    }
    return joinChunks(chunks, size);
  } catch {
    return UNREADABLE; // the sender went away, or the body was already read
  }
}

/** The runtime's context: the one of `(request, env, ctx)` or `(request, ctx)` with a waitUntil. */
function waitUntilOf(second, third) {
  for (const context of [third, second]) {
    try {
      if (typeof context?.waitUntil === 'function') return (promise) => context.waitUntil(promise);
    } catch {
      // A context that throws when read has no waitUntil.
    }
  }
  return undefined;
}

// --- the callbacks ------------------------------------------------------------

/** The helpers bound to an incoming message: they answer its sender from the number it reached. */
function messageContext(event, settings, env) {
  // An event without `data` passes parse (it is optional in general): the
  // client's validation then names the missing `to`.
  const conversation = () => ({ to: event.data?.from, from: event.data?.to });
  // Each returns the client's promise; a client that cannot be made
  // (a bad key) is that promise's rejection, like any failed call.
  const call = (send) => {
    try {
      return send(settings.contiguity().imessage);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    get client() {
      return settings.contiguity();
    },
    env,
    reply: (params) => call((imessage) => imessage.reply(event, typeof params === 'string' ? { message: params } : params)),
    typing: (action) => call((imessage) => imessage.typing({ ...conversation(), action })),
    read: () => call((imessage) => imessage.read(conversation())),
    react: (tapback, message = event.data?.body) =>
      call((imessage) => imessage.react('add', { ...conversation(), tapback, message })),
  };
}

function eventContext(settings, env) {
  return {
    get client() {
      return settings.contiguity();
    },
    env,
  };
}

function report(onError, error, event) {
  try {
    if (!onError) {
      defaultReport(error, event);
      return;
    }
    const reported = onError(error, event);
    // Nothing waits for the report, but an async reporter that fails must
    // not become an unhandled rejection (settled: it may be any thenable).
    if ((typeof reported === 'object' && reported !== null) || typeof reported === 'function') {
      settleValue(reported).catch(() => {});
    }
  } catch {
    // Nor may one that throws: there is nothing left to report it to.
  }
}

function defaultReport(error, event) {
  const which = event === undefined ? 'a webhook delivery' : `webhook event ${event.id} (${event.type})`;
  console.error(`contiguity-imessage: handling ${which} failed:`, error);
}

/**
 * Runs the event's callback, then records the outcome: 'done' after a
 * success; after a failure the claim is released, so that the service's
 * redelivery runs the event again, unless its lease (from `claimedAt`)
 * has run out: the record is then gone or another delivery's, which a
 * release would delete while that one runs. Never rejects: true when it
 * succeeded.
 */
async function run(event, settings, env, claimedAt) {
  const { store, onMessage, onEvent } = settings;
  try {
    // What a callback or the store returns is settled, never awaited (settle.js).
    if (event.type === 'imessage.incoming' && onMessage) await settleValue(onMessage(event, messageContext(event, settings, env)));
    else if (onEvent) await settleValue(onEvent(event, eventContext(settings, env)));
  } catch (error) {
    report(settings.onError, error, event);
    // No claim (dedupe: false) has no lease to outlive.
    const leaseRanOut = claimedAt !== undefined && Date.now() - claimedAt >= settings.leaseSeconds * 1000;
    if (leaseRanOut) return false;
    try {
      await settleValue(store?.release(event.id));
    } catch (releaseError) {
      // The claim then blocks redeliveries until its lease runs out.
      report(settings.onError, releaseError, event);
    }
    return false;
  }
  try {
    await settleValue(store?.complete(event.id, settings.ttlSeconds));
  } catch (error) {
    // Handled, but not recorded: a redelivery after the lease runs it again.
    report(settings.onError, error, event);
  }
  return true;
}

// --- the handler ---------------------------------------------------------------

/**
 * Makes createWebhookHandler for one entry of the package, with that entry's
 * Contiguity, verifyWebhookSignature and parseWebhookPayload.
 */
export function webhookHandlerFactory({ Contiguity, verifyWebhookSignature, parseWebhookPayload }) {
  return function createWebhookHandler(options) {
    // One memory store per handler, for the options that name no store;
    // made once even when a function of env gives the options.
    let memory;
    const defaults = { Contiguity, defaultStore: () => (memory ??= memoryStore()) };

    // Options given as a function of env are settled on the first request,
    // with its env, and kept for every later one (one client, one store per
    // process or isolate); a failure is not kept, the next request tries again.
    let settled = typeof options === 'function' ? undefined : Promise.resolve(settle(options, defaults));
    const settingsFor = (env) => {
      if (settled === undefined) {
        const attempt = Promise.resolve()
          .then(() => settleValue(options(env)))
          .then(({ value }) => settle(value, defaults));
        settled = attempt;
        attempt.catch(() => {
          if (settled === attempt) settled = undefined;
        });
      }
      return settled;
    };

    return async function webhookHandler(request, second, third) {
      if (typeof request?.headers?.get !== 'function' || typeof request.method !== 'string') {
        throw new TypeError('webhook handler: the first argument must be a Fetch Request');
      }
      if (request.method !== 'POST') return ANSWERS.methodNotAllowed();

      let settings;
      try {
        settings = await settingsFor(second);
      } catch (error) {
        report(undefined, error, undefined);
        return ANSWERS.failed();
      }

      let event;
      let claimedAt; // when the claim was asked for: its lease runs from then
      try {
        const body = await readBody(request, settings.maxBodyBytes);
        if (body === TOO_LARGE) return ANSWERS.tooLarge();
        if (body === UNREADABLE) return ANSWERS.unreadable();
        const header = request.headers.get(SIGNATURE_HEADER);
        if (!verifyWebhookSignature(body, header, settings.secret, settings.toleranceSeconds)) {
          return ANSWERS.unauthorized();
        }
        try {
          event = parseWebhookPayload(body);
        } catch (error) {
          if (error instanceof ValidationError) return ANSWERS.malformed();
          throw error;
        }
        if (event.id === '' || event.id.length > MAX_EVENT_ID_LENGTH) return ANSWERS.malformed();

        if (settings.store !== undefined) {
          claimedAt = Date.now();
          const claim = (await settleValue(settings.store.claim(event.id, settings.leaseSeconds))).value;
          if (claim === 'done') return ANSWERS.duplicate();
          if (claim === 'pending') return ANSWERS.inProgress();
          if (claim !== 'claimed') throw new TypeError(`the dedupe store's claim() returned ${String(claim)}, not 'claimed', 'pending' or 'done'`);
        }
      } catch (error) {
        // The wasm could not start, or the store failed: nothing ran, and the
        // service's redelivery will find the event unclaimed.
        report(settings.onError, error, event);
        return ANSWERS.failed();
      }

      const work = run(event, settings, second, claimedAt);
      const waitUntil = settings.background ? waitUntilOf(second, third) : undefined;
      if (waitUntil !== undefined) {
        try {
          waitUntil(work);
          return ANSWERS.accepted();
        } catch {
          // A waitUntil that refuses: answer when the work is done instead.
        }
      }
      return (await work) ? ANSWERS.handled() : ANSWERS.failed();
    };
  };
}
