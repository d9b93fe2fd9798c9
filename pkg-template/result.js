// A success's result (docs/reference.md#results), made from the envelope
// the wasm module has checked: `data`'s own fields (a `metadata` of its own
// replaced), then `metadata` with the envelope's `id`, `timestamp`,
// `api_version` and `object` where present. Made here in one call rather
// than a dozen crossings out of the wasm. Rest and spread copy own
// properties, so a `__proto__` key in the data stays data, as `JSON.parse`
// made it.
export function resultOf(envelope) {
  const { metadata: _replaced, ...result } = envelope.data;
  const metadata = {};
  for (const key of ['id', 'timestamp', 'api_version', 'object']) {
    if (envelope[key] !== undefined) metadata[key] = envelope[key];
  }
  result.metadata = metadata;
  return result;
}
