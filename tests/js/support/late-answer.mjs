// One send through a custom fetch that drops the signal (it builds its own
// init, as wrappers do), to a server whose answer starts after the deadline
// and whose body never ends. The call times out; the answer that comes
// later must still be cancelled, or its connection keeps this process
// alive for as long as the server writes (the wrapper keeps the responses
// it saw, so no collection of the response ends it either). Run by
// faults.test.mjs, which waits for this process to exit by itself.
//   node late-answer.mjs <baseUrl> <apiKey>
import { Contiguity } from 'contiguity-imessage';

const [baseUrl, apiKey] = process.argv.slice(2);
const seen = [];
const dropsTheSignal = async (url, init) => {
  const response = await fetch(url, { method: init.method, headers: init.headers, body: init.body });
  seen.push(response);
  return response;
};
const im = new Contiguity(apiKey, { baseUrl, fetch: dropsTheSignal, timeoutMs: 200, maxRetries: 0 }).imessage;
const error = await im.send({ to: '+15551234567', message: 'late' }).catch((thrown) => thrown);
console.log(JSON.stringify({ code: error.code }));
