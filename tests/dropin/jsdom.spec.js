// @vitest-environment jsdom
//
// A test file run in vitest's jsdom environment, as projects that test
// their components and their server code in one setup do: jsdom gives the
// test its own globals (Uint8Array among them), while fetch's Response and
// its body's bytes stay Node's.
import { afterEach, expect, test, vi } from 'vitest';
import { Contiguity } from 'contiguity';

afterEach(() => vi.unstubAllGlobals());

test('a Response read from its stream (no Content-Length) in jsdom', async () => {
  vi.stubGlobal('fetch', vi.fn(async () => Response.json({ object: 'response', data: { message_id: 'imsg_1' } })));
  const result = await new Contiguity('contiguity_sk_test').imessage.send({ to: '+15551234567', message: 'Hi' });
  expect(result.message_id).toBe('imsg_1');
});
