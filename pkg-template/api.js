// The documented surface (`new Contiguity(key).imessage.send(...)`) over the
// wasm exports. Every rule (validation, requests, retries, errors, webhook
// checks) is decided inside the wasm module; this file gives it the shape
// users know, loads the module on first use, and does the waiting: each
// call's attempts are awaited here, in the caller's own promise chain, with
// a fresh AbortController and deadline per attempt, because a Workers
// isolate does not let one request's I/O be resumed from another's
// (src/js/client.rs says more).
import * as glue from './contiguity_imessage.js';
import { fromRecord } from './errors.js';
import { cancelQuietly, joinChunks, settle, subscribe } from './settle.js';
import { ownDeadlineTimers } from './deadline.js';

/** Whether `thrown` is a trap of the wasm (a custom fetch's error may be a revoked Proxy: that is none). */
function isTrap(thrown) {
  try {
    return thrown instanceof WebAssembly.RuntimeError || field(thrown, 'name') === 'RuntimeError';
  } catch {
    return false;
  }
}

// The wasm throws bad input as the engine's JSON record (a string); the
// error is made here, its stack cut above the public function the caller
// called (`above`, whose frame must be on the stack now: see `tried`), so
// that it starts at the caller's line. A trap becomes an Error saying so
// (the next call starts a fresh instance); anything else passes through
// as it is.
function failure(thrown, above) {
  if (typeof thrown === 'string') {
    if (!above || typeof Error.captureStackTrace !== 'function') return fromRecord(thrown);
    const error = withoutStack(() => fromRecord(thrown));
    Error.captureStackTrace(error, above);
    return error;
  }
  if (isTrap(thrown)) {
    restart();
    return new Error('contiguity-imessage: the WebAssembly module trapped; the next call uses a fresh instance', {
      cause: thrown,
    });
  }
  return thrown;
}

/**
 * `make()` with no stack captured for the errors it constructs, where the
 * engine lets `Error.stackTraceLimit` be set: the caller captures the stack
 * once, with captureStackTrace (a capture is most of a refused call's time).
 * Not a number rather than 0: V8 then skips more of the capture; with 0,
 * Deno still paid what a whole stack costs (BENCHMARKS.md, "What a refused
 * send is made of").
 */
function withoutStack(make) {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = undefined;
  } catch {
    return make(); // frozen intrinsics
  }
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// --- the module's life: loaded on first use; after a trap, a fresh one ------

let instantiate; // set by createApi: loads the wasm the runtime's way
let deadlines = ownDeadlineTimers; // set by createApi: each attempt's deadline (deadline.js)
let describeRuntime;
let epoch = 0; // which instance the handles of a client belong to; 0: none yet
let clients; // frees a client's handle when its Contiguity is collected

function load() {
  if (epoch !== 0) return;
  try {
    instantiate();
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`contiguity-imessage could not start in ${describeRuntime()}: ${why}`, { cause });
  }
  epoch = nextEpoch++;
  clients ??=
    typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry(({ handle, of }) => {
          if (of !== epoch) return;
          try {
            glue.clientFree(handle);
          } catch (thrown) {
            // Nothing may escape a finalizer; a trap here is a broken instance.
            if (isTrap(thrown)) restart();
          }
        })
      : undefined;
}
let nextEpoch = 1;

/** Drops the trapped instance; `load()` makes a new one on the next call. */
function restart() {
  glue.__resetInstance?.();
  epoch = 0;
}

/**
 * Runs synchronous exports, turning a thrown record into its error. These
 * steps send nothing, so after a trap they are run once more on a fresh
 * instance: a trap in an earlier call (which left that instance in an
 * unknown state) then costs this call nothing.
 */
function run(call, above) {
  load();
  try {
    return call();
  } catch (thrown) {
    if (!isTrap(thrown)) throw failure(thrown, above);
    restart();
  }
  load();
  try {
    return call();
  } catch (thrown) {
    throw failure(thrown, above);
  }
}

/**
 * `run(call, above)` for a public function that returns what it gives, as
 * `returned(tried(call, above))`: a refusal's error is made inside `tried`,
 * an argument, so `above`'s frame is still on the stack for the cut, and
 * `returned` throws it. `return run(...)` was a tail call, which
 * JavaScriptCore (Bun) does properly: `above`'s frame was gone, and the
 * cut kept none. No minifier makes an argument a tail call (esbuild's
 * drops an empty `finally`, the other way to keep the frame). The
 * client's methods do the same with `#start` and `#settle`.
 */
