// The numbers pkg-template/api.js passes to the wasm exports and reads back
// (src/js/client.rs has the same), for the probes that call the exports
// directly as api.js does: steps, cold-steps, awaited-steps, idle-steps;
// and the way those probes start a package to call them.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, OUR_ENTRY, VALID_SEND } from './sdks.mjs';

/** `send`'s index in the engine's `Method::ALL`: `callStart`'s `method`. */
export const SEND = 0;

/** What `callStart` returns for a call it refuses (`callRefusal` says why). */
export const REFUSED = 0xffff_ffff;

/** `callAnswered`'s `kind` for a body parsed by `JSON.parse`. */
export const BODY_PARSED = 0;

/**
 * The package in `dir` as a caller starts it (this runtime's entry, a
 * client, one valid send, which instantiates the wasm), and its glue, whose
 * exports reach that same instance, and its `api.js` (the same module the
 * entry loaded): `{ imessage, glue, api }`. The client is the
 * instance's first, so its handle is `CLIENT`. The global fetch must answer
 * the send.
 */
export async function startedPackage(dir) {
  const url = (file) => pathToFileURL(join(resolve(dir), file)).href;
  const { Contiguity } = await import(url(OUR_ENTRY));
  const { imessage } = new Contiguity(API_KEY);
  await imessage.send(VALID_SEND);
  return { imessage, glue: await import(url('contiguity_imessage.js')), api: await import(url('api.js')) };
}

/** The handle of an instance's first client, which `startedPackage` makes. */
export const CLIENT = 0;

/**
 * How a build's api.js starts a send, as a function of the params (a call
 * handle, or REFUSED): its `startSend`, which reads the values of `to`,
 * `message` and `from` itself (BENCHMARKS.md, "A send's fields read by
 * api.js"), or, in a build from before it, `callStart` with the params.
 */
export function sendStarter({ glue, api }) {
  return api.startSend ? (params) => api.startSend(CLIENT, params) : (params) => glue.callStart(CLIENT, SEND, params, undefined);
}
