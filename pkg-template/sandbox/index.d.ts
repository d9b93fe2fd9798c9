/** Local sandbox of the Contiguity HTTP API, with an inspector page at its root URL, for tests, demos and bot development. */

/** The service's rules; each off by default for startSandbox(), on by default in the CLI. */
export interface SandboxRules {
  /** Sends paced per leased line: 1 message per second sustained, bursts of 5; over that a 429 with `Retry-After`. `fast_track: true` is not paced. */
  pacing?: boolean;
  /**
   * A recipient without iMessage (see `unavailable`) gets an SMS (`service: 'sms'`) when
   * `fallback.when` includes `'imessage_unsupported'`; otherwise the send is accepted and its
   * delivery fails (`status: 'failed'`).
   */
  availability?: boolean;
}

export interface SandboxConfig {
  /** Keys accepted in `Authorization: Token <key>` (or `Bearer <key>`). Default `['contiguity_sk_sandbox_test_key']`. */
  apiKeys?: string[];
  /**
   * Secret that signs webhooks. Default `'whsec_sandbox_secret'`. Several (at most 5) sign at
   * once, as during a rotation: the header then carries one `v1=` per secret.
   */
  webhookSecret?: string | string[];
  /** Where customer messages (simulateIncoming without `url`, the inspector's composer) are POSTed. Default `null`: stored only. */
  webhookUrl?: string | null;
  /** Leased numbers (E.164); the first is used when a request omits `from`. Default `['+15550001111']`. */
  leasedNumbers?: string[];
  /** Whether the account has the Fast Track entitlement. Default `true`. */
  fastTrack?: boolean;
  /** Addresses that report `available: false`. Numbers ending in `0000` are always unavailable. */
  unavailable?: string[];
  /** `true` or `false` sets every rule; an object sets the rules it names. Default all off. */
  rules?: boolean | SandboxRules;
  /** `api_version` in envelopes and events. Default `'v2026.8.2'`. */
  apiVersion?: string;
  /** Log method, path and status (and refused control requests) to stderr, never headers or bodies. Default `false`. */
  log?: boolean;
}

export interface SandboxOptions extends SandboxConfig {
  /** Default 0: an ephemeral port. */
  port?: number;
  /**
   * Default `'127.0.0.1'`. On a loopback or named host, the page and the control endpoints
   * only answer requests whose Host header names the sandbox; on `'0.0.0.0'` or `'::'`, any.
   */
  host?: string;
}

export interface RecordedRequest {
  /** `rq_…` */
  id: string;
  /** Unix ms when it arrived. */
  timestamp: number;
  method: string;
  /** Raw path, still percent-encoded, without the query. */
  path: string;
  /** Raw query without `?`; `''` when none. */
  query: string;
  /** Lower-case header names (the Authorization header included: the inspector never shows it). */
  headers: Record<string, string | string[]>;
  /** Raw body text; `''` when none. */
  body: string;
  /** The body parsed as JSON; `null` when not JSON or nested deeper than 32 levels. */
  json: unknown;
  /** Status answered; 0 while pending, or when the request was hung or dropped. */
  status: number;
  /** Time to answer, in ms; `null` until answered (and for a hang). */
  durationMs: number | null;
  /** What the fault that hit it did (`'429'`, `'hang'`, `'drop'`, `'delay'`, ...); `null` when none. */
  fault: string | null;
  /** The error message answered with a status of 400 or more; `null` otherwise. */
  error: string | null;
}

export interface Fault {
  /** Only requests with this method (case-insensitive). */
  method?: string;
  /** Exact raw path, or a prefix ending in `*`. */
  path?: string;
  /** How many matching requests this fault applies to. Default 1. */
  times?: number;
  /** Status to answer; with neither `body` nor `json`, the body is the error envelope. */
  status?: number;
  /** Headers added to the response, e.g. `{ 'retry-after': '1' }`. */
  headers?: Record<string, string>;
  /** Raw body sent as-is (status defaults to 200). */
  body?: string;
  /** Body sent as JSON (status defaults to 200). */
  json?: unknown;
  /** Wait this long first; alone, the request is then handled normally. */
  delayMs?: number;
  /** Read the request and never answer. */
  hang?: boolean;
  /** Read the request, then destroy the socket without answering. */
  drop?: boolean;
  /** Destroy the socket as soon as the request's headers arrive. */
  dropBeforeRead?: boolean;
}

export interface TrackingEvent {
  event: string;
  title: string;
  /** ISO 8601. */
  timestamp: string;
}

export interface StoredMessage {
  id: string;
  direction: 'outgoing' | 'incoming';
  /** `'sms'` when the availability rule fell back to SMS. */
  service: 'imessage' | 'sms';
  to: string;
  from: string;
  message: string;
  /** Attachment URLs. */
  attachments: string[];
  /** Unix ms. */
  timestamp: number;
  /** `'failed'`: the availability rule found no iMessage and no SMS fallback. */
  status: 'delivered' | 'received' | 'failed';
  /** Unix ms when read, `null` while unread. */
  read: number | null;
  tracking: TrackingEvent[];
  /** Outgoing only: the `fallback` and `fast_track` that were sent. */
  fallback?: { when: string[]; from?: string | null } | null;
  fast_track?: boolean;
}

export interface StoredReaction {
  /** The person and the leased line of the conversation. */
  person: string;
  leased: string;
  reaction: 'love' | 'like' | 'dislike' | 'laugh' | 'emphasize' | 'question';
  /** The text of the message reacted to. */
  on: string;
  timestamp: number;
  action: 'added' | 'removed';
  from: string;
}

