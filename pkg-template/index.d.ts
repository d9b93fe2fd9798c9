// Public typings of contiguity-imessage. The same code runs in Node.js
// 20.19+, Bun, Deno 2, Cloudflare Workers and Vercel's Edge Runtime (Next.js
// edge routes); every entry exports exactly this.

// ---------------------------------------------------------------------------
// Client

export interface ContiguityOptions {
  /** Default "https://api.contiguity.com". Must be https, except for loopback hosts. */
  baseUrl?: string;
  /** Default: the runtime's global fetch, looked up at call time. */
  fetch?: typeof fetch;
  /** Per attempt, in milliseconds (1 to 600000). Default 30000. */
  timeoutMs?: number;
  /** Retries after the first attempt (0 to 10); 0 turns retrying off. Default 2. */
  maxRetries?: number;
  /** Logs method and URL of each request (never the key or the body). */
  debug?: boolean;
}

export declare class Contiguity {
  /**
   * @param apiKey a `contiguity_sk_…` key; when omitted, `CONTIGUITY_API_KEY`
   *   or `CONTIGUITY_TOKEN` from the environment (where the runtime has one).
   * @throws {ValidationError} for a missing or malformed key, or bad options.
   */
  constructor(apiKey?: string, options?: ContiguityOptions);
  readonly imessage: IMessage;
  readonly webhook: Webhook;
}

// ---------------------------------------------------------------------------
// iMessage

/** An E.164 number such as "+15551234567". */
export type PhoneNumber = string;
/** An E.164 number or an (iCloud) email address. */
export type Recipient = string;

export type FallbackWhen = 'imessage_unsupported' | 'imessage_fails';
export type TypingAction = 'start' | 'stop';
export type ReactAction = 'add' | 'remove';
export type Tapback = 'love' | 'like' | 'dislike' | 'laugh' | 'emphasize' | 'question';

export interface SendParams {
  to: Recipient;
  /** Required and non-empty unless `attachments` has at least one URL. */
  message?: string | null;
  /** Your leased iMessage number; the service picks one when omitted. */
  from?: PhoneNumber | null;
  /** At most 10 absolute https:// URLs. */
  attachments?: string[] | null;
  /** Fall back to SMS/RCS when iMessage is unsupported or fails. */
  fallback?: { when: FallbackWhen[]; from?: PhoneNumber | null } | null;
  /** Skip pacing; needs the Fast Track entitlement (403 with `data.agreement_url` otherwise). */
  fast_track?: boolean | null;
}

export type ReplyParams = Omit<SendParams, 'to' | 'from'>;

/** What `reply` takes: an `imessage.incoming` event, or any object with its `data.from` and `data.to`. */
export type ReplyTarget = { type?: 'imessage.incoming'; data: { from: string; to: string } };

export interface TypingParams {
  to: Recipient;
  action: TypingAction;
  from?: PhoneNumber | null;
}

export interface ReactParams {
  to: Recipient;
  from: PhoneNumber;
  /** The text of the message being reacted to. */
  message: string;
  tapback: Tapback;
}

export interface ReadParams {
  to: Recipient;
  from: PhoneNumber;
}

export interface HistoryParams {
  to: Recipient;
  from: PhoneNumber;
  /** An integer from 1 to 200. Default 20. */
  limit?: number | null;
  /** Include each message's tracking timeline. */
  tracking?: boolean | null;
}

export interface GetOptions {
  tracking?: boolean | null;
}

export interface AvailabilityParams {
  to: Recipient;
}

/** The response envelope's fields, on every result. */
export interface Metadata {
  /** The service's request id, "req_…". */
  id: string;
  /** Milliseconds since the epoch, as the service sends it. */
  timestamp: number;
  api_version: string;
  object: string;
}

export interface WithMetadata {
  metadata: Metadata;
}

// Results and events are closed types: a misspelt field (`messageId` for
// `message_id`) does not compile. At run time they carry every field the
// service sends, including fields added after this version: read one of
// those as `(result as Record<string, unknown>).new_field`.

export type SendResult = { message_id: string } & WithMetadata;
export type StatusResult = { status: string } & WithMetadata;
export type StatusMessageResult = { status: string; message: string } & WithMetadata;
export type AvailabilityResult = { available: boolean } & WithMetadata;

export type TrackingEvent = {
  event: string;
  title: string;
  /** ISO 8601. */
  timestamp: string;
};

