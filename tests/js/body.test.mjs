// How an answer's body is read when its size is not declared (no
// content-length, or a content-encoding): streamed, joined and decoded once,
// and given up on past the limit. Over real loopback HTTP (chunked
// transfer-encoding, gzip) and with a custom fetch's stream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Contiguity, ContiguityError } from 'contiguity-imessage';

const KEY = 'contiguity_sk_test_body';
const SEND = { to: '+15551234567', message: 'Hello!' };
// 'é' is two bytes in UTF-8, '😀' four: chunk edges fall inside them below
// (in a stream made here; over a socket, fetch may join the writes).
const MESSAGE_ID = 'imsg_é😀'.repeat(3);
const ENVELOPE = JSON.stringify({ id: 'req_1', object: 'response', data: { message_id: MESSAGE_ID } });

/** The envelope's bytes cut into pieces of `size` bytes. */
function pieces(bytes, size) {
  const out = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

let server;
let baseUrl;
before(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      // Chunked: no content-length, one write per 3 bytes.
      response.writeHead(200, { 'content-type': 'application/json' });
      for (const piece of pieces(Buffer.from(ENVELOPE), 3)) response.write(piece);
      response.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((resolve) => server.close(resolve)));

test('a chunked answer (no content-length) over real HTTP is read whole', async () => {
  const sent = await new Contiguity(KEY, { baseUrl, maxRetries: 0 }).imessage.send(SEND);
  assert.equal(sent.message_id, MESSAGE_ID);
});

/** A custom fetch answering 200 with `chunks` as the body stream, and `headers`. */
const streaming = (chunks, headers = {}) => async () =>
  new Response(
    new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    }),
    { status: 200, headers },
  );

test('an answer with a content-encoding is streamed, in any number of chunks', async () => {
  // A declared encoding means the declared length (if any) is not the
  // decoded one, so the body is streamed whatever its size; the stream
  // here yields plain bytes (a Response made in JS decompresses nothing).
  for (const size of [1, 5, 1000]) {
    const fetch = streaming(pieces(Buffer.from(ENVELOPE), size), { 'content-encoding': 'identity-test' });
    const sent = await new Contiguity(KEY, { fetch, maxRetries: 0 }).imessage.send(SEND);
    assert.equal(sent.message_id, MESSAGE_ID, `pieces of ${size} B`);
  }
});

test('a body longer than the limit is refused without being read to its end', async () => {
  const limit = 8 << 20;
  const chunk = new Uint8Array(1 << 20).fill(0x20); // spaces: valid JSON padding
  let pulled = 0;
  const fetch = async () =>
    new Response(
      new ReadableStream({
        pull(controller) {
          pulled += 1;
          if (pulled > 64) controller.close(); // far past the limit: never reached
          else controller.enqueue(chunk);
        },
      }),
      { status: 200, headers: { 'content-encoding': 'gzip' } },
    );
  const error = await new Contiguity(KEY, { fetch, maxRetries: 0 }).imessage.send(SEND).then(
    () => assert.fail('expected a rejection'),
    (rejection) => rejection,
  );
  assert.ok(error instanceof ContiguityError);
  assert.equal(error.code, 'invalid_response');
  assert.match(error.message, new RegExp(`more than ${limit} bytes`));
  assert.ok(pulled <= limit / chunk.length + 2, `read ${pulled} chunks of 1 MiB`);
});

test('a gzip bomb over real HTTP stops at the limit', async () => {
  // 16 MiB of spaces, a few KB on the wire: decompressed by fetch.
  const bomb = gzipSync(Buffer.alloc(16 << 20, 0x20));
  const bombServer = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(bomb);
    });
  });
  await new Promise((resolve) => bombServer.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = bombServer.address();
    const im = new Contiguity(KEY, { baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 }).imessage;
    const error = await im.send(SEND).then(
      () => assert.fail('expected a rejection'),
      (rejection) => rejection,
    );
    assert.equal(error.code, 'invalid_response');
    assert.match(error.message, /more than \d+ bytes \(not read further\)/);
  } finally {
    bombServer.closeAllConnections();
    await new Promise((resolve) => bombServer.close(resolve));
  }
});