export interface TypingState {
  to: string;
  from: string;
  status: 'started' | 'stopped';
  timestamp: number;
}

/** One attempt to POST a webhook event. */
export interface Delivery {
  /** `dlv_…` */
  id: string;
  /** The event's id (the same for a redelivery). */
  eventId: string;
  url: string;
  /** The delivery this one repeats; `null` for a first delivery. */
  redeliveryOf: string | null;
  /** Unix ms when it started. */
  timestamp: number;
  /** `null` while under way. */
  durationMs: number | null;
  /** The receiver's status; `null` while under way or when it could not be reached. */
  status: number | null;
  /** The receiver's answer, at most 64 KiB of it. */
  responseBody: string | null;
  /** Why it could not be delivered. */
  error: string | null;
  /** The `Contiguity-Signature` header it carried. */
  signature: string;
  /** The exact body POSTed. */
  rawBody: string;
}

export interface WebhookAttachment {
  url: string;
  mime: string;
  filename: string;
}

export interface IncomingParams {
  /** Where to POST the webhook; default the configured `webhookUrl`; with neither, the event is only built and stored. */
  url?: string;
  /** The person (E.164 or email). */
  from: string;
  /** The leased number; default the first leased number. */
  to?: string;
  body?: string;
  /** At most 10: URLs (http or https), or objects; a missing mime or filename is derived from the URL. */
  attachments?: Array<string | { url: string; mime?: string; filename?: string }>;
  /** Sign with this secret (or these) instead of the configured one. */
  secret?: string | string[];
  /** Unix seconds for the event and the signature; default now. */
  timestamp?: number;
}

export interface IncomingEvent {
  id: string;
  type: 'imessage.incoming';
  timestamp: number;
  api_version: string;
  data: { from: string; to: string; body: string; timestamp: number; attachments: WebhookAttachment[] };
}

export interface IncomingResult {
  event: IncomingEvent;
  /** The exact bytes (as UTF-8) that were or would be POSTed. */
  rawBody: string;
  /** `Contiguity-Signature` header value: `t=<seconds>,v1=<hex>[,v1=<hex>...]`. */
  signature: string;
  /** Present when delivered: the receiver's status and (at most 64 KiB of) its answer. */
  delivery?: { status: number; body: string };
  /** The recorded delivery, for `redeliver`. Present when delivered. */
  deliveryId?: string;
}

/**
 * What the sandbox keeps, at most; past a cap the oldest entries go first
 * (the newest is always kept). `items` entries or `bytes` of text, whichever
 * comes first.
 */
export interface SandboxLimits {
  /** 1000 messages or 16 MiB of message text and attachment URLs. */
  messages: { items: number; bytes: number };
  /** 1000 reactions or 4 MiB of the texts they react to. */
  reactions: { items: number; bytes: number };
  /** 500 requests or 16 MiB of request bodies (each counted twice: its text and its parsed copy). */
  requests: { items: number; bytes: number };
  /** 200 deliveries or 8 MiB of event and answer bodies. */
  deliveries: { items: number; bytes: number };
  /** 1000 conversations' typing state. */
  typingConversations: number;
  /** 1000 queued faults. */
  queuedFaults: number;
  /** 64 KiB of each webhook receiver's answer. */
  deliveryResponseBytes: number;
  /** 16 open inspector pages. */
  eventStreams: number;
  /** 8 MiB waiting for a page that reads too slowly, before it is cut off. */
  eventStreamBacklogBytes: number;
  /** 32 levels of nesting in a recorded body's JSON. */
  jsonDepth: number;
  /** 5 webhook secrets at once. */
  webhookSecrets: number;
}

export declare const LIMITS: Readonly<SandboxLimits>;

export interface Sandbox {
  /** Base URL for the client, e.g. `http://127.0.0.1:41234`; the inspector page is at `${url}/`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server and destroys open (also hung and event-stream) sockets. */
  close(): Promise<void>;
  /** Copies of the recorded API requests, oldest first (at most 500). */
  requests(): RecordedRequest[];
  /** Copies of the stored messages, oldest first (at most 1000). */
  messages(): StoredMessage[];
  /** Copies of the stored reactions, oldest first (at most 1000). */
  reactions(): StoredReaction[];
  /** Last typing action per conversation. */
  typing(): TypingState[];
  /** Copies of the webhook deliveries, oldest first (at most 200). */
  deliveries(): Delivery[];
  /** Clears messages, reactions, typing state, recorded requests, deliveries, queued faults and pacing; keeps the config. */
  reset(): void;
  /** Queues faults; returns how many are queued. Throws TypeError on a malformed fault. */
  inject(fault: Fault | Fault[]): number;
  /** Stores an incoming message and delivers its signed event; rejects when the receiver cannot be reached (the attempt is still recorded). */
  simulateIncoming(params: IncomingParams): Promise<IncomingResult>;
  /**
   * POSTs a recorded delivery's event again, as the service's redelivery does: same URL,
   * same event id and body, signed now with the configured secret(s). Resolves with the new
   * delivery (a failure is in its `error`); throws TypeError for an unknown id.
   */
  redeliver(deliveryId: string): Promise<Delivery>;
  setConfig(patch: SandboxConfig): void;
}

export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;

/**
 * `Contiguity-Signature` value for `rawBody`: `t=<t>,v1=<hex>`, the hex HMAC-SHA256 over
 * `${t}.${rawBody}` keyed by the secret's UTF-8 bytes; one `v1=` per secret when given several.
 */
export function signWebhook(rawBody: string, secret: string | string[], t: number): string;

export function isE164(value: unknown): value is string;
/** E.164 number or email address. */
export function isRecipient(value: unknown): value is string;
