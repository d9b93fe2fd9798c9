// The inspector: the page (plain files under inspector/, served as they
// are), the live feed it reads (server-sent events), and what of the
// sandbox's state the page is shown: never an API key, a secret, or a
// header; long bodies cut short.
import { readFile } from 'node:fs/promises';
import { LIMITS } from './config.js';

const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/__sandbox/inspector/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/__sandbox/inspector/chat.js': ['chat.js', 'text/javascript; charset=utf-8'],
  '/__sandbox/inspector/log.js': ['log.js', 'text/javascript; charset=utf-8'],
  '/__sandbox/inspector/dom.js': ['dom.js', 'text/javascript; charset=utf-8'],
  '/__sandbox/inspector/style.css': ['style.css', 'text/css; charset=utf-8'],
  '/__sandbox/inspector/icon.svg': ['icon.svg', 'image/svg+xml'],
  '/__sandbox/media/plant.svg': ['media/plant.svg', 'image/svg+xml'],
};

// The page only talks to its own origin; images (attachments) may come from
// anywhere; nothing may frame it.
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' http: https: data:; "
    + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const cache = new Map();

export const isInspectorFile = (path) => Object.hasOwn(FILES, path);

/** Serves one of the inspector's files; read once, on first use. */
export async function serveFile(res, path, method) {
  const [name, type] = FILES[path];
  if (!cache.has(name)) cache.set(name, await readFile(new URL(`./inspector/${name}`, import.meta.url)));
  const body = cache.get(name);
  res.writeHead(200, { ...PAGE_HEADERS, 'content-type': type, 'content-length': body.length });
  res.end(method === 'HEAD' ? undefined : body);
}

// How much of a request body or a webhook body the page is shown.
const PREVIEW_CHARS = 16 * 1024;
const preview = (text) => (text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text);

export function requestView(record) {
  return {
    id: record.id,
    timestamp: record.timestamp,
    method: record.method,
    path: record.path,
    query: record.query,
    status: record.status,
    durationMs: record.durationMs,
    fault: record.fault,
    error: record.error,
    contentType: record.headers['content-type'] ?? null,
    body: preview(record.body),
    bodyLength: record.body.length,
  };
}

export function deliveryView(delivery) {
  const { rawBody, responseBody, signature, ...rest } = delivery;
  return { ...rest, rawBody: preview(rawBody), responseBody: responseBody === null ? null : preview(responseBody) };
}

const VIEWS = { request: requestView, delivery: deliveryView };

/**
 * An open event stream to one page. A page that reads too slowly is cut off
 * rather than buffered without end; EventSource reconnects and gets a fresh
 * snapshot.
 */
export function openEventStream(sandbox, req, res) {
  if (sandbox.streams.size >= LIMITS.eventStreams) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('too many inspector pages are open');
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  const send = (kind, data) => {
    if (res.writableLength > LIMITS.eventStreamBacklogBytes) { res.destroy(); return; }
    res.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  sandbox.streams.add(res);
  const unsubscribe = sandbox.store.subscribe((kind, data) => send(kind, VIEWS[kind] ? VIEWS[kind](data) : data));
  req.socket.setNoDelay(true);
  res.write('retry: 1000\n\n');
  send('snapshot', sandbox.snapshot());
  res.on('close', () => {
    unsubscribe();
    sandbox.streams.delete(res);
  });
}
