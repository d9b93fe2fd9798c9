// What the README says of zod 3: a ValidationError is not a zod 3 ZodError
// (zod 3 checks the class), but its `errors` and `issues` are the same list,
// zod 3's and zod 4's names for it. zod 4 is tested in tests/dropin/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod3';
import { Contiguity, ValidationError } from 'contiguity-imessage';

test('with zod 3, a ValidationError is no ZodError, and errors is issues', async () => {
  assert.match(z.ZodError.name, /ZodError/);
  const error = await new Contiguity('contiguity_sk_zod3').imessage.send({ to: 'nope' }).then(
    () => assert.fail('should reject'),
    (e) => e,
  );
  assert.ok(error instanceof ValidationError);
  assert.equal(error instanceof z.ZodError, false);
  assert.equal(error.errors, error.issues);
  assert.deepEqual(
    error.issues.map((issue) => issue.path.join('.')),
    ['to', 'message'],
  );
});