function tried(call, above) {
  try {
    return { ok: true, value: run(call, above) };
  } catch (error) {
    return { ok: false, error };
  }
}

function returned(outcome) {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}

// --- one call: attempts, each with its own deadline, until the wasm says stop
//
// Written with callbacks on the runtime's own promises rather than async
// functions, `Promise.race` and a deadline promise: each of those made a
// promise and a job per attempt, 5-13 µs of a stubbed send's CPU time
// (BENCHMARKS.md, "Attempts as callbacks"). Every callback below catches what it
// calls, so that none can reject the promise `then` made for it, which
// nothing handles.

/**
 * Throws when the instance a call started in (`of`) has been replaced: its
 * handle names nothing in the new one, or another call.
 */
function inFlight(of) {
  if (epoch !== of) {
    throw new Error(
      'contiguity-imessage: the WebAssembly module trapped while this call was in flight, so it is not known ' +
        'whether the request reached the service; the next call uses a fresh instance',
    );
  }
}

/** `target[key]`, or undefined when reading it throws. */
function field(target, key) {
  try {
    return target?.[key];
  } catch {
    return undefined;
  }
}

function header(response, name) {
  try {
    const value = response.headers.get(name);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the body, at most `limit` bytes of it, and calls `onBody({ text })`,
 * or `onBody({ overLimit: true })` when there is more (a gzip bomb is
 * stopped after `limit` bytes of output, however small it was on the wire),
 * or `onError(thrown)`. A stub's `{ text() }` or `{ json() }` is read as it
 * is. May throw at once (a `text` that throws).
 */
function readBody(response, limit, signal, onBody, onError) {
  const body = field(response, 'body');
  if (typeof body?.getReader === 'function') {
    // Read whole with text() only when its size is known to be within the
    // limit (content-encoding is asked only then: each header read is a
    // call into the runtime's Headers).
    const declared = Number(header(response, 'content-length'));
    const within = declared <= limit && header(response, 'content-encoding') === undefined;
    if (!within) return readStream(body.getReader(), limit, signal, onBody, onError);
  }
  const text = field(response, 'text');
  if (typeof text === 'function') return subscribe(text.call(response), (value) => onBody({ text: value }), onError);
  const json = field(response, 'json');
  if (typeof json === 'function') {
    const stringified = (value) => {
      try {
        onBody({ text: JSON.stringify(value) });
      } catch (thrown) {
        onError(thrown); // a cyclic or BigInt value
      }
    };
    return subscribe(json.call(response), stringified, onError);
  }
  onBody({ text: undefined });
}

let decoder; // one for every body: each is decoded whole, once read
const decode = (bytes) => (decoder ??= new TextDecoder()).decode(bytes);

/** Reads `reader` to its end, at most `limit` bytes, for `readBody`. */
function readStream(reader, limit, signal, onBody, onError) {
  const chunks = [];
  let size = 0;
  let reads = 0;
  const stop = (body) => {
    cancelQuietly(reader);
    onBody(body);
  };
  const read = () => {
    try {
      subscribe(reader.read(), onRead, onError);
    } catch (thrown) {
      onError(thrown);
    }
  };
  const onRead = (result) => {
    try {
      const { done, value } = result;
      if (done) return onBody({ text: decode(joinChunks(chunks, size)) });
      // The attempt was given up (its deadline passed): read no further.
      if (signal.aborted) return stop({ overLimit: false });
      // A real stream yields bytes; anything else is a broken response.
      // By its tag, not `instanceof`: a test environment such as jsdom
      // gives the code its own Uint8Array, not the one fetch's bytes are.
      if (Object.prototype.toString.call(value) !== '[object Uint8Array]') throw new TypeError('the response body stream yielded something other than bytes');
      size += value.byteLength;
      if (size > limit) return stop({ overLimit: true });
      chunks.push(value);
      // A stream whose reads are always ready (a stub's, say) would never
      // let the deadline's timer run: now and then, let it.
      if (++reads % 1024 === 0) setTimeout(read, 0);
      else read();
    } catch (thrown) {
      onError(thrown);
    }
  };
  read();
}

let bodyLimit;

// How an attempt failed, for callFailed (src/js/client.rs has the same
// numbers): its fetch threw or rejected, its deadline passed, or the body
// of its answer could not be read (the service was reached).
const FAILED_IN_FETCH = 0;
const FAILED_BY_DEADLINE = 1;
const FAILED_IN_BODY = 2;

// What `answer` tells callAnswered of the body (src/js/client.rs has the
// same numbers).
const BODY_PARSED = 0;
const BODY_NO_TEXT = 1;
const BODY_NOT_JSON = 2;
const BODY_OVER_LIMIT = 3;

/**
 * The status the body of a stub with no `status` states (`data.status`,
 * else `status`), as the official SDK reads one: `{ ok: false, json }` in a
 * test: an integer from 300 to 599, else NaN (none); NaN too for an
 * `ok: true` one, a success.
 */
function statedBy(response, parsed) {
  const stated = field(response, 'ok') === true ? undefined : (field(field(parsed, 'data'), 'status') ?? field(parsed, 'status'));
  // An error status only: a stub that is not ok is never a success.
  return Number.isInteger(stated) && stated >= 300 && stated <= 599 ? stated : NaN;
}

/**
 * callAnswered, given what it would otherwise ask across the boundary one
 * call at a time (BENCHMARKS.md, "Fewer crossings"): the response's status
 * if it is a number (else NaN), and the body parsed by the engine's
 * JSON.parse. Everything is decided in the wasm from there.
 */
function answer(call, response, body) {
  const status = field(response, 'status');
  const { text } = body;
  let parsed;
  let kind = BODY_NO_TEXT;
  if (body.overLimit === true) kind = BODY_OVER_LIMIT;
  else if (typeof text === 'string') {
    try {
      parsed = JSON.parse(text);
      kind = BODY_PARSED;
    } catch {
      kind = BODY_NOT_JSON;
    }
  }
  return glue.callAnswered(call, response, typeof status === 'number' ? status : statedBy(response, parsed), text, parsed, kind);
}

const TIMED_OUT = Symbol('timed out');

/**
 * Aborts a timed-out attempt's request. The runtime reports a throwing
 * abort listener itself, but a replaced AbortController may throw here,
 * and that must not keep the call from settling.
 */
function abortQuietly(controller) {
  try {
    controller.abort();
  } catch {
    // The attempt has timed out all the same.
  }
}

/**
 * One attempt: its fetch and its body read, bounded by a deadline (even with
 * a fetch that ignores its signal). Ends in one call of `settled.outcome`
 * (the result, or how long to wait before the next attempt) or of
 * `settled.error` (the final error). What a custom fetch or a stub returns
 * is subscribed to, never awaited (settle.js).
 */
function attempt(call, timeoutMs, of, settled) {
  const controller = new AbortController();
  const signal = controller.signal;
  let over = false; // the first of the answer, a failure and the deadline wins
  let response;
  const conclude = (step) => {
    let outcome;
    try {
      inFlight(of);
      outcome = step();
    } catch (thrown) {
      return settled.error(thrown);
    }
    settled.outcome(outcome);
  };
  const failed = (thrown) => {
    if (over) return;
    over = true;
    deadlines.disarm(deadline);
    const timedOut = thrown === TIMED_OUT;
    if (timedOut) abortQuietly(controller);
    if (isTrap(thrown)) return settled.error(thrown);
    const how = timedOut ? FAILED_BY_DEADLINE : response === undefined ? FAILED_IN_FETCH : FAILED_IN_BODY;
    conclude(() => glue.callFailed(call, timedOut ? undefined : thrown, how));
  };
  const answered = (body) => {
    if (over) return;
    over = true;
    deadlines.disarm(deadline);
    settled.lastResponse = response;
    settled.lastBody = body;
    conclude(() => answer(call, response, body));
  };
  const responded = (value) => {
    // An answer after the deadline (from a fetch that ignores its signal)
    // is not read, and its body is cancelled: left alone, it would hold
    // its connection open for as long as the server sends.
    if (over) return cancelQuietly(field(value, 'body'));
    response = value;
    // The very Response the attempt before got (a test's
    // `mockResolvedValue(response)` answers every attempt with one): its
    // body was read then and cannot be read twice, so it answers the same.
    if (value === settled.lastResponse && settled.lastBody !== undefined) return answered(settled.lastBody);
    try {
      readBody(value, (bodyLimit ??= glue.bodyLimit()), signal, answered, failed);
    } catch (thrown) {
      failed(thrown);
    }
  };
  const deadline = deadlines.arm(timeoutMs, () => failed(TIMED_OUT));
  try {
    inFlight(of);
    subscribe(glue.callFetch(call, signal), responded, failed);
  } catch (thrown) {
    failed(thrown);
  }
}

/** A call's attempts, until the wasm gives a result or a final error. */
function perform(call, timeoutMs) {
  const of = epoch;
  return new Promise((resolve, reject) => {
    const free = () => {
      if (epoch !== of) return;
      try {
        glue.callFree(call);
      } catch (thrown) {
        if (isTrap(thrown)) restart();
      }
    };
    const settled = {
      lastResponse: undefined, // the last attempt's answer and its body, as read
      lastBody: undefined,
      outcome(outcome) {
        if (typeof outcome === 'number') return void setTimeout(() => attempt(call, timeoutMs, of, settled), outcome);
        free();
        resolve(outcome);
      },
      error(thrown) {
        // failure() first: after a trap it replaces the instance, so that
        // free() does not call into the trapped one.
        const error = failure(thrown);
        free();
        reject(error);
      },
    };
    attempt(call, timeoutMs, of, settled);
  });
}

// --- the client ----------------------------------------------------------------

class Client {
  #apiKey;
  #options;
  #handle;
  #of = 0;
  timeoutMs;

  constructor(apiKey, options, above) {
    this.#apiKey = apiKey;
    this.#options = options;
    this.#open(above);
  }

  #open(above) {
    this.#handle = run(() => glue.clientNew(this.#apiKey, this.#options), above);
    this.#of = epoch;
    this.timeoutMs = glue.clientTimeoutMs(this.#handle);
    clients?.register(this, { handle: this.#handle, of: epoch });
  }

  /** The handle in the current instance: made again after a restart. */
  handle(above) {
    load();
    if (this.#of !== epoch) this.#open(above);
    return this.#handle;
  }
}

// Each method by its index in the engine's `Method::ALL` (a number
// crosses into the wasm for free; a string is copied in).
const SEND = 0;
const REPLY = 1;
const TYPING = 2;
const REACT = 3;
const READ = 4;
const HISTORY = 5;
const GET = 6;
const AVAILABILITY = 7;

/** What `callStart` returns for a call it refuses (`callRefusal` says why). */
const REFUSED = 0xffff_ffff;

/**
 * A `send`'s params read here when every key of theirs is `to`, `message`
 * or `from`: `[order, first, second, third]` for `callStartFields`
 * (src/js/client.rs), their values in the object's key order and `order`
 * saying whose each is (two bits each from the lowest: 1 `to`, 2
 * `message`, 3 `from`). The wasm reads and checks those values as it
 * would have read the params, without the crossings out of it that
 * reading the object itself takes: between two requests those were most
 * of a send's own time (BENCHMARKS.md, "A send's fields read by api.js").
 * Each value is read once, as the wasm would have read it; one whose read
 * throws is handed over as a value that throws again when read (a revoked
 * Proxy), which the wasm reports where it would have. Undefined for any
 * other params, for `callStart` to read: nothing of them has been read
 * but their keys (so a Proxy's `ownKeys` and `getOwnPropertyDescriptor`
 * traps run again there).
 */
function sendFields(params) {
  let keys;
  try {
    // What the wasm reads as an object (result.js, classOf); only
    // Object.keys may run a caller's code (a Proxy's traps).
    if (typeof params !== 'object' || params === null || Array.isArray(params) || ArrayBuffer.isView(params)) return;
    keys = Object.keys(params);
  } catch {
    return;
  }
  const fields = [0];
  // Three keys at most: a fourth cannot be one of the three names.
  for (const key of keys) {
    const field = key === 'to' ? 1 : key === 'message' ? 2 : key === 'from' ? 3 : 0;
    if (field === 0) return;
    fields[0] |= field << (2 * fields.length - 2);
    fields.push(key);
  }
  for (let i = 1; i < fields.length; i++) {
    try {
      fields[i] = params[fields[i]];
    } catch {
      fields[i] = unreadable();
    }
  }
  return fields;
}

let revoked;
/** A value that throws when read, as a getter that threw does: a revoked Proxy. */
function unreadable() {
  if (revoked === undefined) {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    revoked = proxy;
  }
  return revoked;
}

/**
 * Starts `send(params)` for the client handle `client`: what `callStart`
 * returns. Exported for the bench probes that time it
 * (bench/lib/exports.mjs, `sendStarter`).
 */
export function startSend(client, params) {
  const fields = sendFields(params);
  return fields === undefined ? glue.callStart(client, SEND, params, undefined) : glue.callStartFields(client, ...fields);
}

class IMessage {
  #client;
  constructor(client) {
    this.#client = client;
  }
  // Each method starts its call in an argument, `#start`, where a
  // refusal's error is made and its stack cut above the method, for the
  // reason `tried` gives: the method's frame must still be on the stack.

  /** A call handle, or `{ refused }`: what the call is refused with (any value a caller's code threw, too). */
  #start(method, first, second, above) {
    try {
      const call = run(() => {
        const client = this.#client.handle(above);
        const started = method === SEND ? startSend(client, first) : glue.callStart(client, method, first, second);
        return started === REFUSED ? glue.callRefusal() : started; // a handle, or the refusal's record
      }, above);
      return typeof call === 'string' ? { refused: failure(call, above) } : call;
    } catch (error) {
      return { refused: error };
    }
  }
  /** What `#start` gave, as the call's promise. */
  #settle(started) {
    return typeof started === 'number' ? perform(started, this.#client.timeoutMs) : Promise.reject(started.refused);
  }
  send(params) {
    return this.#settle(this.#start(SEND, params, undefined, IMessage.prototype.send));
  }
  reply(event, params) {
    return this.#settle(this.#start(REPLY, event, params, IMessage.prototype.reply));
  }
  typing(params) {
    return this.#settle(this.#start(TYPING, params, undefined, IMessage.prototype.typing));
  }
  react(action, params) {
    return this.#settle(this.#start(REACT, action, params, IMessage.prototype.react));
  }
  read(params) {
    return this.#settle(this.#start(READ, params, undefined, IMessage.prototype.read));
  }
  history(params) {
    return this.#settle(this.#start(HISTORY, params, undefined, IMessage.prototype.history));
  }
  get(id, opts) {
    return this.#settle(this.#start(GET, id, opts, IMessage.prototype.get));
  }
  availability(params) {
    return this.#settle(this.#start(AVAILABILITY, params, undefined, IMessage.prototype.availability));
  }
}

// --- webhook.verify, verifyRequest and parse: argument forms -----------------
// Reduced here to what the wasm checks (src/js/webhook.rs): the raw body's
// bytes and the signature header's value. A caller's object may throw when
// read (a getter, a revoked Proxy): what cannot be read is absent, and a
// delivery without a readable body or signature does not verify.

const SIGNATURE_HEADER = 'contiguity-signature';
let encoder;

/** A body's bytes: a string as UTF-8, an ArrayBuffer or any view (Buffer too); else undefined. */
function bytesOf(body) {
  try {
    if (typeof body === 'string') return (encoder ??= new TextEncoder()).encode(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (Object.prototype.toString.call(body) === '[object ArrayBuffer]') return new Uint8Array(body);
  } catch {
    // A look-alike that throws when read is not a body.
  }
  return undefined;
}

/** A header value: a string, or the first of an array (Node's repeated headers). */
function firstString(value) {
  try {
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  } catch {
    return undefined;
  }
}

/** The signature from a `Headers` object, or from a plain object in any case. */
function signatureIn(headers) {
  try {
    if (typeof headers?.get === 'function') return firstString(headers.get(SIGNATURE_HEADER));
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (name.toLowerCase() === SIGNATURE_HEADER) return firstString(value);
    }
  } catch {
    // Unreadable headers carry no signature.
  }
  return undefined;
}

/** A Fetch `Request` (or Response-like): a body that can only be read by awaiting it. */
function isFetchRequest(value) {
  return (
    typeof field(value, 'arrayBuffer') === 'function' &&
    bytesOf(field(value, 'rawBody')) === undefined &&
    bytesOf(field(value, 'body')) === undefined
  );
}

const VERIFY_REQUEST_HINT =
  'webhook.verify() is synchronous and cannot read a Fetch Request\'s body: use `await webhook.verifyRequest(request, secret)`';

let defaultTolerance;

/** `toleranceSeconds` as the wasm reads it; what it makes of none, asked once. */
function toleranceOf(value) {
  if (value !== undefined) return glue.webhookTolerance(value);
  return (defaultTolerance ??= glue.webhookTolerance(undefined));
}

/**
 * `verify(rawBody, signatureHeader, secret, toleranceSeconds?)`, or
 * `verify({ headers, rawBody | body }, secret, toleranceSeconds?)`: always a
 * boolean, so a forgotten `await` can never make a check truthy.
 */
function verify(first, second, third, fourth) {
  const raw = bytesOf(first);
  // The `{ headers, rawBody | body }` form: an object that is not bytes and
  // has headers, or is not followed by a secret (a string or an array).
  // Otherwise the first argument is the raw body, and one that is not
  // bytes (the object `express.json()` leaves in `req.body`, a Blob) does
  // not verify.
  let secretThird = typeof third === 'string';
  try {
    secretThird ||= Array.isArray(third);
  } catch {
    // A revoked Proxy is no secret.
  }
  if (raw !== undefined || typeof first !== 'object' || first === null || (secretThird && field(first, 'headers') === undefined)) {
    const tolerance = toleranceOf(fourth); // a bad one throws, whatever the body
    return raw !== undefined && verifyBytes(raw, firstString(second), third, tolerance);
  }
  const tolerance = toleranceOf(third);
  if (isFetchRequest(first)) throw new TypeError(VERIFY_REQUEST_HINT);
  const body = bytesOf(field(first, 'rawBody')) ?? bytesOf(field(first, 'body'));
  if (body === undefined) return false;
  return verifyBytes(body, signatureIn(field(first, 'headers')), second, tolerance);
}

// No delivery comes near this. A body is copied whole into the module's
// memory to be checked, and that memory never shrinks; one past 1 GiB
// cannot be placed at all.
const VERIFIED_BYTES_AT_MOST = 16 * 1024 * 1024;

/** The signature check on a body's bytes; false, unchecked, for a body over 16 MiB. */
function verifyBytes(bytes, header, secret, tolerance) {
  return bytes.byteLength <= VERIFIED_BYTES_AT_MOST && glue.webhookVerify(bytes, header, secret, tolerance);
}

/**
 * `verifyRequest(request, secret, toleranceSeconds?)`, the tolerance
 * already checked: a Promise of the same boolean, for a Fetch `Request`
 * (whose body is read from a clone, so the caller can still read it) or
 * any form `verify` takes.
 */
async function verifyRequest(request, secret, tolerance) {
  if (!isFetchRequest(request)) return verify(request, secret, tolerance);
  const header = signatureIn(field(request, 'headers'));
  let buffer;
  try {
    const source = typeof request.clone === 'function' ? request.clone() : request;
    buffer = (await settle(source.arrayBuffer())).value;
  } catch {
    return false;
  }
  const bytes = bytesOf(buffer);
  return bytes !== undefined && verifyBytes(bytes, header, secret, tolerance);
}

/** `parse(rawBody)`: a string, bytes in any form, or an already-parsed event. */
function parse(rawBody) {
  if (typeof rawBody === 'string') return glue.webhookParseText(rawBody);
  const bytes = bytesOf(rawBody);
  if (bytes !== undefined) return glue.webhookParseBytes(bytes);
  return glue.webhookCheck(rawBody);
}

/**
 * Builds the public API for one runtime. `instantiate` loads the wasm module
 * the way that runtime allows; it runs on first use, never at import.
 * `runtime()` names the runtime, for the error when that fails.
 * `timers` arms and disarms each attempt's deadline: a timer of its own
 * unless the entry gives kept ones (deadline.js).
 */
export function createApi(runtime, instantiateModule, timers = ownDeadlineTimers) {
  describeRuntime = runtime;
  instantiate = instantiateModule;
  deadlines = timers;

  const verifyWebhookSignature = (first, second, third, fourth) =>
    returned(tried(() => verify(first, second, third, fourth), verifyWebhookSignature));
  const verifyWebhookRequest = (request, secret, toleranceSeconds) => {
    try {
      load();
      // Checked here, not in the async function: a bad tolerance is
      // refused while this function's frame is on the stack, for the
      // cut above it. Cut in the rejection's handler, the stack kept no
      // frame at all.
      const tolerance = toleranceOf(toleranceSeconds);
      return verifyRequest(request, secret, tolerance).catch((thrown) => {
        throw failure(thrown);
      });
    } catch (thrown) {
      return Promise.reject(failure(thrown, verifyWebhookRequest));
    }
  };
  const parseWebhookPayload = (rawBody) => returned(tried(() => parse(rawBody), parseWebhookPayload));
  const webhook = Object.freeze({
    verify: verifyWebhookSignature,
    verifyRequest: verifyWebhookRequest,
    parse: parseWebhookPayload,
  });

  class Contiguity {
    constructor(apiKey, options) {
      const client = new Client(apiKey, options, Contiguity);
      Object.defineProperty(this, 'imessage', { value: new IMessage(client), enumerable: true });
      Object.defineProperty(this, 'webhook', { value: webhook, enumerable: true });
    }
  }

  return { Contiguity, verifyWebhookSignature, verifyWebhookRequest, parseWebhookPayload };
}
