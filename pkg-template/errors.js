// The two error classes of the package, made from the wasm module's JSON
// records (see src/engine/error.rs). Every entry re-exports the classes from
// this one module, so `instanceof` holds in every runtime.

// Each class declares its fields, so that they are the error's own before
// the constructor assigns them: an assignment to a property the object does
// not have would run a setter a caller put on Object.prototype.

/** The service or the network failed the call. */
export class ContiguityError extends Error {
  name;
  code;
  status;
  requestId;
  data;
  retryAfter;

  /**
   * `(message, details)`, or the official SDK's `(message, status, code,
   * data)`, the form tests written for it make their errors in.
   */
  constructor(message, details, code, data) {
    if (details === null || typeof details !== 'object') details = { status: details ?? undefined, code, data };
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ContiguityError';
    this.code = details.code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.data = details.data;
    this.retryAfter = details.retryAfter;
  }
}

/** The input was invalid; nothing was sent. `issues` lists every problem. */
export class ValidationError extends Error {
  name;
  issues;

  constructor(message, issues = []) {
    super(message);
    this.name = 'ValidationError';
    this.issues = issues;
  }

  /** zod 3's name for `issues`. */
  get errors() {
    return this.issues;
  }
}

// zod 4 decides `instanceof z.ZodError` (and its `z.prettifyError`,
// `z.treeifyError`, ... accept an error) by the traits on `_zod`, not by the
// class: with these, code written for the official SDK's ZodErrors, such as
// `if (error instanceof z.ZodError) console.log(error.errors)`, keeps working
// without this package depending on zod. Not enumerable: it is in no
// `Object.keys`, spread or JSON of the error. zod 3 checks the class, so
// there `instanceof z.ZodError` is false.
Object.defineProperty(ValidationError.prototype, '_zod', {
  value: Object.freeze({ traits: new Set(['ZodError', '$ZodError']) }),
});

/**
 * The error a record from the wasm module describes: `{ name, message,
 * issues }` or `{ name, message, code, status?, requestId?, data?,
 * retryAfter? }`. `cause` (what a failed fetch threw) becomes the error's
 * `cause`; when `standIn` is given, the cause mentioned a secret and is
 * replaced by a copy with the texts `standIn` describes (redacted).
 * Internal: the entries export only the classes.
 */
export function fromRecord(json, cause, standIn) {
  const record = JSON.parse(json);
  // A refused call's error first, without the rest pattern below: copying
  // the remaining fields is the slower way, and it needs none of them.
  if (record.name === 'ValidationError') return new ValidationError(record.message, record.issues);
  const { name: _name, message, issues: _issues, ...details } = record;
  if (standIn !== undefined) cause = redactedCopy(cause, JSON.parse(standIn));
  return new ContiguityError(message, cause === undefined ? details : { ...details, cause });
}

/** `original`'s prototype (so `instanceof` still holds), with `described`'s texts. */
function redactedCopy(original, described) {
  let prototype = Error.prototype;
  try {
    const own = Object.getPrototypeOf(original);
    if (own !== null && typeof own === 'object') prototype = own;
  } catch {
    // A Proxy that refuses: a plain Error stands in.
  }
  const copy = Object.create(prototype);
  for (const key of ['name', 'message', 'code', 'stack']) {
    if (described[key] === undefined) continue;
    Object.defineProperty(copy, key, {
      value: described[key],
      writable: true,
      configurable: true,
      enumerable: key === 'code',
    });
  }
  if (described.cause !== undefined) {
    let inner;
    try {
      inner = original.cause;
    } catch {
      inner = undefined;
    }
    Object.defineProperty(copy, 'cause', {
      value: redactedCopy(inner, described.cause),
      writable: true,
      configurable: true,
    });
  }
  return copy;
}
