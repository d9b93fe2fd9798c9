// The suite proves something only if 'contiguity' really is the package
// DROPIN_SDK names: with the alias in place it must be contiguity-imessage,
// without it the official SDK.
import { expect, test } from 'vitest';
import * as imported from 'contiguity';
import { SDK, OFFICIAL } from './support/sdk.js';

test(`'contiguity' resolves to ${SDK}`, async () => {
  const named = await import(/* @vite-ignore */ SDK);
  expect(imported.Contiguity).toBe(named.Contiguity);
  // Each package's own mark: the official SDK's email helper, our ValidationError.
  expect(typeof imported.renderReactEmail).toBe(OFFICIAL ? 'function' : 'undefined');
  expect(typeof imported.ValidationError).toBe(OFFICIAL ? 'undefined' : 'function');
});
