// Local sandbox of the Contiguity HTTP API (iMessage sends and
// conversations), with an inspector page at its root URL.
//
// It models the service as the service documents itself, written
// independently of the client, so that it can catch the client's mistakes:
// it is deliberately stricter than the service (unknown keys, wrong content
// type, unknown query parameters are all refused) and records every request
// for assertions.
//
// The pieces: validate.js (request validation), api.js (the API routes and
// rules), pacing.js, faults.js, webhooks.js, store.js (capped state),
// control.js (/__sandbox/ endpoints and their guard), inspector.js (the page
// and its live feed), http.js (plumbing), config.js (options and caps).
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleApi } from './api.js';
import { DEFAULT_CONFIG, LIMITS, normalizeConfig, publicConfig } from './config.js';
import { handleControl, ownHosts, refusal } from './control.js';
import { FaultQueue, describeFault, faultResponse } from './faults.js';
import { errorResponse, jsonResponse, parseJson, randomId, readBody, splitTarget, writeResponse } from './http.js';
import { deliveryView, isInspectorFile, openEventStream, requestView, serveFile } from './inspector.js';
import { Pacing } from './pacing.js';
import { Store } from './store.js';
import { isPlainObject } from './validate.js';
import { deliver, incomingEvent, normalizeIncoming, signWebhook } from './webhooks.js';

export { signWebhook } from './webhooks.js';
export { isE164, isRecipient } from './validate.js';
export { LIMITS } from './config.js';

/**
 * Starts the sandbox HTTP server and resolves once it listens.
 * @param {import('./index.js').SandboxOptions} [options]
 */
export async function startSandbox(options = {}) {
  if (!isPlainObject(options)) throw new TypeError('startSandbox options must be an object');
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const config = { ...structuredClone(DEFAULT_CONFIG), ...normalizeConfig(rest) };
  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const actualPort = server.address().port;
  const sandbox = new SandboxCore(config, ownHosts(host, actualPort));
  sandbox.serve(server);
  return sandbox.publicApi(server, `http://${urlHost(host)}:${actualPort}`, actualPort);
}

