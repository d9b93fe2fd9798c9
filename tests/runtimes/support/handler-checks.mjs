// The delivery semantics of createWebhookHandler, checked the same way in
// every runtime against a receiver serving fixtures/handler-app.mjs. The
// sandbox signs and delivers each event (POST /__sandbox/incoming) and
// redelivers it (POST /__sandbox/redeliver: the same event, signed anew);
// deliveries at the same moment are its bytes and signature POSTed from
// here, several at once. Runs are counted from the sandbox's recorded sends
// of "echo: <body>". A gate server in this process holds a callback mid-run
// (fixtures/handler-app.mjs), so that "answered before the work" and "the
// work held off a redelivery" are seen, not timed.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';

export const CUSTOMER = '+15557654321';
export const SANDBOX_SECRET = 'whsec_handler_tests_current';
export const NEXT_SECRET = 'whsec_handler_tests_next';
/** What each receiver is configured with: a rotation in progress. */
export const SECRETS = [SANDBOX_SECRET, NEXT_SECRET];

/** Polls `check` (async) until it returns a truthy value; fails after `timeoutMs`. */
export async function waitFor(check, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Holds each request `GET /?id=<event id>` until `release(id)`. `arrived(id)`
 * resolves once a callback is held for that id; `held(id)` counts them.
 */
export async function startGate() {
  const waiting = new Map(); // id -> held responses
  const arrivals = new Map(); // id -> resolve functions
  const server = http.createServer((req, res) => {
    const id = new URL(req.url, 'http://gate').searchParams.get('id');
    waiting.set(id, [...(waiting.get(id) ?? []), res]);
    for (const resolve of arrivals.get(id) ?? []) resolve();
    arrivals.delete(id);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    arrived(id) {
      if (waiting.has(id)) return Promise.resolve();
      return new Promise((resolve) => arrivals.set(id, [...(arrivals.get(id) ?? []), resolve]));
    },
    held: (id) => (waiting.get(id) ?? []).length,
    release(id) {
      for (const res of waiting.get(id) ?? []) res.end('through');
      waiting.delete(id);
    },
    close() {
      for (const id of [...waiting.keys()]) this.release(id);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The `Contiguity-Signature` header of `rawBody` with one `v1=` per secret, made with node:crypto. */
export function signWith(rawBody, secrets, t = Math.floor(Date.now() / 1000)) {
  const signatures = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex')}`);
  return `t=${t},${signatures.join(',')}`;
}

export function checks({ sandbox, gate }) {
  let serial = 0;
  /** A new signed imessage.incoming event, not delivered. */
  const signed = async (label) => {
    serial += 1;
    const body = `${label} #${serial}`;
    const { event, rawBody, signature } = await sandbox.incoming({ from: CUSTOMER, body });
    return { id: event.id, body, rawBody, signature };
  };
  const deliver = async (url, { rawBody, signature }) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'contiguity-signature': signature },
      body: rawBody,
      signal: AbortSignal.timeout(20_000),
    });
    return { status: response.status, text: await response.text() };
  };
  // Sends the sandbox recorded, of this event's echo: [status, ...].
  const sends = async ({ body }) =>
    (await sandbox.requests())
      .filter(({ method, path, json }) => method === 'POST' && path === '/send/imessage' && json?.message === `echo: ${body}`)
      .map(({ status }) => status);
  const runs = async (event) => (await sends(event)).filter((status) => status === 200).length;
  // A delivery once the event's run is over. The sandbox records a reply
  // before the callback has returned and its store has recorded the event
  // done; until then a delivery is told to come back (409), as the
  // service's redelivery would be, and runs nothing.
  const deliverOnceSettled = async (url, event) => {
    let answer;
    await waitFor(async () => {
      answer = answerOf(await deliver(url, event));
      return answer !== '409 event in progress';
    }, `"${event.body}" to settle`);
    return answer;
  };
  const waitForRuns = (event, count) => waitFor(async () => (await runs(event)) === count, `${count} run(s) of "${event.body}"`);

  // What the delivery that runs the event is answered, by mode.
  const RAN = { background: '200 accepted', sync: '200 ok' };
  // A delivery that did not run: done already, or still running elsewhere.
  const isSkipped = (answer) => answer === '200 duplicate' || answer === '409 event in progress';
  const answerOf = ({ status, text }) => `${status} ${text}`;

  return {
    signed,
    deliver,
    runs,

    /** The sandbox delivers an event, then redelivers it twice, one after the other: one run. */
    async inARow(url, mode) {
      serial += 1;
      const body = `in a row #${serial}`;
      const first = await sandbox.incoming({ url, from: CUSTOMER, body });
      const event = { id: first.event.id, body, rawBody: first.rawBody, signature: first.signature };
      const answers = [`${first.delivery.status} ${first.delivery.body}`];
      for (let i = 0; i < 2; i++) {
        const again = await sandbox.redeliver(first.deliveryId);
        assert.equal(again.eventId, event.id);
        answers.push(`${again.status} ${again.responseBody}`);
      }
      assert.equal(answers[0], RAN[mode]);
      for (const answer of answers.slice(1)) assert.ok(isSkipped(answer), answer);
      if (mode === 'sync') assert.deepEqual(answers.slice(1), ['200 duplicate', '200 duplicate']);
      await waitForRuns(event, 1);
      assert.equal(await deliverOnceSettled(url, event), '200 duplicate');
      assert.deepEqual(await sends(event), [200]);
    },

    /** Three deliveries of one event at once: one run. */
    async concurrently(url, mode) {
      const event = await signed('concurrently');
      const answers = (await Promise.all([1, 2, 3].map(() => deliver(url, event)))).map(answerOf);
      assert.equal(answers.filter((answer) => answer === RAN[mode]).length, 1, answers.join(' | '));
      assert.equal(answers.filter(isSkipped).length, 2, answers.join(' | '));
      await waitForRuns(event, 1);
      assert.equal(await deliverOnceSettled(url, event), '200 duplicate');
      assert.deepEqual(await sends(event), [200]);
    },

    /**
     * A callback that throws (its reply refused by the API) is forgotten: the
     * redelivery runs it again. Synchronously the failure is a 500 (so the
     * service redelivers); in the background the 200 was already sent.
     */
    async failureRetried(url, mode, failuresUrl) {
      const event = await signed('fails once');
      await sandbox.inject({ method: 'POST', path: '/send/imessage', status: 400 });
      const first = answerOf(await deliver(url, event));
      assert.equal(first, mode === 'sync' ? '500 internal error' : '200 accepted');
      await waitFor(async () => (await sends(event)).length === 1, 'the refused reply');
      // In the background the claim is released just after the failure:
      // until then a redelivery is told to come back (409), as the service would be.
      assert.equal(await deliverOnceSettled(url, event), RAN[mode]);
      await waitForRuns(event, 1);
      assert.deepEqual(await sends(event), [400, 200]);
      const failures = await (await fetch(failuresUrl, { signal: AbortSignal.timeout(20_000) })).json();
      assert.ok(
        failures.some(({ name, code }) => name === 'ContiguityError' && code === 'bad_request'),
        JSON.stringify(failures),
      );
      for (const secret of SECRETS) assert.ok(!JSON.stringify(failures).includes(secret));
    },

    /** A forged, an unsigned and a stale delivery: 401 with no detail, nothing run. */
    async wrongSignature(url) {
      const forgedBody = `forged #${(serial += 1)}`;
      const forged = await sandbox.incoming({ url, from: CUSTOMER, body: forgedBody, secret: 'whsec_not_ours' });
      assert.equal(forged.delivery.status, 401);
      assert.equal(forged.delivery.body, 'unauthorized');
      const event = await signed('unsigned');
      assert.equal(answerOf(await deliver(url, { ...event, signature: '' })), '401 unauthorized');
      const stale = signWith(event.rawBody, [SANDBOX_SECRET], Math.floor(Date.now() / 1000) - 3600);
      assert.equal(answerOf(await deliver(url, { ...event, signature: stale })), '401 unauthorized');
      assert.deepEqual(await sends({ body: forgedBody }), []);
      assert.deepEqual(await sends(event), []);
      // Still unclaimed: the genuine delivery of the same event runs.
      assert.equal((await deliver(url, event)).status, 200);
      await waitForRuns(event, 1);
    },

    /** Rotation: either secret verifies, and so does a header with both signatures. */
    async rotation(url) {
      for (const secrets of [[SANDBOX_SECRET], [NEXT_SECRET], ['whsec_retired', NEXT_SECRET], SECRETS]) {
        const event = await signed(`signed with ${secrets.length}`);
        assert.equal((await deliver(url, { ...event, signature: signWith(event.rawBody, secrets) })).status, 200);
        await waitForRuns(event, 1);
      }
      const event = await signed('retired only');
      assert.equal(answerOf(await deliver(url, { ...event, signature: signWith(event.rawBody, ['whsec_retired']) })), '401 unauthorized');
    },

    /** Background: the 200 arrives while the callback is held, its reply only after release. */
    async answeredBeforeWork(url) {
      const event = await signed('gate: answered first');
      assert.equal(answerOf(await deliver(url, event)), '200 accepted');
      await gate.arrived(event.id); // the callback runs, after the answer
      assert.equal(await runs(event), 0);
      // Held: a redelivery now is told to come back, and runs nothing.
      assert.equal(answerOf(await deliver(url, event)), '409 event in progress');
      gate.release(event.id);
      await waitForRuns(event, 1);
    },

    /** Sync: no answer while the callback is held; 200 once its reply is sent. */
    async answeredAfterWork(url) {
      const event = await signed('gate: answered last');
      let settled = false;
      const delivery = deliver(url, event).finally(() => (settled = true));
      await gate.arrived(event.id);
      assert.equal(settled, false);
      assert.equal(await runs(event), 0);
      gate.release(event.id);
      assert.equal(answerOf(await delivery), '200 ok');
      assert.equal(await runs(event), 1);
    },

    /**
     * One event delivered to two receivers (two isolates) while the first
     * is held mid-run: with a shared store the second is told to come back
     * and it runs once; with per-isolate memory it runs in both.
     */
    async acrossReceivers(first, second, { shared }) {
      const event = await signed(`gate: two receivers, ${shared ? 'shared' : 'memory'} store`);
      assert.equal(answerOf(await deliver(first, event)), '200 accepted');
      await gate.arrived(event.id);
      const other = answerOf(await deliver(second, event));
      assert.equal(other, shared ? '409 event in progress' : '200 accepted');
      if (!shared) await waitFor(() => gate.held(event.id) === 2, 'the second receiver held too');
      gate.release(event.id);
      await waitForRuns(event, shared ? 1 : 2);
      assert.equal(await deliverOnceSettled(second, event), '200 duplicate');
      assert.equal(await deliverOnceSettled(first, event), '200 duplicate');
    },

    /**
     * Every check of one receiver that answers once its callback is done
     * (no waitUntil: Deno.serve, Bun.serve, a plain Next.js route), its
     * routes at `url(route)`: `memory` and `__failures`.
     */
    async answeringAfterTheCallback(url) {
      await this.inARow(url('memory'), 'sync');
      await this.concurrently(url('memory'), 'sync');
      await this.failureRetried(url('memory'), 'sync', url('__failures'));
      await this.wrongSignature(url('memory'));
      await this.rotation(url('memory'));
      await this.answeredAfterWork(url('memory'));
    },

    /** Deliveries of one event to two receivers at the same moment: one run. */
    async concurrentlyAcrossReceivers(first, second) {
      const event = await signed('two receivers at once');
      const answers = (await Promise.all([first, second, first, second].map((url) => deliver(url, event)))).map(answerOf);
      assert.equal(answers.filter((answer) => answer === '200 accepted').length, 1, answers.join(' | '));
      await waitForRuns(event, 1);
      assert.deepEqual(await sends(event), [200]);
    },
  };
}
