/** Local sandbox of the Contiguity HTTP API, for tests and demos. */

export interface SandboxConfig {
  /** Keys accepted in `Authorization: Token <key>` (or `Bearer <key>`). Default `['contiguity_sk_sandbox_test_key']`. */
  apiKeys?: string[];
  /** Secret that signs simulated webhooks. Default `'whsec_sandbox_secret'`. */
  webhookSecret?: string;
  /** Leased numbers (E.164); the first is used when a request omits `from`. Default `['+15550001111']`. */
  leasedNumbers?: string[];
  /** Whether the account has the Fast Track entitlement. Default `true`. */
  fastTrack?: boolean;
  /** Addresses that report `available: false`. Numbers ending in `0000` are always unavailable. */
  unavailable?: string[];
  /** `api_version` in envelopes and events. Default `'v2026.8.2'`. */
  apiVersion?: string;
  /** Log method, path and status to stderr (never headers or bodies). Default `false`. */
  log?: boolean;
}

export interface SandboxOptions extends SandboxConfig {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default `'127.0.0.1'`. */
  host?: string;
}

export interface RecordedRequest {
  method: string;
  /** Raw path, still percent-encoded, without the query. */
  path: string;
  /** Raw query without `?`; `''` when none. */
  query: string;
  /** Lower-case header names. */
  headers: Record<string, string | string[]>;
  /** Raw body text; `''` when none. */
  body: string;
  /** The body parsed as JSON, or `null`. */
  json: unknown;
  /** Status answered; 0 when the request was hung or dropped. */
  status: number;
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
  to: string;
  from: string;
  message: string;
  /** Attachment URLs. */
  attachments: string[];
  /** Unix ms. */
  timestamp: number;
  status: 'delivered' | 'received';
  /** Unix ms when read, `null` while unread. */
  read: number | null;
  tracking: TrackingEvent[];
  /** Outgoing only: the `fallback` and `fast_track` that were sent. */
  fallback?: { when: string[]; from?: string | null } | null;
  fast_track?: boolean;
}

export interface TypingState {
  to: string;
  from: string;
  status: 'started' | 'stopped';
  timestamp: number;
}

export interface WebhookAttachment {
  url: string;
  mime: string;
  filename: string;
}

export interface IncomingParams {
  /** Where to POST the webhook; without it the event is only built and stored. */
  url?: string;
  /** The person (E.164 or email). */
  from: string;
  /** The leased number; default the first leased number. */
  to?: string;
  body?: string;
  /** URLs, or objects; a missing mime or filename is derived from the URL. */
  attachments?: Array<string | { url: string; mime?: string; filename?: string }>;
  /** Sign with this secret instead of the configured one. */
  secret?: string;
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
  /** `Contiguity-Signature` header value: `t=<seconds>,v1=<hex>`. */
  signature: string;
  /** Present when `url` was given. */
  delivery?: { status: number; body: string };
}

export interface Sandbox {
  /** Base URL for the client, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server and destroys open (also hung) sockets. */
  close(): Promise<void>;
  /** Copies of the recorded API requests, oldest first. */
  requests(): RecordedRequest[];
  /** Copies of the stored messages, oldest first. */
  messages(): StoredMessage[];
  /** Last typing action per conversation. */
  typing(): TypingState[];
  /** Clears messages, reactions, typing state, recorded requests and queued faults. */
  reset(): void;
  /** Queues faults; returns how many are queued. Throws TypeError on a malformed fault. */
  inject(fault: Fault | Fault[]): number;
  simulateIncoming(params: IncomingParams): Promise<IncomingResult>;
  setConfig(patch: SandboxConfig): void;
}

export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;

/** `Contiguity-Signature` value for `rawBody`: HMAC-SHA256 over `${t}.${rawBody}`, keyed by the secret's UTF-8 bytes. */
export function signWebhook(rawBody: string, secret: string, t: number): string;

export function isE164(value: unknown): value is string;
/** E.164 number or email address. */
export function isRecipient(value: unknown): value is string;