export type HistoryMessage = {
  to: string;
  from: string;
  message: string;
  timestamp: number;
  /** When the message was read (ms), 0 when unread. */
  read: number;
  delivery: { status: string; delayed: boolean; timestamp: number };
  risk: { auto_reported_as_spam: boolean; marked_as_spam: boolean };
  attachments: string[];
  tracking?: TrackingEvent[];
};

export type HistoryReaction = {
  reaction: Tapback | (string & {});
  /** The text of the message reacted to. */
  on: string;
  timestamp: number;
  action: string;
  from: string;
};

export type History = {
  conversation: HistoryMessage[];
  reactions: HistoryReaction[];
  chat: {
    filtered: boolean;
    chat_marked_as_spam: boolean;
    limit: number;
    total: number;
    count: number;
  };
} &
  WithMetadata;

export type Message = {
  id: string;
  to: string;
  from: string;
  message: string;
  timestamp: number;
  status: string;
  attachments: string[];
  tracking?: TrackingEvent[];
} &
  WithMetadata;

export interface IMessage {
  send(params: SendParams): Promise<SendResult>;
  /**
   * Replies to an incoming iMessage: to the event's `data.from` (the person),
   * from its `data.to` (your leased number). Pass the `imessage.incoming`
   * event as `webhook.parse()` returns it (narrowed by `event.type`), or the
   * delivery's parsed JSON body.
   */
  reply(event: ReplyTarget, params: ReplyParams): Promise<SendResult>;
  typing(params: TypingParams): Promise<StatusResult>;
  react(action: ReactAction, params: ReactParams): Promise<StatusMessageResult>;
  read(params: ReadParams): Promise<StatusMessageResult>;
  history(params: HistoryParams): Promise<History>;
  get(id: string, opts?: GetOptions): Promise<Message>;
  availability(params: AvailabilityParams): Promise<AvailabilityResult>;
}

// ---------------------------------------------------------------------------
// Webhooks

export type WebhookEventType =
  | 'text.incoming.sms'
  | 'text.incoming.mms'
  | 'text.delivery.confirmed'
  | 'text.delivery.failed'
  | 'imessage.incoming'
  | 'numbers.substitution'
  | 'otp.reverse.verified'
  | 'email.incoming'
  | 'identity.verification_session.started'
  | 'identity.verification_session.processing'
  | 'identity.verification_session.verified'
  | 'identity.verification_session.failed'
  | 'identity.verification_session.requires_input'
  | 'identity.verification_session.manually_approved'
  | 'identity.verification_session.manually_denied'
  | 'identity.verification_report.generated';

export interface WebhookEventBase<T extends string = string, D = Record<string, unknown>> {
  id: string;
  type: T;
  /** Unix seconds. */
  timestamp: number;
  api_version: string;
  /** What the event carries. `parse` checks it by type where present. */
  data: D;
}

export interface Attachment {
  url: string;
  mime: string;
  filename: string;
}

export type IncomingMessageData = {
  /** The person who wrote. */
  from: string;
  /** Your leased number that received it. */
  to: string;
  body: string;
  /** Unix seconds. */
  timestamp: number;
  attachments?: Attachment[];
};

export type DeliveryData = {
  from: string;
  to: string;
  message_id: string;
  timestamp: number;
  error?: string;
};

export type NumbersSubstitutionData = {
  original_number: string;
  used_number: string;
  reason: string;
  message_id: string;
  timestamp: number;
};

export type OtpReverseVerifiedData = { otp_id: string; number: string; status: string };

export type EmailIncomingData = {
  email_id: string;
  from: { name: string | null; address: string; complete: string };
  to: { name: string | null; address: string; complete: string };
  subject: string;
  body: { text: string; html: string; raw: string };
  timestamp: number;
};

export type ImessageIncomingEvent = WebhookEventBase<'imessage.incoming', IncomingMessageData>;
export type TextIncomingEvent = WebhookEventBase<
  'text.incoming.sms' | 'text.incoming.mms',
  IncomingMessageData
>;
export type TextDeliveryEvent = WebhookEventBase<
  'text.delivery.confirmed' | 'text.delivery.failed',
  DeliveryData
