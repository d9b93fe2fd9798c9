// Thenables whose `then` calls back with a thenable again, forever, handed
// to the package wherever a caller's code returns a value it waits for: a
// custom fetch, a stub's text(), json() and body reader, a Request-like's
// arrayBuffer() given to verifyRequest, the webhook handler's callbacks,
// options function and store, a KV namespace or Durable Object stub given
// to the package's stores, a handler given to toNodeHandler. Under `await` each would spin the microtask queue forever,
// so no timer, and no test timeout, would ever run again: run in a child
// process (faults.test.mjs kills it after a bound), one JSON line per case,
// { name, outcome, timerRan } where `timerRan` says a timer set before the
// case ran while it was settling.
//   node self-resolving.mjs
import http from 'node:http';
import { once } from 'node:events';
import { createHmac } from 'node:crypto';
import { Contiguity, createWebhookHandler, durableObjectStore, kvStore, toNodeHandler } from 'contiguity-imessage';

const SECRET = 'whsec_self_resolving';
const selfResolving = () => {
  const self = { then: (resolve) => resolve(self) };
  return self;
};
const aTurnLater = () => {
  const self = { then: (resolve) => queueMicrotask(() => resolve(self)) };
  return self;
};
// One that passes for a promise by every check that reads no `then`: it
// says its prototype is Promise.prototype and has no `then` of its own.
const passingForAPromise = () => {
  const self = new Proxy(
    {},
    {
      getPrototypeOf: () => Promise.prototype,
      get: (_, key) => (key === 'then' ? (resolve) => resolve(self) : undefined),
    },
  );
  return self;
};
// A real promise whose `then` makes, and returns, a self-resolving thenable:
// its own `constructor` names the species `then` uses.
const makingOneThroughItsSpecies = () => {
  const promise = Promise.resolve();
  promise.constructor = {
    [Symbol.species]: function MakesOne(executor) {
      executor(() => {}, () => {});
      return selfResolving();
    },
  };
  return promise;
};

const send = (fetch) =>
  new Contiguity('contiguity_sk_self_resolving', { fetch, maxRetries: 0, timeoutMs: 2_000 }).imessage.send({
    to: '+15551234567',
    message: 'hi',
  });
const outcomeOf = (promise) =>
  promise.then(
    (value) => `resolved ${value instanceof Response ? `${value.status} ${value.statusText}`.trim() : JSON.stringify(value)}`,
    (error) => `rejected ${error?.name}${error?.code ? ` ${error.code}` : ''}`,
  );

/** A delivery of an imessage.incoming event, signed with SECRET. */
function delivery() {
  const t = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id: `evt_${Math.random().toString(36).slice(2)}`,
    type: 'imessage.incoming',
    timestamp: t,
    data: { from: '+15557654321', to: '+15550001111', body: 'hi', timestamp: t, attachments: [] },
  });
  const signature = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
  return new Request('http://receiver.test/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'contiguity-signature': `t=${t},v1=${signature}` },
    body,
  });
}
const handlerWith = (options) => createWebhookHandler({ secret: SECRET, apiKey: 'contiguity_sk_self_resolving', onError() {}, ...options });
const answerOf = async (promise) => {
  const response = await promise;
  return `answered ${response.status}`;
};

const CASES = {
  'fetch returns one': () => outcomeOf(send(selfResolving)),
  'fetch returns one that calls back a turn later': () => outcomeOf(send(aTurnLater)),
  'fetch returns one passing for a promise': () => outcomeOf(send(passingForAPromise)),
  "a 200's text() returns one": () => outcomeOf(send(async () => ({ status: 200, headers: new Headers(), text: selfResolving }))),
  "a 200's json() returns one": () => outcomeOf(send(async () => ({ status: 200, json: selfResolving }))),
  "a gzip 200's body reader returns one": () =>
    outcomeOf(
      send(async () => ({
        status: 200,
        headers: new Headers({ 'content-encoding': 'gzip' }),
        body: { getReader: () => ({ read: selfResolving, cancel: async () => {} }) },
      })),
    ),
  'webhook onMessage returns one': () => answerOf(handlerWith({ background: false, onMessage: selfResolving })(delivery())),
  "webhook onMessage returns a promise whose species makes one": () =>
    answerOf(handlerWith({ background: false, onMessage: makingOneThroughItsSpecies })(delivery())),
  'webhook onEvent returns one': () => answerOf(handlerWith({ background: false, onEvent: selfResolving })(delivery())),
  'webhook options function returns one': () => answerOf(createWebhookHandler(selfResolving)(delivery())),
  "webhook store's claim returns one": () =>
    answerOf(
      handlerWith({ dedupe: { claim: selfResolving, complete: async () => {}, release: async () => {} }, onMessage() {} })(delivery()),
    ),
  "webhook store's complete returns one": () =>
    answerOf(
      handlerWith({ background: false, dedupe: { claim: async () => 'claimed', complete: selfResolving, release: async () => {} }, onMessage() {} })(
        delivery(),
      ),
    ),
  "kvStore: the namespace's get returns one": () =>
    answerOf(handlerWith({ dedupe: kvStore({ get: selfResolving, put: async () => {}, delete: async () => {} }), onMessage() {} })(delivery())),
  "kvStore: the namespace's put returns one": () =>
    answerOf(handlerWith({ dedupe: kvStore({ get: async () => null, put: selfResolving, delete: async () => {} }), onMessage() {} })(delivery())),
  "durableObjectStore: the stub's fetch returns one": () =>
    answerOf(handlerWith({ dedupe: durableObjectStore({ idFromName: (name) => name, get: () => ({ fetch: selfResolving }) }), onMessage() {} })(delivery())),
  "durableObjectStore: the answer's text() returns one": () =>
    answerOf(
      handlerWith({
        dedupe: durableObjectStore({ idFromName: (name) => name, get: () => ({ fetch: async () => ({ ok: true, status: 200, text: selfResolving }) }) }),
        onMessage() {},
      })(delivery()),
    ),
  "verifyRequest: a Request-like's arrayBuffer() returns one": () =>
    outcomeOf(new Contiguity('contiguity_sk_self_resolving').webhook.verifyRequest({ headers: new Headers(), arrayBuffer: selfResolving }, SECRET)),
  'a handler given to toNodeHandler returns one': async () => {
    const server = http.createServer(toNodeHandler(selfResolving));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${server.address().port}/`, { method: 'POST', body: '{}' });
      return `answered ${response.status}`;
    } finally {
      server.closeAllConnections();
      server.close();
    }
  },
};

for (const [name, run] of Object.entries(CASES)) {
  let timerRan = false;
  const timer = setTimeout(() => (timerRan = true), 0);
  // A turn for the timer: were the queue left spinning, this would never come.
  const outcome = await run();
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearTimeout(timer);
  console.log(JSON.stringify({ name, outcome, timerRan }));
}
