// The two error classes of the package, made from the wasm module's JSON
// records (see src/js/errors.rs). Every entry re-exports the classes from
// this one module, so `instanceof` holds in Node, Deno and Workers alike.

/** The service or the network failed the call. */
export class ContiguityError extends Error {
  constructor(message, details = {}) {
    super(message);
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

/**
 * The error a record from the wasm module describes: `{ name, message,
 * issues }` or `{ name, message, code, status?, requestId?, data?,
 * retryAfter? }`. Internal: the entries export only the classes.
 */
export function fromRecord(json) {
  const { name, message, issues, ...details } = JSON.parse(json);
  return name === 'ValidationError'
    ? new ValidationError(message, issues)
    : new ContiguityError(message, details);
}
