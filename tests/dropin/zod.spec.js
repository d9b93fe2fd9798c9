// Code written for the official SDK catches bad input with
// `error instanceof z.ZodError` and formats it with zod's own helpers. Ours
// throws a ValidationError instead of a ZodError; it carries zod 4's trait
// marker so those checks keep working with the real zod 4 installed here.
import { expect, test, vi } from 'vitest';
import { z } from 'zod';
import * as sdk from 'contiguity';
import { expected } from './support/sdk.js';

const { Contiguity } = sdk;

/** What send rejects with for `{ to: 'nope' }` (no message), and the fetch stub it must not call. */
async function badSend() {
  const fetch = vi.fn();
  vi.stubGlobal('fetch', fetch);
  try {
    const error = await new Contiguity('contiguity_sk_test').imessage.send({ to: 'nope' }).then(
      () => {
        throw new Error('send with bad input resolved');
      },
      (rejection) => rejection,
    );
    expect(fetch).not.toHaveBeenCalled();
    return error;
  } finally {
    vi.unstubAllGlobals();
  }
}

test('bad input rejects with an error that is instanceof z.ZodError', async () => {
  const error = await badSend();
  expect(error).toBeInstanceOf(Error);
  expect(error).toBeInstanceOf(z.ZodError);
  expect(error).toBeInstanceOf(z.core.$ZodError);
  expect(error.name).toBe(expected({ official: 'ZodError', ours: 'ValidationError' }));
  // Ours exports its class; the official SDK throws zod's own.
  expect(typeof sdk.ValidationError).toBe(expected({ official: 'undefined', ours: 'function' }));
  expect(sdk.ValidationError ? error instanceof sdk.ValidationError : 'no such export').toBe(
    expected({ official: 'no such export', ours: true }),
  );
});

test('the issues name each bad field (ours also checks that to is a number or an email)', async () => {
  const error = await badSend();
  expect(error.issues.map((issue) => issue.path)).toEqual(expected({ official: [['message']], ours: [['to'], ['message']] }));
  for (const issue of error.issues) {
    expect(issue).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  }
});

test("zod's formatting helpers work on it", async () => {
  const error = await badSend();
  const pretty = z.prettifyError(error);
  for (const issue of error.issues) {
    expect(pretty).toContain(`✖ ${issue.message}`);
    expect(pretty).toContain(`→ at ${issue.path.join('.')}`);
  }
  expect(z.flattenError(error).fieldErrors.message).toHaveLength(1);
  expect(z.treeifyError(error).properties.message.errors).toHaveLength(1);
});

test('error.errors, the zod 3 name for issues', async () => {
  const error = await badSend();
  // zod 4's ZodError no longer has it, so the official SDK's errors do not;
  // ours keeps it for handlers written against zod 3.
  expect(error.errors).toEqual(expected({ official: undefined, ours: error.issues }));
});

test('the marker stays out of sight: no _zod in own enumerable keys or in JSON', async () => {
  const error = await badSend();
  expect(Object.keys(error)).not.toContain('_zod');
  expect(Object.keys(JSON.parse(JSON.stringify(error)))).not.toContain('_zod');
  expect(JSON.stringify(error)).not.toContain('traits');
});
