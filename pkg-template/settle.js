// Awaiting a caller's value without letting the runtime adopt it.
//
// `await value` on a thenable calls its `then` from a job of the microtask
// queue; a `then` that calls back with a thenable again (itself, say) makes
// the runtime queue another job, forever. The microtask queue then never
// empties, so no timer runs again: no deadline fires, no other request is
// served, the process hangs at 100% CPU. A custom `fetch`, a stub's
// `text()`, a store's `claim` or a webhook callback can return such a value.
// `settle` follows thenables itself, at most MAX_THENABLES deep, and
// resolves to a box the runtime does not look into (no prototype, so not
// even an Object.prototype.then a caller added can make it a thenable).
//
// What settle cannot help: a caller's own promise resolved with such a
// thenable (`async () => self`) spins in the runtime's jobs whether or not
// anything waits on it.
//
// Also here, for the readers of a caller's streams (api.js, the webhook
// handler): cancelling one quietly, and joining what was read.

const MAX_THENABLES = 32;
const promiseThen = Promise.prototype.then;

/**
 * Whether `value` looks like a promise of this realm that this realm's own
 * `then` can subscribe to without running a caller's code: its prototype is
 * Promise.prototype, and it has no `then` of its own (which `await` would
 * call) and no `constructor` of its own (through whose Symbol.species
 * `then` would make, and return, an object of the caller's). A Proxy can
 * pass this by lying, and so can `Object.create(Promise.prototype)`: `then`
 * refuses both (it checks for a real promise), which is why settle calls
 * it rather than `await`ing what passes. A Proxy whose traps throw (or a
 * revoked one) is not plain: followed, it fails as `await` would make it,
 * when its `then` is read.
 */
function looksPlain(value) {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return Object.getPrototypeOf(value) === Promise.prototype && !Object.hasOwn(value, 'then') && !Object.hasOwn(value, 'constructor');
  } catch {
    return false;
  }
}

/**
 * `{ value }`: what `value` settles to, as `await` would give it; rejects
 * with what it rejects with, or a TypeError after MAX_THENABLES thenables.
 * Never throws: a failure is the promise's rejection.
 */
export function settle(value) {
  if (looksPlain(value)) {
    try {
      return promiseThen.call(value, box);
    } catch {
      // Not a promise after all (a Proxy, say): followed as a thenable below.
    }
  }
  return new Promise((resolve, reject) => {
    let depth = 0;
    const follow = (current) => {
      let then;
      try {
        if ((typeof current === 'object' && current !== null) || typeof current === 'function') then = current.then;
      } catch (thrown) {
        reject(thrown); // a `then` getter that throws, as await would
        return;
      }
      if (typeof then !== 'function') {
        resolve(box(current));
        return;
      }
      if (++depth > MAX_THENABLES) {
        reject(
          new TypeError(
            `contiguity-imessage: a value resolved to a thenable ${MAX_THENABLES} times over and was given up ` +
              '(a `then` that calls back with itself never settles)',
          ),
        );
        return;
      }
      // Only the first callback counts, as for a promise.
      let called = false;
      try {
        then.call(
          current,
          (next) => {
            if (called) return;
            called = true;
            follow(next);
          },
          (reason) => {
            if (called) return;
            called = true;
            reject(reason);
          },
        );
      } catch (thrown) {
        if (!called) {
          called = true;
          reject(thrown);
        }
      }
    };
    follow(value);
  });
}

/**
 * Calls `onFulfilled(settledValue)` or `onRejected(reason)` once `value`
 * settles, as `settle` would: a plain promise is subscribed to directly,
 * with no box and no promise of settle's own; anything else is settled
 * first. The callbacks run from the microtask queue, never at once, and
 * must not throw (nothing handles the promise `then` returns).
 */
export function subscribe(value, onFulfilled, onRejected) {
  if (looksPlain(value)) {
    try {
      promiseThen.call(value, onFulfilled, onRejected);
      return;
    } catch {
      // Not a promise after all: settled below.
    }
  }
  promiseThen.call(settle(value), (settled) => onFulfilled(settled.value), onRejected);
}

function box(value) {
  return { __proto__: null, value };
}

/**
 * Cancels a stream, or a stream reader, that is no longer read, without
 * waiting for it or failing: a stub's `cancel` may be missing, throw, or
 * return anything.
 */
export function cancelQuietly(readable) {
  try {
    settle(readable.cancel()).catch(() => {});
  } catch {
    // Nothing more to do for one that cannot be cancelled.
  }
}

/** The chunks a stream was read in, `size` bytes in all, as one array. */
export function joinChunks(chunks, size) {
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
