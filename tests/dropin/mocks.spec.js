// Mocks as users of the official SDK write them, beyond the service's own
// answers: one Response handed to every call (`mockResolvedValue`), plain
// objects standing in for a Response, and errors made with the official
// constructor. Every expectation holds for both packages.
import { afterEach, expect, test, vi } from 'vitest';
import { Contiguity, ContiguityError } from 'contiguity';
import { apiError, expected } from './support/sdk.js';

const KEY = 'contiguity_sk_test';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

test('one 503 Response for every attempt: the error is the 503', async () => {
  // Ours retries a read on 503, and every retry gets the same Response,
  // whose body was read by the first attempt.
  vi.useFakeTimers();
  const fetch = vi.fn().mockResolvedValue(apiError(503, 'Service Unavailable'));
  vi.stubGlobal('fetch', fetch);
  const call = new Contiguity(KEY).imessage.get('imsg_1');
  const outcome = expect(call).rejects.toMatchObject({ status: 503, message: 'Service Unavailable' });
  await vi.runAllTimersAsync();
  await outcome;
  expect(fetch).toHaveBeenCalledTimes(expected({ official: 1, ours: 3 }));
});

test('a plain object without a status: the status its body states', async () => {
  vi.stubGlobal(
    'fetch',
    vi.fn().mockResolvedValue({ ok: false, json: async () => ({ data: { error: 'bad things', status: 400 } }) }),
  );
  await expect(new Contiguity(KEY).imessage.send({ to: '+15551234567', message: 'Hi' })).rejects.toMatchObject({
    status: 400,
    message: 'bad things',
  });
});

test('a plain object that is not ok is never a success, whatever status its body states', async () => {
  for (const status of [200, 204, 200.5]) {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue({ ok: false, json: async () => ({ data: { error: 'bad', status } }) }));
    await expect(new Contiguity(KEY).imessage.send({ to: '+15551234567', message: 'Hi' })).rejects.toThrow();
  }
});

test("the official ContiguityError constructor: (message, status, code, data)", () => {
  const error = new ContiguityError('Rate limited', 429, 'rate_limited', { agreement_url: 'https://example.com/a' });
  expect(error).toBeInstanceOf(Error);
  expect(error).toMatchObject({
    name: 'ContiguityError',
    message: 'Rate limited',
    status: 429,
    code: 'rate_limited',
    data: { agreement_url: 'https://example.com/a' },
  });
  expect(new ContiguityError('Not found', 404).status).toBe(404);
});

test('a ContiguityError made by a mock is what the call rejects with', async () => {
  vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new ContiguityError('Rate limited', 429)));
  const error = await new Contiguity(KEY).imessage.typing({ to: '+15551234567', action: 'start' }).catch((e) => e);
  expect(error).toBeInstanceOf(ContiguityError);
  // Ours wraps what fetch threw as the cause of a network_error.
  expect(expected({ official: error, ours: error.cause })).toMatchObject({ status: 429 });
});
