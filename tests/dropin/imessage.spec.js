// The iMessage calls, tested the way a user of the official SDK tests them:
// the global fetch stubbed with vi.fn(), answered with the service's
// envelope (often with nothing but `data: {}`), and assertions on
// fetch.mock.calls. Every expectation holds for the official SDK; where
// contiguity-imessage differs on purpose, `expected` picks the value for the
// package under test (each such difference is in docs/differences.md).
import { createServer } from 'node:net';
import { format } from 'node:util';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Contiguity, ContiguityError } from 'contiguity';
import { apiError, apiResponse, ENVELOPE, expected } from './support/sdk.js';

const KEY = 'contiguity_sk_test';
const ALICE = '+15551234567';
const LEASED = '+15550001111';
const API = 'https://api.contiguity.com';

// An imessage.incoming event as a webhook delivers it.
const INCOMING = {
  id: 'evt_1',
  type: 'imessage.incoming',
  timestamp: 1785362400,
  api_version: 'v2026.8.2',
  data: { from: ALICE, to: LEASED, body: 'Hi', timestamp: 1785362400 },
};

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A vi.fn() fetch installed globally, answering every call with `answer()`. */
function stubFetch(answer = () => apiResponse({})) {
  const fetch = vi.fn(async () => answer());
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

/** The error and every `cause` under it. */
function causeChain(error) {
  const chain = [];
  for (let link = error; link != null && chain.length < 10; link = link.cause) chain.push(link);
  return chain;
}

// What both put beside data's fields. The official SDK turns the envelope's
// numeric timestamp into a string; ours keeps the number.
const METADATA = {
  ...ENVELOPE,
  timestamp: expected({ official: String(ENVELOPE.timestamp), ours: ENVELOPE.timestamp }),
};

// Each method: the call, then the request it must make.
const CALLS = [
  ['send', (im) => im.send({ to: ALICE, message: 'Hello!' }), 'POST', `${API}/send/imessage`, { to: ALICE, message: 'Hello!' }],
  ['reply', (im) => im.reply(INCOMING, { message: 'Hi back!' }), 'POST', `${API}/send/imessage`, { to: ALICE, from: LEASED, message: 'Hi back!' }],
  ['typing', (im) => im.typing({ to: ALICE, action: 'start' }), 'POST', `${API}/send/imessage/typing`, { to: ALICE, action: 'start' }],
  [
    'react',
    (im) => im.react('add', { to: ALICE, from: LEASED, tapback: 'love', message: 'Hello!' }),
    'POST',
    `${API}/send/imessage/reactions`,
    { to: ALICE, from: LEASED, tapback: 'love', message: 'Hello!', action: 'add' },
  ],
  ['read', (im) => im.read({ to: ALICE, from: LEASED }), 'POST', `${API}/send/imessage/read`, { to: ALICE, from: LEASED }],
  ['history', (im) => im.history({ to: ALICE, from: LEASED }), 'GET', `${API}/conversations/history/imessage/%2B15551234567/%2B15550001111/20`, undefined],
  ['get', (im) => im.get('imsg_1'), 'GET', `${API}/conversations/history/message/imsg_1`, undefined],
];

describe('a 2xx envelope is a success, whatever data holds', () => {
  test.each(CALLS)('%s with data: {} resolves with the envelope metadata', async (_name, call) => {
    stubFetch();
    const result = await call(new Contiguity(KEY).imessage);
    expect(result).toEqual({ metadata: METADATA });
  });

  test('data fields come back as sent, also ones the SDK does not know', async () => {
    const data = { message_id: 'imsg_1', status: 'queued', added_later: { nested: [1, 2] } };
    stubFetch(() => apiResponse(data));
    const result = await new Contiguity(KEY).imessage.send({ to: ALICE, message: 'Hello!' });
    expect(result).toEqual({ ...data, metadata: METADATA });
    expect(result.message_id).toBe('imsg_1');
  });

  test('history hands back the conversation as the service sent it', async () => {
    const conversation = [{ id: 'imsg_1', from: LEASED, to: ALICE, message: 'Hello!', timestamp: 1785362400 }];
    stubFetch(() => apiResponse({ conversation }));
    const result = await new Contiguity(KEY).imessage.history({ to: ALICE, from: LEASED, limit: 5 });
    expect(result.conversation).toEqual(conversation);
    expect(fetch.mock.calls[0][0]).toBe(`${API}/conversations/history/imessage/%2B15551234567/%2B15550001111/5`);
  });
});

describe('the request each method makes', () => {
  test.each(CALLS)('%s', async (_name, call, method, url, body) => {
    const fetch = stubFetch();
    await call(new Contiguity(KEY).imessage);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [calledUrl, init] = fetch.mock.calls[0];
    expect(calledUrl).toBe(url);
    expect(init.method).toBe(method);
    expect(init.headers.Authorization).toBe(`Token ${KEY}`);
    if (body === undefined) expect(init.body).toBeUndefined();
    else expect(JSON.parse(init.body)).toEqual(body);
  });

  test('a send matches toHaveBeenCalledWith(url, expect.objectContaining(...))', async () => {
    const fetch = stubFetch();
    await new Contiguity(KEY).imessage.send({ to: ALICE, message: 'Hello!' });
    expect(fetch).toHaveBeenCalledWith(
      `${API}/send/imessage`,
      expect.objectContaining({
        method: 'POST',
        headers: expect.objectContaining({ 'Content-Type': 'application/json', Authorization: `Token ${KEY}` }),
        body: JSON.stringify({ to: ALICE, message: 'Hello!' }),
      }),
    );
  });

  test('headers and init fields beyond those (a deliberate difference)', async () => {
    const fetch = stubFetch();
    const contiguity = new Contiguity(KEY);
    await contiguity.imessage.send({ to: ALICE, message: 'Hello!' });
    await contiguity.imessage.get('imsg_1');
    const [[, post], [, get]] = fetch.mock.calls;
    // Ours asks for JSON, and says the body is JSON only when there is one.
    expect(post.headers.Accept).toBe(expected({ official: undefined, ours: 'application/json' }));
    expect(get.headers['Content-Type']).toBe(expected({ official: 'application/json', ours: undefined }));
    // Ours also passes an abort signal (its per-attempt timeout) and
    // redirect: 'manual', so a test that compares the whole init with
    // toEqual must use expect.objectContaining instead.
    expect(Object.keys(post).sort()).toEqual(
      expected({ official: ['body', 'headers', 'method'], ours: ['body', 'headers', 'method', 'redirect', 'signal'] }),
    );
  });
});

describe('tracking', () => {
  // contiguity@0.1.2 (the version installed here) takes no tracking option:
  // get() ignores its second argument and history() builds its URL from to,
  // from and limit only. Ours asks the service for tracking when told to.
  const TRACKED = expected({ official: '', ours: '?tracking=true' });

  test('get(id, { tracking: true }) adds ?tracking=true; null and false add nothing', async () => {
    const fetch = stubFetch();
    const contiguity = new Contiguity(KEY);
    await contiguity.imessage.get('imsg_1', { tracking: true });
    await contiguity.imessage.get('imsg_1', { tracking: null });
    await contiguity.imessage.get('imsg_1', { tracking: false });
    await contiguity.imessage.get('imsg_1', {});
    const urls = fetch.mock.calls.map(([url]) => url);
    const plain = `${API}/conversations/history/message/imsg_1`;
    expect(urls).toEqual([`${plain}${TRACKED}`, plain, plain, plain]);
  });

  test('history with tracking', async () => {
    const fetch = stubFetch();
    const contiguity = new Contiguity(KEY);
    await contiguity.imessage.history({ to: ALICE, from: LEASED, tracking: true });
    await contiguity.imessage.history({ to: ALICE, from: LEASED, tracking: false });
    await contiguity.imessage.history({ to: ALICE, from: LEASED, limit: 5, tracking: true });
    const urls = fetch.mock.calls.map(([url]) => url);
    const base = `${API}/conversations/history/imessage/%2B15551234567/%2B15550001111`;
    expect(urls).toEqual([`${base}/20${TRACKED}`, `${base}/20`, `${base}/5${TRACKED}`]);
  });
});

describe('errors from the service', () => {
  test('an error envelope rejects with a ContiguityError carrying status and message', async () => {
    stubFetch(() => apiError(404, 'Not Found: no message with id "imsg_missing"'));
    const call = new Contiguity(KEY).imessage.get('imsg_missing');
    await expect(call).rejects.toBeInstanceOf(ContiguityError);
    await expect(call).rejects.toThrow('no message with id "imsg_missing"');
    await expect(call).rejects.toMatchObject({ name: 'ContiguityError', status: 404 });
  });

  test('a 403 carries data.agreement_url', async () => {
    const agreement_url = 'https://contiguity.com/agreements/fast-track';
    stubFetch(() => apiError(403, 'Forbidden: fast_track requires accepting the Fast Track Terms', { agreement_url }));
    const error = await new Contiguity(KEY).imessage.send({ to: ALICE, message: 'Hello!', fast_track: true }).catch((e) => e);
    expect(error).toBeInstanceOf(ContiguityError);
    expect(error.status).toBe(403);
    expect(error.data.agreement_url).toBe(agreement_url);
  });

  // Retries are a deliberate difference: the official SDK never retries;
  // ours retries reads on 429/502/503/504 with a backoff, which fake timers
  // skip, and sends only on 429 (a 5xx send may have gone out).
  test('a 503 on a read rejects with status 503; fake timers run any retries', async () => {
    vi.useFakeTimers();
    const fetch = stubFetch(() => apiError(503, 'Service Unavailable'));
    const rejected = expect(new Contiguity(KEY).imessage.get('imsg_1')).rejects.toMatchObject({ status: 503 });
    await vi.runAllTimersAsync();
    await rejected;
    expect(fetch).toHaveBeenCalledTimes(expected({ official: 1, ours: 3 }));
  });

  test('a 503 on a send is never retried', async () => {
    vi.useFakeTimers();
    const fetch = stubFetch(() => apiError(503, 'Service Unavailable'));
    const rejected = expect(new Contiguity(KEY).imessage.send({ to: ALICE, message: 'Hello!' })).rejects.toMatchObject({ status: 503 });
    await vi.runAllTimersAsync();
    await rejected;
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test('a 429 on a send is retried by ours: a rate-limited send was not acted on', async () => {
    vi.useFakeTimers();
    const fetch = stubFetch(() => {
      const response = apiError(429, 'Too Many Requests');
      response.headers.set('Retry-After', '1');
      return response;
    });
    const rejected = expect(new Contiguity(KEY).imessage.send({ to: ALICE, message: 'Hello!' })).rejects.toMatchObject({ status: 429 });
    await vi.runAllTimersAsync();
    await rejected;
    expect(fetch).toHaveBeenCalledTimes(expected({ official: 1, ours: 3 }));
  });

  test('a fetch that never answers: ours aborts it after timeoutMs (a deliberate difference)', async () => {
    // Only the timers are faked, so setImmediate below still lets pending
    // promise callbacks run. The stub behaves as a real fetch does when its
    // signal aborts; the official SDK passes no signal and sets no timeout.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal(
      'fetch',
      vi.fn((_url, init) => new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal.reason)))),
    );
    let outcome = 'pending';
    new Contiguity(KEY, { timeoutMs: 1000, maxRetries: 0 }).imessage
      .get('imsg_1')
      .then(() => (outcome = 'resolved'), (error) => (outcome = error.code));
    await vi.advanceTimersByTimeAsync(1000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toBe(expected({ official: 'pending', ours: 'timeout' }));
  });

  test('a fetch that never answers and ignores its signal: ours still stops at timeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal('fetch', vi.fn(() => new Promise(() => {})));
    let outcome = 'pending';
    new Contiguity(KEY, { timeoutMs: 1000, maxRetries: 0 }).imessage
      .get('imsg_1')
      .then(() => (outcome = 'resolved'), (error) => (outcome = error.code));
    await vi.advanceTimersByTimeAsync(1000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toBe(expected({ official: 'pending', ours: 'timeout' }));
  });

  test('maxRetries: 0 answers with the first failure, on real timers', async () => {
    // The official SDK has no such option and ignores it.
    const fetch = stubFetch(() => apiError(503, 'Service Unavailable'));
    await expect(new Contiguity(KEY, { maxRetries: 0 }).imessage.get('imsg_1')).rejects.toMatchObject({ status: 503 });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('network failures keep what fetch threw', () => {
  test('a rejected vi.fn() fetch: its error is in the cause chain', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    const thrown = new TypeError('fetch failed', { cause: refused });
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(thrown));
    const error = await new Contiguity(KEY, { maxRetries: 0 }).imessage.get('imsg_1').catch((e) => e);
    expect(error.message).toContain('fetch failed');
    expect(causeChain(error)).toContain(thrown);
    expect(causeChain(error)).toContain(refused);
    // The official SDK lets fetch's error through as it is; ours wraps it
    // in a ContiguityError whose cause it is.
    expect(error).toBeInstanceOf(expected({ official: TypeError, ours: ContiguityError }));
    expect(causeChain(error).indexOf(thrown)).toBe(expected({ official: 0, ours: 1 }));
  });

  test("a real refused connection: undici's TypeError and its ECONNREFUSED cause", async () => {
    const port = await closedPort();
    const realFetch = globalThis.fetch;
    vi.stubGlobal(
      'fetch',
      vi.fn((url, init) => realFetch(url.replace(API, `http://127.0.0.1:${port}`), init)),
    );
    const error = await new Contiguity(KEY, { maxRetries: 0 }).imessage.send({ to: ALICE, message: 'Hello!' }).catch((e) => e);
    const chain = causeChain(error);
    expect(chain.some((link) => link instanceof TypeError && link.message === 'fetch failed')).toBe(true);
    expect(chain.some((link) => link.code === 'ECONNREFUSED')).toBe(true);
    expect(error).toBeInstanceOf(expected({ official: TypeError, ours: ContiguityError }));
    expect(error.code).toBe(expected({ official: undefined, ours: 'network_error' }));
    expect(error.cause).toBeInstanceOf(expected({ official: Error, ours: TypeError }));
  });
});

/** A local port nothing listens on: bound, then released. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('bad input', () => {
  test('a send without a message rejects and fetches nothing', async () => {
    const fetch = stubFetch();
    await expect(new Contiguity(KEY).imessage.send({ to: ALICE })).rejects.toThrow();
    await expect(new Contiguity(KEY).imessage.typing({ to: ALICE, action: 'dance' })).rejects.toThrow();
    await expect(new Contiguity(KEY).imessage.react('spin', { to: ALICE, from: LEASED, tapback: 'love', message: 'x' })).rejects.toThrow();
    expect(fetch).not.toHaveBeenCalled();
  });

  test('an unknown key such as fastTrack (a deliberate difference)', async () => {
    const fetch = stubFetch();
    const outcome = await new Contiguity(KEY).imessage
      .send({ to: ALICE, message: 'Hello!', fastTrack: true })
      .then(() => 'sent', (error) => error.issues);
    // The official SDK's schemas let unknown keys through into the body;
    // ours refuses them before anything is sent.
    expect(outcome).toEqual(
      expected({
        official: 'sent',
        ours: [expect.objectContaining({ code: 'unrecognized_keys', message: expect.stringContaining('"fastTrack"') })],
      }),
    );
    expect(fetch.mock.calls.map(([, init]) => JSON.parse(init.body))).toEqual(
      expected({ official: [{ to: ALICE, message: 'Hello!', fastTrack: true }], ours: [] }),
    );
  });
});

describe('the client', () => {
  test('new Contiguity() takes the key from CONTIGUITY_API_KEY, or else CONTIGUITY_TOKEN', async () => {
    const fetch = stubFetch();
    vi.stubEnv('CONTIGUITY_API_KEY', 'contiguity_sk_from_api_key');
    vi.stubEnv('CONTIGUITY_TOKEN', 'contiguity_sk_from_token');
    await new Contiguity().imessage.send({ to: ALICE, message: 'Hello!' });
    vi.stubEnv('CONTIGUITY_API_KEY', undefined);
    await new Contiguity().imessage.send({ to: ALICE, message: 'Hello!' });
    expect(fetch.mock.calls.map(([, init]) => init.headers.Authorization)).toEqual([
      'Token contiguity_sk_from_api_key',
      'Token contiguity_sk_from_token',
    ]);
  });

  test('no key, or one that is not a Contiguity key, throws without repeating it', () => {
    vi.stubEnv('CONTIGUITY_API_KEY', undefined);
    vi.stubEnv('CONTIGUITY_TOKEN', undefined);
    expect(() => new Contiguity()).toThrow(/CONTIGUITY_API_KEY/);
    expect(() => new Contiguity('sk_live_abc123secret')).toThrow(/contiguity_sk_/);
    expect(() => new Contiguity('sk_live_abc123secret')).not.toThrow(/abc123secret/);
  });

  test('debug logs the URL, never the key', async () => {
    stubFetch();
    const logged = [];
    for (const level of ['log', 'debug', 'info', 'warn', 'error']) {
      vi.spyOn(console, level).mockImplementation((...args) => logged.push(format(...args)));
    }
    await new Contiguity(KEY, { debug: true }).imessage.send({ to: ALICE, message: 'a secret plan' });
    expect(logged.some((line) => line.includes(`${API}/send/imessage`))).toBe(true);
    expect(logged.some((line) => line.includes(KEY))).toBe(false);
    // The official SDK logs the request body too; ours never logs a body.
    expect(logged.join('\n').includes('a secret plan')).toBe(expected({ official: true, ours: false }));
  });
});

describe('a 2xx that is not a success envelope (a deliberate difference)', () => {
  // The official SDK spreads whatever `data` is (nothing, here) or fails in
  // res.json(); ours rejects with invalid_response, so a broken answer is
  // never mistaken for a sent message.
  const BODIES = [
    ['not JSON', '<html>OK</html>', expected({ official: 'SyntaxError', ours: 'invalid_response' })],
    ['JSON without data', JSON.stringify(ENVELOPE), expected({ official: 'resolved', ours: 'invalid_response' })],
    ['an error envelope', JSON.stringify({ ...ENVELOPE, object: 'error', data: { error: 'boom', status: 500 } }), expected({ official: 'resolved', ours: 'invalid_response' })],
  ];

  test.each(BODIES)('%s', async (_name, body, outcome) => {
    stubFetch(() => new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } }));
    const result = await new Contiguity(KEY).imessage.send({ to: ALICE, message: 'Hello!' }).then(
      () => 'resolved',
      (error) => (error instanceof ContiguityError ? error.code : error.name),
    );
    expect(result).toBe(outcome);
  });
});
