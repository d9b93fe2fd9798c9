// Wire parity with the official SDK (contiguity@0.1.2): for every call both
// packages support and accept, the request is the same: method, URL (path
// and query), Authorization, and the JSON body byte for byte.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Contiguity as Official } from 'contiguity';
import { Contiguity } from 'contiguity-imessage';

const KEY = 'contiguity_sk_parity_test';
const realFetch = globalThis.fetch;
let calls;

// A stub of the global fetch, as users' own test suites install one.
function stubFetch() {
  calls = [];
  globalThis.fetch = async (url, init = {}) => {
    calls.push({ url, init });
    const data = url.includes('/history/imessage/')
      ? { conversation: [], reactions: [], chat: { filtered: false, chat_marked_as_spam: false, limit: 20, total: 0, count: 0 } }
      : url.includes('/history/message/')
        ? { id: 'imsg_1', to: '+15551234567', from: '+15550001111', message: 'Hi', timestamp: 1, status: 'delivered', attachments: [] }
        : url.includes('/availability/')
          ? { available: true }
          : { message_id: 'imsg_1', status: 'ok', message: 'ok' };
    const envelope = { id: 'req_1', timestamp: 1785698220563, api_version: 'v2026.8.2', object: 'response', data };
    return new Response(JSON.stringify(envelope), { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

beforeEach(stubFetch);
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** The parts of a request that must match. */
function wire({ url, init }) {
  const headers = init.headers ?? {};
  return {
    method: init.method ?? 'GET',
    url,
    authorization: headers.Authorization ?? headers.authorization,
    body: init.body ?? null,
  };
}

async function compare(name, call) {
  await call(new Official(KEY).imessage);
  await call(new Contiguity(KEY).imessage);
  assert.equal(calls.length, 2, `${name}: expected one request from each`);
  const [theirs, ours] = calls.map(wire);
  assert.deepEqual(ours, theirs, name);
  // The call shape users' stubs assert on: fetch(urlString, plainObjectInit).
  assert.equal(typeof calls[1].url, 'string');
  assert.equal(Object.getPrototypeOf(calls[1].init), Object.prototype);
  assert.equal(Object.getPrototypeOf(calls[1].init.headers), Object.prototype);
  return ours;
}

const EVENT = {
  id: 'evt_1',
  type: 'imessage.incoming',
  timestamp: 1726502400,
  api_version: 'v2025.9.7',
  data: { from: '+15557654321', to: '+15550001111', body: 'Hi', timestamp: 1726502400, attachments: [] },
};

const cases = [
  ['send minimal', (im) => im.send({ to: '+15551234567', message: 'Hello!' })],
  ['send to an email', (im) => im.send({ to: 'friend@icloud.com', message: 'Hello!' })],
  ['send from', (im) => im.send({ to: '+15551234567', message: 'Hello!', from: '+15550001111' })],
  [
    'send every optional field',
    (im) =>
      im.send({
        to: '+15551234567',
        message: 'Photos',
        from: '+15550001111',
        attachments: ['https://example.com/a.png', 'https://example.com/b.jpg'],
        fallback: { when: ['imessage_unsupported', 'imessage_fails'], from: '+15550002222' },
        fast_track: true,
      }),
  ],
  ['send fallback without from', (im) => im.send({ to: '+15551234567', message: 'x', fallback: { when: ['imessage_fails'] } })],
  ['send fast_track false', (im) => im.send({ to: '+15551234567', message: 'x', fast_track: false })],
  ['send unicode and escapes', (im) => im.send({ to: '+15551234567', message: 'é "quoted" \\ \n 😀 </script>' })],
  ['reply', (im) => im.reply(EVENT, { message: 'Thanks!' })],
  ['reply with attachments', (im) => im.reply(EVENT, { message: 'See', attachments: ['https://example.com/a.png'], fast_track: true })],
  ['typing start', (im) => im.typing({ to: '+15551234567', action: 'start' })],
  ['typing stop from', (im) => im.typing({ to: '+15551234567', action: 'stop', from: '+15550001111' })],
  ...['love', 'like', 'dislike', 'laugh', 'emphasize', 'question'].flatMap((tapback) => [
    [`react add ${tapback}`, (im) => im.react('add', { to: '+15551234567', from: '+15550001111', tapback, message: 'Hello there!' })],
  ]),
  ['react remove', (im) => im.react('remove', { to: '+15551234567', from: '+15550001111', tapback: 'love', message: 'Hello there!' })],
  ['read', (im) => im.read({ to: '+15551234567', from: '+15550001111' })],
  ['history default limit', (im) => im.history({ to: '+15551234567', from: '+15550001111' })],
  ['history limit', (im) => im.history({ to: '+15551234567', from: '+15550001111', limit: 200 })],
  ['history email recipient', (im) => im.history({ to: 'a/b+c@icloud.com', from: '+15550001111', limit: 5 })],
  ['get', (im) => im.get('imsg_abc123')],
  ['get with characters to escape', (im) => im.get('id/with spaces+plus?')],
];

for (const [name, call] of cases) {
  test(`parity: ${name}`, () => compare(name, call));
}

test('parity covers every method the official SDK has', () => {
  const official = Object.getOwnPropertyNames(Object.getPrototypeOf(new Official(KEY).imessage)).filter((n) => n !== 'constructor');
  const covered = new Set(cases.map(([name]) => name.split(' ')[0]));
  assert.deepEqual(official.filter((m) => !covered.has(m)), []);
});

test('what only we have: tracking and availability, same conventions', async () => {
  const im = new Contiguity(KEY).imessage;
  await im.history({ to: '+15551234567', from: '+15550001111', tracking: true });
  await im.get('imsg_1', { tracking: true });
  await im.get('imsg_1', { tracking: false });
  await im.availability({ to: '+15551234567' });
  assert.deepEqual(
    calls.map((c) => `${c.init.method} ${c.url}`),
    [
      'GET https://api.contiguity.com/conversations/history/imessage/%2B15551234567/%2B15550001111/20?tracking=true',
      'GET https://api.contiguity.com/conversations/history/message/imsg_1?tracking=true',
      'GET https://api.contiguity.com/conversations/history/message/imsg_1',
      'GET https://api.contiguity.com/conversations/availability/imessage/%2B15551234567',
    ],
  );
  for (const { init } of calls) {
    assert.equal(init.body, undefined);
    assert.equal(init.headers['Content-Type'], undefined, 'no Content-Type without a body');
    assert.equal(init.headers.Accept, 'application/json');
  }
});

test('the result: data fields plus metadata, as the official SDK returns (timestamp kept a number)', async () => {
  const theirs = await new Official(KEY).imessage.send({ to: '+15551234567', message: 'x' });
  const ours = await new Contiguity(KEY).imessage.send({ to: '+15551234567', message: 'x' });
  assert.deepEqual(Object.keys(ours), Object.keys(theirs));
  assert.deepEqual(ours, { ...theirs, metadata: { ...theirs.metadata, timestamp: Number(theirs.metadata.timestamp) } });
});