>;
export type NumbersSubstitutionEvent = WebhookEventBase<'numbers.substitution', NumbersSubstitutionData>;
export type OtpReverseVerifiedEvent = WebhookEventBase<'otp.reverse.verified', OtpReverseVerifiedData>;
export type EmailIncomingEvent = WebhookEventBase<'email.incoming', EmailIncomingData>;
export type IdentityEvent = WebhookEventBase<Extract<WebhookEventType, `identity.${string}`>>;
/**
 * An event of a type this version does not know yet: `parse` returns it
 * unchanged rather than failing. It is left out of `WebhookEvent` so that
 * `event.type` narrows the documented types; handle it in a `default` branch.
 */
export type GenericWebhookEvent = WebhookEventBase<string>;

/** What `webhook.parse` returns; narrow it with `event.type`. */
export type WebhookEvent =
  | ImessageIncomingEvent
  | TextIncomingEvent
  | TextDeliveryEvent
  | NumbersSubstitutionEvent
  | OtpReverseVerifiedEvent
  | EmailIncomingEvent
  | IdentityEvent;

// The official SDK's names for the same types, so that code typed against
// it compiles with only the import line changed.
export type ContiguityConfig = ContiguityOptions;
export type ContiguityErrorData = { agreement_url?: string };
export type ResponseMetadata = Metadata;
export type ImessageSendParams = SendParams;
export type ImessageTypingParams = TypingParams;
export type ImessageReactParams = ReactParams;
export type ImessageReadParams = ReadParams;
export type ConversationHistoryParams = HistoryParams;
export type ImessageIncomingData = IncomingMessageData;
export type TextIncomingData = IncomingMessageData;
export type TextDeliveryData = DeliveryData;

/** The `Contiguity-Signature` header as a framework hands it over. */
export type SignatureHeader = string | string[] | null | undefined;
/**
 * The `whsec_…` signing secret, or several during a rotation (a delivery is
 * genuine when any signature matches any of them). A missing one (an unset
 * env var), an empty one or an empty list verifies nothing.
 */
export type Secret = string | readonly string[] | null | undefined;

/** A raw body exactly as received: never re-serialised JSON. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Anything carrying headers and the raw body (an Express-style request). */
export interface WebhookRequestLike {
  headers: Headers | Record<string, string | string[] | undefined>;
  rawBody?: RawBody;
  body?: RawBody;
}

export interface Webhook {
  /**
   * True when the `Contiguity-Signature` header matches and is within
   * tolerance (default 300 s). Always a boolean, never a Promise: a Fetch
   * `Request` (whose body can only be read asynchronously) throws a
   * TypeError; use `verifyRequest` for it. Never throws for bad input from
   * the sender; a missing header or secret is `false`.
   * @throws {ValidationError} when `toleranceSeconds` is not a non-negative number.
   */
  verify(rawBody: RawBody, signatureHeader: SignatureHeader, secret: Secret, toleranceSeconds?: number): boolean;
  verify(request: WebhookRequestLike, secret: Secret, toleranceSeconds?: number): boolean;
  /** The same check for a Fetch `Request` (its body is read from a clone) or any form `verify` takes. */
  verifyRequest(request: Request | WebhookRequestLike, secret: Secret, toleranceSeconds?: number): Promise<boolean>;
  /** @throws {ValidationError} when the body is not a webhook event. */
  parse(rawBody: RawBody | object): WebhookEvent;
}

export declare function verifyWebhookSignature(
  rawBody: RawBody,
  signatureHeader: SignatureHeader,
  secret: Secret,
  toleranceSeconds?: number,
): boolean;
export declare function verifyWebhookSignature(
  request: WebhookRequestLike,
  secret: Secret,
  toleranceSeconds?: number,
): boolean;

export declare function verifyWebhookRequest(
  request: Request | WebhookRequestLike,
  secret: Secret,
  toleranceSeconds?: number,
): Promise<boolean>;

export declare function parseWebhookPayload(rawBody: RawBody | object): WebhookEvent;

// ---------------------------------------------------------------------------
// Webhook handler (docs/webhooks.md)

/** What a store answers to `claim`: this caller runs the event, or another delivery is running it, or has. */
export type ClaimState = 'claimed' | 'pending' | 'done';

/**
 * Where a handler remembers the events it has handled. Every method is
 * asynchronous. `claim` must decide and record in one step: of concurrent
 * claims of one id, exactly one is `'claimed'`.
 */
