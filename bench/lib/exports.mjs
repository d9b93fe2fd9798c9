// The numbers pkg-template/api.js passes to the wasm exports and reads back
// (src/js/client.rs has the same), for the probes that call the exports
// directly as api.js does: steps, cold-steps, awaited-steps, idle-steps.

/** `send`'s index in the engine's `Method::ALL`: `callStart`'s `method`. */
export const SEND = 0;

/** What `callStart` returns for a call it refuses (`callRefusal` says why). */
export const REFUSED = 0xffff_ffff;

/** `callAnswered`'s `kind` for a body parsed by `JSON.parse`. */
export const BODY_PARSED = 0;
