// Hostile inputs, each about 10 MB of its kind where size applies: cyclic,
// aliased, sparse and huge arrays, huge strings, deep nesting, typed-array
// look-alikes, Proxies with throwing traps, a Node request. Reading input
// is synchronous, so a hang would freeze the process: tests/js/
// hostile-input.test.mjs runs this file in a child process, bounded in
// time. Each case prints `{"start":name}` before it runs and its outcome
// after, so a case that hangs is the last one started.
//   node hostile-inputs.mjs [package specifier or path, default contiguity-imessage]
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const PERSON = '+15551234567';
const TEN_MB = 10 << 20;

const cyclic = () => {
  const a = { to: PERSON };
  a.left = a;
  a.right = a;
  return a;
};
/** `v = [v, v]` twenty times: a million paths through 21 arrays. */
const aliased = () => {
  let v = ['leaf'];
  for (let i = 0; i < 20; i++) v = [v, v];
  return v;
};
const deep = (levels, wrap) => {
  let value = 'leaf';
  for (let i = 0; i < levels; i++) value = wrap(value);
  return value;
};
const lookAlike = () => Object.setPrototypeOf({}, Uint8Array.prototype);
const TRAPS = ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'apply', 'construct'];
const throwingProxy = (target = {}) => new Proxy(target, Object.fromEntries(TRAPS.map((trap) => [trap, () => { throw new Error(`${trap} trap`); }])));
const manyKeys = (count) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