export interface DedupeStore {
  /** `'claimed'` (and recorded as pending for `leaseSeconds`) when the id is unknown, released or expired. */
  claim(id: string, leaseSeconds: number): Promise<ClaimState>;
  /** The event was handled: `'done'` for `ttlSeconds`. */
  complete(id: string, ttlSeconds: number): Promise<void>;
  /** The handler failed: forget the id, so that a redelivery runs it again. */
  release(id: string): Promise<void>;
}

export interface DedupeOptions {
  /** Default: a memory store for this process or isolate. */
  store?: DedupeStore;
  /** How long a handled event is remembered. Default 259200 (three days). */
  ttlSeconds?: number;
  /** How long a running event holds off its redeliveries (then runs again if not done). Default 600. */
  leaseSeconds?: number;
}

/** A runtime's context that can keep work running after the response (a Worker's `ctx`). */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void;
}

export interface EventContext<Env = unknown> {
  /** The handler's client (`options.client`, or one made from `apiKey`/`clientOptions` on first use). */
  readonly client: Contiguity;
  /** The handler's second argument: a Worker's `env`. */
  readonly env: Env;
}

/** An incoming message's helpers: each answers the sender from the number the message reached. */
export interface MessageContext<Env = unknown> extends EventContext<Env> {
  /** `imessage.reply(event, params)`; a string is `{ message }`. */
  reply(params: string | ReplyParams): Promise<SendResult>;
  typing(action: TypingAction): Promise<StatusResult>;
  /** Marks the conversation read. */
  read(): Promise<StatusMessageResult>;
  /** Adds a tapback to `message` (default: the text of the incoming message). */
  react(tapback: Tapback, message?: string): Promise<StatusMessageResult>;
}

export interface WebhookHandlerOptions<Env = unknown> {
  /**
   * The `whsec_…` secret, or several during a rotation. Required: a missing
   * value (an unset environment variable) is a TypeError when the handler is
   * created, or when options given as a function are read (answered 500).
   */
  secret: Secret;
  /** For `imessage.incoming` events. */
  onMessage?: (event: ImessageIncomingEvent, context: MessageContext<Env>) => unknown;
  /** For every event `onMessage` does not take (all of them without `onMessage`). */
  onEvent?: (event: WebhookEvent, context: EventContext<Env>) => unknown;
  /** Told of every failure (a callback that threw, a store that failed). Default: `console.error`. */
  onError?: (error: unknown, event: WebhookEvent | undefined) => void;
  /** Default: a memory store, `ttlSeconds` 259200, `leaseSeconds` 600. `false`: no de-duplication. */
  dedupe?: DedupeStore | DedupeOptions | false;
  /** How far the signature's timestamp may be from now. Default 300. */
  toleranceSeconds?: number;
  /** The client the helpers use. Or give `apiKey` and `clientOptions`, and one is made on first use. */
  client?: Contiguity;
  /** For the client made on first use; when absent, `new Contiguity()` reads the environment. */
  apiKey?: string;
  clientOptions?: ContiguityOptions;
  /** Run the callbacks after answering 200, where the runtime gives a `waitUntil`. Default true. */
  background?: boolean;
  /** Bodies above this many bytes are answered 413 unread. Default 1048576. */
  maxBodyBytes?: number;
}

/**
 * `(request, env, ctx)` as Workers call `fetch`; `(request, ctx)` with a
 * `waitUntil` (Vercel's edge functions, Next.js with `after`); `(request)` alone.
 * Resolves to a Response (200, 400, 401, 405, 409, 413 or 500) for any
 * request; rejects only when `request` is not a Fetch Request.
 */
export type WebhookHandler<Env = unknown> = (
  request: Request,
  env?: Env | WaitUntilContext,
  context?: WaitUntilContext,
) => Promise<Response>;

/**
 * A webhook receiver: verifies, parses, drops redeliveries, runs the
 * callbacks. Options given as a function are read on the first request,
 * with its `env`, and kept.
 * @throws {TypeError} naming the option, for options given as an object.
 */
export declare function createWebhookHandler<Env = unknown>(
  options:
    | WebhookHandlerOptions<Env>
    | ((env: Env) => WebhookHandlerOptions<Env> | Promise<WebhookHandlerOptions<Env>>),
): WebhookHandler<Env>;

/** The parts of Node's `IncomingMessage` the adapter reads (an Express request is one). */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /** A body already read as it was received (express.raw()). */
  body?: unknown;
  rawBody?: unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** The parts of Node's `ServerResponse` the adapter writes. */
