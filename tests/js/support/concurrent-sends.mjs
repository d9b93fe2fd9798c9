// Sends through one client, a fixed number at a time, to a real server, and
// prints the JS heap before and after as one JSON line. Run by
// tests/js/faults.test.mjs in a child process with --expose-gc, whose stderr
// is checked for warnings (a MaxListenersExceededWarning is one).
//   node --expose-gc concurrent-sends.mjs <baseUrl> <apiKey> <total> <atOnce>
import { Contiguity } from 'contiguity-imessage';

const [baseUrl, apiKey, total, atOnce] = process.argv.slice(2);
const im = new Contiguity(apiKey, { baseUrl }).imessage;

let sent = 0;
/** `count` sends, `atOnce` in flight at any time; each must succeed. */
async function send(count) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const { message_id } = await im.send({ to: '+15551234567', message: `m${index}` });
      if (!/^imsg_/.test(message_id)) throw new Error(`send ${index}: ${message_id}`);
      sent++;
    }
  };
  await Promise.all(Array.from({ length: Number(atOnce) }, worker));
}

/** The heap after a few collections (undici frees some objects a tick later). */
async function heap() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.memoryUsage().heapUsed;
}

// A fifth of the sends warm up (code compiled, connections pooled; fetch
// itself keeps some of what it allocates then), then the heap is measured
// after each half of the rest: a leak grows it in the second half too.
const warmUp = Math.floor(Number(total) / 5);
const half = Math.floor((Number(total) - warmUp) / 2);
await send(warmUp);
const start = await heap();
await send(half);
const middle = await heap();
await send(Number(total) - warmUp - half);
const end = await heap();
console.log(JSON.stringify({ sent, firstHalfGrowthBytes: middle - start, secondHalfGrowthBytes: end - middle }));