/** A real `IncomingMessage` (with its socket and server), from a request to a local server. */
async function incomingMessage() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const received = new Promise((resolve) => server.once('request', (request, response) => resolve({ request, response })));
  const client = http.request({ port: server.address().port, method: 'POST', headers: { 'content-type': 'application/json' } });
  client.on('error', () => {});
  client.end(JSON.stringify({ id: 'evt', type: 'imessage.incoming' }));
  const { request, response } = await received;
  return {
    request,
    close() {
      response.end();
      client.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * Each case: its name, the call (given the package's exports and an
 * IncomingMessage), and what it must give: a ValidationError whose first
 * issue is at `path` (dotted; '' for the root), or `value` for the
 * webhook checks, which answer false rather than throw.
 */
export const CASES = [
  // The review's inputs.
  ['send: a cyclic object under an unknown key', ({ im }) => im.send({ to: PERSON, message: 'hi', junk: cyclic() }), { path: '' }],
  ['send: v = [v, v] twenty deep under an unknown key', ({ im }) => im.send({ to: PERSON, message: 'hi', zz: aliased() }), { path: '' }],
  ['reply: a Node IncomingMessage as the event', ({ im, request }) => im.reply(request, { message: 'hi' }), { path: 'event.data' }],
  ['send: 10,000 invalid attachments', ({ im }) => im.send({ to: PERSON, attachments: Array(10_000).fill('nope') }), { path: 'attachments' }],
  ['send: 30,000 invalid attachments', ({ im }) => im.send({ to: PERSON, attachments: Array(30_000).fill('nope') }), { path: 'attachments' }],
  ['send: new Array(1e6) (sparse) as attachments', ({ im }) => im.send({ to: PERSON, attachments: new Array(1e6) }), { path: 'attachments' }],
  ['send: 1e6 valid attachment URLs', ({ im }) => im.send({ to: PERSON, attachments: Array(1e6).fill('https://x.com/a.png') }), { path: 'attachments' }],
  // Cyclic and aliased values where a check does look.
  ['send: a cyclic object as the params', ({ im }) => im.send(cyclic()), { path: '' }],
  ['send: a cyclic object as the fallback', ({ im }) => im.send({ to: PERSON, message: 'hi', fallback: cyclic() }), { path: 'fallback' }],
  ['send: v = [v, v] as the attachments', ({ im }) => im.send({ to: PERSON, attachments: aliased() }), { path: 'attachments.0' }],
  ['send: v = [v, v] as fallback.when', ({ im }) => im.send({ to: PERSON, message: 'hi', fallback: { when: aliased() } }), { path: 'fallback.when.0' }],
  ['reply: a cyclic event', ({ im }) => { const event = cyclic(); event.data = event; return im.reply(event, { message: 'hi' }); }, { path: 'event.data.from' }],
  // About 10 MB of each kind.
  ['send: a message of 10 M characters', ({ im }) => im.send({ to: PERSON, message: 'x'.repeat(TEN_MB) }), { path: 'message' }],
  ['send: 10 M characters of lone surrogates as the message', ({ im }) => im.send({ to: PERSON, message: '\uD800'.repeat(TEN_MB) }), { path: 'message' }],
  ['send: a recipient of 10 M characters', ({ im }) => im.send({ to: '+1'.padEnd(TEN_MB, '5'), message: 'hi' }), { path: 'to' }],
  ['send: 10 M characters under an unknown key', ({ im }) => im.send({ to: PERSON, message: 'hi', zz: 'x'.repeat(TEN_MB) }), { path: '' }],
  ['send: an array of 10 M strings as attachments', ({ im }) => im.send({ to: PERSON, attachments: Array(TEN_MB).fill('https://x.com/a.png') }), { path: 'attachments' }],
  // One call reads at most 8 Mi characters of text in all: the first seven fit.
  ['send: 10 attachments of 1 M characters each', ({ im }) => im.send({ to: PERSON, attachments: Array(10).fill(`https://x.com/${'a'.repeat(1 << 20)}`) }), { path: 'attachments.7' }],
  // Of 300,000 keys: some 10 MB of heap, and V8's own Object.keys of them
  // is most of the time taken.
  ['send: an object of 300,000 keys as the params', ({ im }) => im.send(manyKeys(3e5)), { path: '' }],
  ['send: an object of 300,000 keys as the fallback', ({ im }) => im.send({ to: PERSON, message: 'hi', fallback: manyKeys(3e5) }), { path: 'fallback' }],
  ['send: fallbacks nested 1e6 deep', ({ im }) => im.send({ to: PERSON, message: 'hi', fallback: deep(1e6, (inner) => ({ when: inner })) }), { path: 'fallback.when' }],
  ['send: attachments nested 1e6 arrays deep', ({ im }) => im.send({ to: PERSON, attachments: deep(1e6, (inner) => [inner]) }), { path: 'attachments.0' }],
  ['send: a 10 MB Uint8Array as the message', ({ im }) => im.send({ to: PERSON, message: new Uint8Array(TEN_MB) }), { path: 'message' }],
  ['send: a 10 MB Buffer as the params', ({ im }) => im.send(Buffer.alloc(TEN_MB)), { path: '' }],
  ['send: a typed-array look-alike as the params', ({ im }) => im.send(lookAlike()), { path: 'to' }],
  ['send: a typed-array look-alike as the attachments', ({ im }) => im.send({ to: PERSON, attachments: lookAlike() }), { path: 'attachments' }],
  ['send: a Proxy whose every trap throws as the params', ({ im }) => im.send(throwingProxy()), { path: '' }],
  ['send: a Proxy whose every trap throws as the recipient', ({ im }) => im.send({ to: throwingProxy(), message: 'hi' }), { path: 'to' }],
  ['send: a Proxy array whose every trap throws as the attachments', ({ im }) => im.send({ to: PERSON, attachments: throwingProxy([]) }), { path: 'attachments' }],
  ['send: an IncomingMessage as the params', ({ im, request }) => im.send(request), { path: '' }],
  ['reply: an IncomingMessage as the params', ({ im, request }) => im.reply({ id: 'e', type: 'imessage.incoming', timestamp: 1, api_version: 'v', data: { from: PERSON, to: '+15550001111', body: 'x', timestamp: 1 } }, request), { path: '' }],
  ['history: a Proxy whose every trap throws', ({ im }) => im.history(throwingProxy()), { path: '' }],
  ['get: an id of 10 M characters', ({ im }) => im.get('a'.repeat(TEN_MB)), { path: 'id' }],
  ['new Contiguity: a Proxy whose every trap throws as the options', ({ Contiguity }) => new Contiguity('contiguity_sk_x', throwingProxy()), { path: '' }],
  ['new Contiguity: an IncomingMessage as the options', ({ Contiguity, request }) => new Contiguity('contiguity_sk_x', request), { path: '' }],
  ['new Contiguity: a key of 10 M characters', ({ Contiguity }) => new Contiguity(`contiguity_sk_${'x'.repeat(TEN_MB)}`), { path: 'apiKey' }],
  // The webhook functions: a sender's bytes and a framework's objects.
  ['webhook.parse: a typed-array look-alike', ({ parseWebhookPayload }) => parseWebhookPayload(lookAlike()), { path: 'id' }],
  ['webhook.parse: a cyclic object', ({ parseWebhookPayload }) => parseWebhookPayload(cyclic()), { path: 'id' }],
  ['webhook.parse: a Proxy whose every trap throws', ({ parseWebhookPayload }) => parseWebhookPayload(throwingProxy()), { path: 'id' }],
  ['webhook.parse: an IncomingMessage', ({ parseWebhookPayload, request }) => parseWebhookPayload(request), { path: 'id' }],
  // JSON.parse itself takes seconds for 5 M levels; 1 M show the same.
  ['webhook.parse: JSON arrays nested 1e6 deep', ({ parseWebhookPayload }) => parseWebhookPayload('['.repeat(1e6) + ']'.repeat(1e6)), { path: '' }],
  // An event of an unknown type is returned as parsed, however big.
  ['webhook.parse: 10 MB of JSON, one huge string', ({ parseWebhookPayload }) => parseWebhookPayload(JSON.stringify({ id: 'e', type: 't', timestamp: 1, data: { body: 'x'.repeat(TEN_MB) } })), { value: 'an object' }],
  ['webhook.verify: a 10 MB body with a wrong signature', ({ verifyWebhookSignature }) => verifyWebhookSignature('x'.repeat(TEN_MB), `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 'whsec_x'), { value: false }],
  ['webhook.verify: a header of 10 M characters', ({ verifyWebhookSignature }) => verifyWebhookSignature('{}', `t=1,${'v1=00,'.repeat(TEN_MB / 6)}`, 'whsec_x'), { value: false }],
  ['webhook.verify: a Proxy whose every trap throws as the request', ({ verifyWebhookSignature }) => verifyWebhookSignature(throwingProxy(), 'whsec_x'), { value: false }],
  ['webhook.verify: an IncomingMessage as the request', ({ verifyWebhookSignature, request }) => verifyWebhookSignature(request, 'whsec_x'), { value: false }],
  ['webhook.verify: 1e6 secrets', ({ verifyWebhookSignature }) => verifyWebhookSignature('{}', 't=1,v1=00', Array(1e6).fill('whsec_x')), { value: false }],
  ['webhook.verify: a toleranceSeconds of "600"', ({ verifyWebhookSignature }) => verifyWebhookSignature({ headers: {}, rawBody: '{}' }, 'whsec_x', '600'), { path: 'toleranceSeconds' }],
];

/** What a call gave, as JSON can carry it. */
async function outcome(call) {
  try {
    return { value: await call() };
  } catch (error) {
    return { error: { name: error?.name, message: String(error?.message).slice(0, 300), paths: (error?.issues ?? []).map((i) => i.path.join('.')) } };
  }
}

async function main(specifier) {
  const target = /^[./]/.test(specifier) ? pathToFileURL(specifier).href : specifier;
  const api = await import(target);
  const im = new api.Contiguity('contiguity_sk_hostile_input', { baseUrl: 'http://127.0.0.1:9', maxRetries: 0, timeoutMs: 1000 }).imessage;
  const node = await incomingMessage();
  for (const [name, call] of CASES) {
    console.log(JSON.stringify({ start: name }));
    const started = performance.now();
    const result = await outcome(() => call({ ...api, im, request: node.request }));
    const ms = Math.round(performance.now() - started);
    // A Contiguity instance is no value to print.
    if (result.value !== undefined && typeof result.value === 'object') result.value = 'an object';
    console.log(JSON.stringify({ name, ms, ...result }));
  }
  node.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv[2] ?? 'contiguity-imessage');
