// Which package the suite is running against (see vitest.config.js), for
// the few assertions where contiguity-imessage differs from the official SDK
// on purpose (docs/differences.md). Everything else is asserted the same way
// for both.
export const SDK = process.env.DROPIN_SDK;
export const OFFICIAL = SDK === 'contiguity';

/** The expectation for the package under test, where the two differ on purpose. */
export const expected = ({ official, ours }) => (OFFICIAL ? official : ours);

/** The envelope a 2xx from the Contiguity API carries, around `data`. */
export const ENVELOPE = { id: 'req_test', timestamp: 1785362400000, api_version: 'v2026.8.2', object: 'response' };

/** A 200 answer wrapping `data`, as the service sends it. */
export function apiResponse(data) {
  return new Response(JSON.stringify({ ...ENVELOPE, data }), {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** An error answer: the service's error envelope with `data: { error, status, ...extra }`. */
export function apiError(status, error, extra = {}) {
  return new Response(
    JSON.stringify({ id: 'err_test', timestamp: 1785362400000, api_version: 'v2026.8.2', object: 'error', data: { error, status, ...extra } }),
    { status, headers: { 'Content-Type': 'application/json' } },
  );
}
