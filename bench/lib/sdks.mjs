// The two SDKs under comparison and the inputs every measurement gives them,
// defined once so that the probes, the memory benchmark and the report cannot
// drift apart. Runs in Node and in Deno (the cold-start probe imports it).

export const SDKS = ['ours', 'official'];

/** Bare specifier, resolved from the workspace's node_modules. */
export const SPECIFIER = { ours: 'contiguity-imessage', official: 'contiguity' };

/**
 * The file of our package that this runtime's import resolves to (its
 * export conditions), for the probes that import a package folder by path.
 */
export const OUR_ENTRY = globalThis.Deno ? 'index.deno.js' : 'index.node.js';

// A fake key: it has the prefix the official SDK insists on, and is worthless.
export const API_KEY = 'contiguity_sk_bench';

export const VALID_SEND = { to: '+15551234567', message: 'Hello from the benchmark' };

// Rejected by both without a request: `to` has the wrong type. (An input the
// official SDK's zod schema accepts, such as `to: 'not-a-number'`, is sent by
// it, so it would measure a request on one side and validation on the other.)
export const INVALID_SEND = { to: 15551234567, message: '' };

/** Where both SDKs send every request: the start of each request's URL. */
export const SERVICE = 'https://api.contiguity.com';

/**
 * Points the global fetch at a loopback server (`base`, its URL): each
 * request keeps its path and its init. `around(send)`, when given, is called
 * for each request in the real fetch's place, `send()` making the request
 * (a probe's counter or clock goes there). Both SDKs are redirected the
 * same way: globally. Returns the real fetch.
 */
export function redirectFetchTo(base, around) {
  const realFetch = globalThis.fetch;
  const send = (input, init) => realFetch(base + String(input).slice(SERVICE.length), init);
  globalThis.fetch = around ? (input, init) => around(() => send(input, init)) : send;
  return realFetch;
}

// What the service answers to a send.
export const ENVELOPE = JSON.stringify({
  id: 'req_1',
  timestamp: 1785698220563,
  api_version: 'v2026.8.2',
  object: 'response',
  data: { message_id: 'imsg_1' },
});

/**
 * Replaces the global fetch with one answering every call with the envelope,
 * a fresh Response each time as a real fetch gives. The official SDK has no
 * fetch option, so both SDKs are given the stub the same way: globally (ours
 * looks the global up at call time). Returns a counter of the calls made.
 */
export function stubGlobalFetch() {
  let requests = 0;
  globalThis.fetch = async () => {
    requests += 1;
    return new Response(ENVELOPE, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return () => requests;
}

const floorInit = () => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Authorization: `Token ${API_KEY}` },
  body: JSON.stringify(VALID_SEND),
});

/**
 * The floors of the loopback probes, valid sends made without an SDK
 * through the global fetch (redirected as above): `floor`, the official
 * SDK's request with the body read and parsed, what any client pays; and
 * `floorTimed`, the same with a fresh AbortController whose signal goes
 * to fetch and a deadline timer, what a per-attempt timeout adds.
 */
export const LOOPBACK_FLOORS = {
  floor: async () => (await fetch(`${SERVICE}/send/imessage`, floorInit())).json(),
  floorTimed: async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      return await (await fetch(`${SERVICE}/send/imessage`, { ...floorInit(), signal: controller.signal })).json();
    } finally {
      clearTimeout(timer);
    }
  },
};

/** Imports one SDK (once per process: `import()` caches it) and returns its `imessage`. */
export async function loadIMessage(sdk) {
  const { Contiguity } = await import(SPECIFIER[sdk]);
  return new Contiguity(API_KEY).imessage;
}
