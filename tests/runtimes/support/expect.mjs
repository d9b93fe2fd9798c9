// What every runtime's run of fixtures/scenario.mjs must produce, and what
// the sandbox must have received. One definition, so runtimes cannot drift.
import assert from 'node:assert/strict';

export const EXPORTS = [
  'Contiguity',
  'ContiguityDedupe',
  'ContiguityError',
  'ValidationError',
  'createWebhookHandler',
  'durableObjectStore',
  'kvStore',
  'memoryStore',
  'parseWebhookPayload',
  'toNodeHandler',
  'verifyWebhookRequest',
  'verifyWebhookSignature',
];

export function assertScenario(result, runtime) {
  assert.equal(result.runtime, runtime);
  assert.deepEqual(result.exports, EXPORTS);
  assert.match(result.sent.messageId, /^imsg_/);
  assert.equal(result.sent.object, 'response');
  assert.deepEqual(result.history, { found: true, to: '+15557654321', from: '+15550001111' });
  assert.deepEqual(result.validation, {
    name: 'ValidationError',
    isError: true,
    isValidationError: true,
    isContiguityError: false,
    code: null,
    status: null,
    issuePaths: ['to', 'message'],
    mentionsWrongKey: false,
  });
  // Every refusal's stack starts at the caller's line, in every runtime;
  // in Bun too, where a tail call into the package had left the cut no
  // frame (pkg-template/api.js, `tried`).
  const callerFirst = { startsWithMessage: true, firstFrameIsCaller: true, hasFrames: true };
  assert.deepEqual(result.validationStack, callerFirst);
  assert.deepEqual(result.otherRefusalStacks, {
    parse: callerFirst,
    verify: callerFirst,
    verifyRequest: callerFirst,
    constructor: callerFirst,
  });
  assert.deepEqual(result.timeout, {
    name: 'ContiguityError',
    isError: true,
    isValidationError: false,
    isContiguityError: true,
    code: 'timeout',
    status: null,
    issuePaths: null,
    mentionsWrongKey: false,
  });
  assert.deepEqual(result.apiError, {
    name: 'ContiguityError',
    isError: true,
    isValidationError: false,
    isContiguityError: true,
    code: 'unauthorized',
    status: 401,
    issuePaths: null,
    mentionsWrongKey: false,
  });
}

/**
 * The sandbox saw exactly the send, the history read, the unauthorized
 * send and the read that timed out: the invalid call sent nothing. Only method, path and status are
 * compared (recorded headers hold the key and must not reach test output).
 */
export async function assertScenarioRequests(sandbox) {
  const requests = (await sandbox.requests()).map(({ method, path, status }) => `${method} ${path} ${status}`);
  assert.deepEqual(requests, [
    'POST /send/imessage 200',
    'GET /conversations/history/imessage/%2B15557654321/%2B15550001111/20 200',
    'POST /send/imessage 401',
    'GET /conversations/history/imessage/%2B15557654321/%2B15550001111/20 0', // held until the client's timeout
  ]);
}

/** What fixtures/webhook-probe.mjs must report in every runtime. */
export function assertWebhookProbe(result) {
  assert.deepEqual(result.valid, {
    string: true,
    bytes: true,
    arrayBuffer: true,
    standalone: true,
    requestIsPromise: true,
    request: true,
    bodyStillReadable: true,
    standaloneRequest: true,
    rotated: true,
    requestLike: true,
    plainHeaders: true,
  });
  assert.equal(result.syncRefusesRequest, 'TypeError');
  for (const [name, value] of Object.entries(result.invalid)) assert.equal(value, false, name);
  assert.equal(Object.keys(result.invalid).length, 8);
  assert.equal(result.parsed.type, 'imessage.incoming');
  assert.equal(result.parsed.data.body, 'héllo 😀');
  assert.equal(result.junk, 'ValidationError');
}
