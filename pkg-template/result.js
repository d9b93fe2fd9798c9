// What the wasm module asks of JS in one call rather than several
// crossings out of it: what kind a value is, an attempt's fetch, and the
// JS objects it hands out. Only literals, spreads and Object.fromEntries
// make those: they define their properties, so no setter a caller put on
// Object.prototype runs (an assignment would run one).

/**
 * What kind of value `value` is, for the wasm module's reads of a caller's
 * value (src/js/boundary.rs has the same numbers): a string as 16 plus its
 * length, so that the wasm learns both at once; a boolean by its value; a
 * number as 7, its value read next. Throws for a revoked Proxy, as
 * `Array.isArray` does. Reads nothing of the value, so no caller's code
 * runs.
 */
export function classOf(value) {
  switch (typeof value) {
    case 'string':
      return 16 + value.length;
    case 'undefined':
      return 1;
    case 'object':
      if (value === null) return 5;
      if (Array.isArray(value)) return 3;
      return isView(value) ? 4 : 2;
    case 'function':
      return 6;
    case 'number':
      return 7;
    case 'boolean':
      return value ? 8 : 9;
    case 'symbol':
      return 10;
    default:
      return 11; // bigint, the one typeof left
  }
}

/** ArrayBuffer.isView, which cannot throw unless a caller replaced it: then, no view. */
function isView(value) {
  try {
    return ArrayBuffer.isView(value);
  } catch {
    return false;
  }
}

/**
 * A success's result (docs/reference.md#results), made from the envelope
 * the wasm module has checked: `data`'s own fields (a `metadata` of its own
 * replaced), then `metadata` with the envelope's `id`, `timestamp`,
 * `api_version` and `object` where present. Rest and spread copy own
 * properties, so a `__proto__` key in the data stays data, as `JSON.parse`
 * made it.
 */
export function resultOf(envelope) {
  const { data, id, timestamp, api_version, object } = envelope;
  // The common case, as the service answers, in literals and one spread: a
  // fresh object, whatever made `data`. Defining `metadata` on `data` in
  // place instead is faster in Node 20's V8 and slower in current ones
  // (Deno 2.9's, workerd's): `bench/probes/result-copy.mjs`. The rest
  // pattern and Object.fromEntries below cost several µs a call more over
  // loopback (BENCHMARKS.md, "Over loopback HTTP").
  if (id !== undefined && timestamp !== undefined && api_version !== undefined && object !== undefined && !Object.hasOwn(data, 'metadata')) {
    return { ...data, metadata: { id, timestamp, api_version, object } };
  }
  const { metadata: _replaced, ...fields } = data;
  const metadata = Object.fromEntries(
    ['id', 'timestamp', 'api_version', 'object'].filter((key) => envelope[key] !== undefined).map((key) => [key, envelope[key]]),
  );
  return { ...fields, metadata };
}

/**
 * One attempt's `fetch(url, init)`, `fetch` called on `globalThis` as the
 * global one would be, the init a fresh object each time (a fetch wrapper
 * may add to it) with only what workerd accepts (it throws on `mode`,
 * `credentials` and `cache`). The method the wasm chose comes as `post` (a
 * flag crosses for free; the name would be decoded out of the wasm on
 * every attempt); `body` is undefined for a GET. The API does not
 * redirect; following a redirect could carry the key elsewhere. Returns
 * what fetch returns; what it throws is the wasm's to handle.
 */
export function fetchWith(fetch, url, post, authorization, body, signal) {
  const headers =
    body === undefined
      ? { Authorization: authorization, Accept: 'application/json' }
      : { 'Content-Type': 'application/json', Authorization: authorization, Accept: 'application/json' };
  return Reflect.apply(fetch, globalThis, [url, { method: post ? 'POST' : 'GET', headers, body, signal, redirect: 'manual' }]);
}
