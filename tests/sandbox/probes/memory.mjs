// Sends N messages of about 1 MB each to a fresh sandbox and prints, as one
// JSON line, the JS heap in use (after a full GC) before and after, in bytes.
// Run with --expose-gc:  node --expose-gc tests/sandbox/probes/memory.mjs 200
import { startSandbox } from '../../../pkg-template/sandbox/index.js';

const count = Number(process.argv[2] ?? 200);
const sandbox = await startSandbox();
const heap = () => { globalThis.gc(); return process.memoryUsage().heapUsed; };
const message = 'x'.repeat(1024 * 1024 - 100); // under the 1 MiB body limit once wrapped in JSON
const before = heap();
for (let i = 0; i < count; i += 1) {
  const response = await fetch(`${sandbox.url}/send/imessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Token contiguity_sk_sandbox_test_key' },
    body: JSON.stringify({ to: '+15551234567', message }),
  });
  if (response.status !== 200) throw new Error(`send ${i} answered ${response.status}`);
  await response.arrayBuffer();
}
const after = heap();
const stored = sandbox.messages().length;
await sandbox.close();
console.log(JSON.stringify({ sends: count, stored, heapBeforeBytes: before, heapAfterBytes: after, rssBytes: process.memoryUsage().rss }));
