// The typings as TypeScript users get them from the installed tarball, with
// `"module": "node16"` (the strictest resolution about module formats):
// `require()` from a CommonJS file (.cts) and `import` from an ES module
// (.mts) both get the package's types. Each file also misuses the API once
// under @ts-expect-error, so a package that typed everything as `any`, or
// nothing, fails the check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bin, makeConsumer, nodeEnv } from '../runtimes/support/consumer.mjs';
import { run } from '../runtimes/support/process.mjs';

const usage = (load) => `${load}
const { Contiguity, ValidationError } = imessage;

async function main(): Promise<string> {
  const contiguity = new Contiguity('contiguity_sk_types_probe');
  const sent = await contiguity.imessage.send({ to: '+15551234567', message: 'hello' });
  // @ts-expect-error: not a send parameter
  await contiguity.imessage.send({ to: '+15551234567', message: 'hello', fastTrack: true });
  const valid: boolean = contiguity.webhook.verify('{}', 't=1,v1=00', 'whsec_types_probe');
  const isValidation = new Error() instanceof ValidationError;
  return sent.message_id + String(valid) + String(isValidation);
}
main();
`;

const TSCONFIG = {
  compilerOptions: {
    module: 'node16',
    moduleResolution: 'node16',
    target: 'es2022',
    lib: ['es2022', 'dom'],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: [],
  },
  files: ['require.cts', 'import.mts'],
};

test('TypeScript (module node16): require() and import both get the types', { timeout: 60_000 }, async () => {
  const consumer = await makeConsumer('types-node16', {
    files: {
      'tsconfig.json': JSON.stringify(TSCONFIG),
      'require.cts': usage("import imessage = require('contiguity-imessage');"),
      'import.mts': usage("import * as imessage from 'contiguity-imessage';"),
    },
  });
  const result = await run(bin('tsc'), ['-p', '.', '--traceResolution'], { cwd: consumer, env: nodeEnv(), timeoutMs: 45_000 });
  assert.equal(result.code, 0, result.stdout.split('\n').filter((line) => /error TS/.test(line)).join('\n'));
  // Each file resolved its own typings: the CommonJS ones for require().
  assert.match(result.stdout, /'contiguity-imessage' was successfully resolved to '[^']*\/index\.d\.cts'/);
  assert.match(result.stdout, /'contiguity-imessage' was successfully resolved to '[^']*\/index\.d\.ts'/);
});