function urlHost(host) {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

const isControlPath = (path) => path === '/__sandbox' || path.startsWith('/__sandbox/');

class SandboxCore {
  constructor(config, hosts) {
    this.config = config;
    this.hosts = hosts;
    this.store = new Store();
    this.faults = new FaultQueue(LIMITS.queuedFaults);
    this.pacing = new Pacing();
    this.streams = new Set();
    this.sockets = new Set();
    this.lifetime = new AbortController();
    // What the API handlers may touch.
    this.apiContext = { config, store: this.store, pacing: this.pacing, log: (line) => this.log(line) };
  }

  serve(server) {
    server.on('request', (req, res) => this.onRequest(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  publicApi(server, url, port) {
    let closing = null;
    return {
      url,
      port,
      close: () => {
        // Hung, keep-alive and event-stream sockets would hold server.close() open forever: destroy them.
        closing ??= new Promise((resolve) => {
          this.lifetime.abort();
          server.close(() => resolve());
          for (const socket of this.sockets) socket.destroy();
        });
        return closing;
      },
      requests: () => structuredClone(this.store.requests.all),
      messages: () => structuredClone(this.store.messages.all),
      reactions: () => structuredClone(this.store.reactions.all),
      typing: () => structuredClone([...this.store.typing.values()]),
      deliveries: () => structuredClone(this.store.deliveries.all),
      reset: () => this.reset(),
      inject: (faults) => this.inject(faults),
      simulateIncoming: (params) => this.simulateIncoming(params),
      redeliver: (id) => this.redeliver(id),
      setConfig: (patch) => this.configure(patch),
    };
  }

  reset() {
    this.store.clear();
    this.faults.clear();
    this.pacing.clear();
    this.store.emit('snapshot', this.snapshot());
  }

  configure(patch) {
    Object.assign(this.config, normalizeConfig(patch, this.config));
    this.store.emit('config', publicConfig(this.config));
  }

  inject(faults) {
    const queued = this.faults.add(faults);
    this.store.emit('faults', this.faults.list());
    return queued;
  }

  /** Everything the inspector page shows, as it first loads it. */
  snapshot() {
    return {
      config: publicConfig(this.config),
      limits: LIMITS,
      messages: this.store.messages.all,
      reactions: this.store.reactions.all,
      typing: [...this.store.typing.values()],
      requests: this.store.requests.all.map(requestView),
      deliveries: this.store.deliveries.all.map(deliveryView),
      faults: this.faults.list(),
    };
  }

  log(line) {
    // Method, path and status only: headers and bodies carry the API key and message text.
    if (this.config.log) console.error(`[contiguity-sandbox] ${line}`);
  }

  // ---------------------------------------------------------------- incoming webhooks

  /** Stores an incoming message and, given a URL (or a configured webhookUrl), delivers its event. */
  async simulateIncoming(params) {
    const incoming = normalizeIncoming(params, this.config);
    const { message, event } = incomingEvent(incoming, this.config.apiVersion);
    this.store.addMessage(message);
    const rawBody = JSON.stringify(event);
    const secret = incoming.secret ?? this.config.webhookSecret;
    const url = incoming.url ?? this.config.webhookUrl ?? undefined;
    const signature = signWebhook(rawBody, secret, event.timestamp);
    if (url === undefined) return { event, rawBody, signature };
    const delivery = await deliver(this.store, {
      url, eventId: event.id, rawBody, secret, t: event.timestamp, signal: this.lifetime.signal,
    });
    this.log(`webhook imessage.incoming -> ${delivery.status ?? 'failed'}`);
    if (delivery.error) throw new Error(delivery.error);
    return { event, rawBody, signature, delivery: { status: delivery.status, body: delivery.responseBody }, deliveryId: delivery.id };
  }

  /** Sends a recorded delivery's event again: same URL, event id and body, signed now. */
  async redeliver(id) {
    const original = typeof id === 'string' ? this.store.findDelivery(id) : undefined;
    if (!original) throw new TypeError(`redeliver: no recorded delivery with id "${String(id)}"`);
    const delivery = await deliver(this.store, {
      url: original.url,
      eventId: original.eventId,
      rawBody: original.rawBody,
      secret: this.config.webhookSecret,
      redeliveryOf: original.id,
      signal: this.lifetime.signal,
    });
    this.log(`webhook redelivery -> ${delivery.status ?? 'failed'}`);
    return structuredClone(delivery);
  }

  /** POST /__sandbox/redeliver: the new delivery as the page sees it (a failure is in `error`). */
  async redeliverFromControl(params) {
    if (!isPlainObject(params)) throw new TypeError('redeliver: expects { id }');
    return deliveryView(await this.redeliver(params.id));
  }

  // ---------------------------------------------------------------- HTTP

  onRequest(req, res) {
    // Last resort for plumbing failures (e.g. the client resetting mid-body): never crash the process.
    this.route(req, res).catch((error) => {
      this.log(`internal error: ${error?.message}`);
      if (!res.headersSent) writeResponse(res, errorResponse(500, 'Internal Server Error', this.config.apiVersion));
    });
  }

  async route(req, res) {
    const [path, query] = splitTarget(req.url);
    const isPage = (req.method === 'GET' || req.method === 'HEAD') && isInspectorFile(path);
    if (isPage || isControlPath(path)) {
      const refused = refusal(req, this.hosts, { staticFile: isPage });
      if (refused) {
        this.log(`refused ${req.method} ${path}: ${refused.error}`);
        req.resume(); // the body is not wanted; let the socket drain
        return writeResponse(res, jsonResponse(refused.status, { error: refused.error }));
      }
      if (isPage) return serveFile(res, path, req.method);
      if (req.method === 'GET' && path === '/__sandbox/events') return openEventStream(this, req, res);
      return handleControl(this, req, res, path);
    }
    return this.answerApi(req, res, path, query);
  }

  async answerApi(req, res, path, query) {
    const fault = this.faults.take(req.method, path);
    if (fault) this.store.emit('faults', this.faults.list());
    const record = {
      id: randomId('rq_'),
      timestamp: Date.now(),
      method: req.method,
      path,
      query,
      headers: { ...req.headers },
      body: '',
      json: null,
      status: 0,
      durationMs: null,
      fault: fault ? describeFault(fault) : null,
      error: null,
    };
    const started = performance.now();
    const finish = (status, error = null) => {
      record.status = status;
      record.error = error;
      record.durationMs = Math.round(performance.now() - started);
      this.store.updateRequest(record);
    };
    this.store.addRequest(record);

    if (fault?.dropBeforeRead) return this.drop(req, path, finish, 'dropBeforeRead');
    const { text, tooLarge } = await readBody(req);
    record.body = text;
    record.json = parseJson(text, LIMITS.jsonDepth);
    this.store.updateRequest(record);
    if (fault?.delayMs) {
      try {
        await sleep(fault.delayMs, undefined, { signal: this.lifetime.signal });
      } catch {
        return; // the sandbox closed while this request waited
      }
    }
    if (fault?.drop) return this.drop(req, path, finish, 'drop');
    if (fault?.hang) {
      this.log(`${req.method} ${path} -> hang`);
      return; // never answer; close() destroys the socket if the client has not given up
    }

    const response = (fault && faultResponse(fault, this.config.apiVersion))
      ?? (tooLarge
        ? errorResponse(413, 'Payload Too Large', this.config.apiVersion)
        : handleApi(this.apiContext, { method: req.method, path, query, headers: req.headers, text, json: record.json }));
    Object.assign(response.headers, fault?.headers);
    finish(response.status, response.status >= 400 ? errorMessage(response.body) : null);
    this.log(`${req.method} ${path} -> ${response.status}${fault ? ' (fault)' : ''}`);
    writeResponse(res, response);
  }

  drop(req, path, finish, kind) {
    finish(0);
    this.log(`${req.method} ${path} -> ${kind}`);
    req.socket.destroy();
  }
}

/** The message of an error envelope (`data.error`), for the request log; null for other bodies. */
function errorMessage(body) {
  const value = parseJson(body, 3);
  const message = value?.data?.error ?? value?.message;
  return typeof message === 'string' ? message : null;
}
