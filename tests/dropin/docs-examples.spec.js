// The Express examples (examples/), written for the official SDK, served
// by real Express on a local port and driven over real HTTP: the sandbox (a
// local Contiguity API) signs and delivers an imessage.incoming webhook to
// them, and records what they send back. The examples call
// https://api.contiguity.com as users' code does; here the global fetch
// sends that host's requests to the sandbox, which is all a test needs to
// do for both packages.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { API_KEY, LEASED, startSandboxProcess, WEBHOOK_SECRET } from '../js/support/sandbox.mjs';
import { expected } from './support/sdk.js';

const CUSTOMER = '+15557654321';
const JSON_HEADERS = { 'content-type': 'application/json' };
const realFetch = globalThis.fetch;
let sandbox;

beforeAll(async () => {
  sandbox = await startSandboxProcess();
  // Read when each example module is first imported (it makes its client then).
  vi.stubEnv('CONTIGUITY_API_KEY', API_KEY);
  vi.stubEnv('CONTIGUITY_WEBHOOK_SECRET', WEBHOOK_SECRET);
  vi.stubGlobal('fetch', (url, init) =>
    realFetch(String(url).replace(/^https:\/\/api\.contiguity\.com\//, `${sandbox.url}/`), init),
  );
});
afterAll(async () => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  await sandbox?.stop();
});
beforeEach(() => sandbox.reset());
afterEach(() => {
  vi.restoreAllMocks();
});

/** Serves an example's Express app on an ephemeral local port. */
async function serve(modulePath) {
  const { default: app } = await import(modulePath);
  const server = await new Promise((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(listening)));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** POSTs `body` with the real fetch, bounded so a hung handler fails the test. */
const post = (url, body, headers = JSON_HEADERS) =>
  realFetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });

/** Method, path and JSON body of each request the sandbox received (never headers: they hold the key). */
const received = async () => (await sandbox.requests()).map(({ method, path, json }) => ({ method, path, json }));

describe('express.raw(), verify(req, secret), parse(req.body), reply(event)', () => {
  let app;
  beforeAll(async () => {
    app = await serve('./examples/raw-webhook.js');
  });
  afterAll(() => app?.close());

  test('a signed delivery is answered 200 and replied to', async () => {
    const { delivery } = await sandbox.incoming({ url: `${app.url}/webhook`, from: CUSTOMER, body: 'Are you open tonight?' });
    expect(delivery.status).toBe(200);
    expect(await received()).toEqual([
      { method: 'POST', path: '/send/imessage', json: { to: CUSTOMER, from: LEASED, message: 'Hi back!' } },
    ]);
  });

  test('a delivery signed with another secret, or not signed, is answered 401 and sends nothing', async () => {
    const forged = await sandbox.incoming({ url: `${app.url}/webhook`, from: CUSTOMER, body: 'Hi', secret: 'whsec_not_ours' });
    expect(forged.delivery.status).toBe(401);
    const unsigned = await post(`${app.url}/webhook`, forged.rawBody);
    expect(unsigned.status).toBe(401);
    expect(await received()).toEqual([]);
  });
});

describe('express.json(), the parsed body as the event for reply(event)', () => {
  let app;
  beforeAll(async () => {
    app = await serve('./examples/json-webhook.js');
  });
  afterAll(() => app?.close());

  test('the reply goes to the sender, from the number written to, with its attachment', async () => {
    const { delivery } = await sandbox.incoming({ url: `${app.url}/webhook`, from: CUSTOMER, body: 'Photo please' });
    expect(delivery).toEqual({ status: 200, body: JSON.stringify({ success: true }) });
    expect(await received()).toEqual([
      {
        method: 'POST',
        path: '/send/imessage',
        json: {
          to: CUSTOMER,
          from: LEASED,
          message: 'Thanks for your iMessage!',
          attachments: ['https://example.com/response.jpg'],
        },
      },
    ]);
  });
});

describe('error handling: instanceof z.ZodError, then instanceof ContiguityError', () => {
  let app;
  let printed;
  beforeAll(async () => {
    app = await serve('./examples/send-errors.js');
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    printed = vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  test('good input is sent', async () => {
    const answer = await post(`${app.url}/notify`, JSON.stringify({ to: CUSTOMER, message: 'Your table is ready' }));
    expect(answer.status).toBe(200);
    const { message_id } = await answer.json();
    expect(await sandbox.messages()).toEqual([
      expect.objectContaining({ id: message_id, direction: 'outgoing', to: CUSTOMER, from: LEASED, message: 'Your table is ready' }),
    ]);
    expect(await received()).toEqual([
      { method: 'POST', path: '/send/imessage', json: { to: CUSTOMER, message: 'Your table is ready' } },
    ]);
    expect(printed).not.toHaveBeenCalled();
  });

  test('bad input takes the z.ZodError branch and sends nothing', async () => {
    const answer = await post(`${app.url}/notify`, JSON.stringify({ to: 'nope' }));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'invalid input' });
    expect(printed).toHaveBeenCalledTimes(1);
    const [label, errors] = printed.mock.calls[0];
    expect(label).toBe('Validation error:');
    // zod 4's ZodError has no `errors` (zod 3's name for issues), so with
    // the official SDK the handler prints undefined; ours keeps it.
    expect(errors).toEqual(
      expected({
        official: undefined,
        ours: [expect.objectContaining({ path: ['to'] }), expect.objectContaining({ path: ['message'] })],
      }),
    );
    expect(await received()).toEqual([]);
  });

  test('a refused key takes the ContiguityError branch with the status', async () => {
    await sandbox.config({ apiKeys: ['contiguity_sk_some_other_key'] });
    try {
      const answer = await post(`${app.url}/notify`, JSON.stringify({ to: CUSTOMER, message: 'Your table is ready' }));
      expect(answer.status).toBe(502);
      expect(await answer.json()).toEqual({ error: 'could not send', status: 401 });
      expect(printed.mock.calls).toEqual([['Contiguity API error:', expect.stringContaining('invalid API key'), 401]]);
      expect(await sandbox.messages()).toEqual([]);
    } finally {
      await sandbox.config({ apiKeys: [API_KEY] });
    }
  });
});