export interface NodeResponseLike {
  readonly headersSent: boolean;
  writeHead(status: number, headers?: Record<string, string | string[]>): unknown;
  end(chunk?: Uint8Array): unknown;
}

export interface NodeHandler {
  (req: NodeRequestLike, res: NodeResponseLike): Promise<void>;
  /** Resolves once the work handed to `waitUntil` so far is done: await it before the process exits. */
  drain(): Promise<void>;
}

/**
 * A Fetch handler as `(req, res)` for node:http, Express and the like: the
 * request's raw body streamed into a Request, the handler called as
 * `handler(request, options.env, { waitUntil })`.
 */
export declare function toNodeHandler<Env = undefined>(
  handler: (request: Request, env: Env, context: WaitUntilContext) => Response | Promise<Response>,
  options?: { env?: Env },
): NodeHandler;

/** Per process or isolate, at most `maxEntries` events (default 10000; the oldest dropped first). */
export declare function memoryStore(options?: { maxEntries?: number }): DedupeStore;

/** The parts of a Workers KV namespace binding the store uses. */
export interface KVNamespaceLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Workers KV, behind a memory store for this isolate. Best effort across
 * isolates: KV is eventually consistent. Keys are `prefix` (default
 * "contiguity-webhook:") + the event id.
 */
export declare function kvStore(namespace: KVNamespaceLike, options?: { prefix?: string; maxEntries?: number }): DedupeStore;

/** The parts of a Durable Object namespace binding the store uses. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: any): { fetch(input: string, init?: { method?: string }): Promise<Response> };
}

/** The ContiguityDedupe Durable Object: one claim per event id across every isolate and data centre. */
export declare function durableObjectStore(namespace: DurableObjectNamespaceLike, options?: { prefix?: string }): DedupeStore;

/**
 * The Durable Object class of `durableObjectStore`. Export it from the
 * Worker's main module and bind it in wrangler.toml:
 *
 *     durable_objects.bindings = [{ name = "WEBHOOK_DEDUPE", class_name = "ContiguityDedupe" }]
 *     migrations = [{ tag = "v1", new_sqlite_classes = ["ContiguityDedupe"] }]
 */
export declare class ContiguityDedupe {
  constructor(state: { storage: unknown; blockConcurrencyWhile(callback: () => Promise<unknown>): Promise<unknown> }, env?: unknown);
  fetch(request: Request): Promise<Response>;
  alarm(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Errors

export type ContiguityErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  | 'invalid_response';

/** The service or the network failed the call. */
export declare class ContiguityError extends Error {
  readonly name: 'ContiguityError';
  readonly code: ContiguityErrorCode;
  /** HTTP status; undefined when no response arrived (network_error, timeout). */
  readonly status?: number;
  /** The service's "err_…" id, when it sent one. */
  readonly requestId?: string;
  /** Set for entitlement errors such as Fast Track. */
  readonly data?: { agreement_url: string };
  /** Seconds the service asked to wait (Retry-After). */
  readonly retryAfter?: number;
  /**
   * For `network_error`: what `fetch` threw (a runtime's TypeError with its
   * own cause chain, e.g. `cause.cause.code === 'ECONNREFUSED'`), or a
   * redacted copy of it when its text mentioned a secret.
   */
  readonly cause?: unknown;
  constructor(
    message: string,
    details?: {
      code?: ContiguityErrorCode;
      status?: number;
      requestId?: string;
      data?: { agreement_url: string };
      retryAfter?: number;
      cause?: unknown;
    },
  );
  /** The official SDK's form, as tests written for it make their errors. */
  constructor(message: string, status?: number, code?: ContiguityErrorCode, data?: ContiguityErrorData);
}

export type ValidationIssueCode =
  | 'invalid_type'
  | 'invalid_value'
  | 'invalid_format'
  | 'too_small'
  | 'too_big'
  | 'unrecognized_keys'
  | 'custom';

export interface ValidationIssue {
  code: ValidationIssueCode;
  /** Where: `['fallback', 'when', 0]`. */
  path: (string | number)[];
  message: string;
}

/** The input was invalid; nothing was sent. */
export declare class ValidationError extends Error {
  readonly name: 'ValidationError';
  /** Every problem found, not only the first (zod 4's name). */
  readonly issues: ValidationIssue[];
  /** The same list (zod 3's name). */
  readonly errors: ValidationIssue[];
  constructor(message: string, issues?: ValidationIssue[]);
}
