// What the sandbox remembers: messages, reactions, typing state, the request
// log and webhook deliveries, each capped (LIMITS in config.js), and a feed
// of every change for the inspector's live view.
import { LIMITS } from './config.js';

/** A list that drops its oldest entries past `items` entries or `bytes` of text. */
class BoundedList {
  #entries = [];
  #sizes = [];
  #bytes = 0;

  constructor({ items, bytes }, sizeOf) {
    this.maxItems = items;
    this.maxBytes = bytes;
    this.sizeOf = sizeOf;
  }

  /** Appends, then drops the oldest while over a cap (never the new entry). */
  push(entry) {
    const size = this.sizeOf(entry);
    this.#entries.push(entry);
    this.#sizes.push(size);
    this.#bytes += size;
    this.#trim();
  }

  /** Re-measures an entry changed in place (a request once its body is read), then trims. */
  resize(entry) {
    const index = this.#entries.lastIndexOf(entry);
    if (index < 0) return;
    const size = this.sizeOf(entry);
    this.#bytes += size - this.#sizes[index];
    this.#sizes[index] = size;
    this.#trim();
  }

  /** Drops the oldest entries while over a cap, always keeping the newest. */
  #trim() {
    let drop = 0;
    while (this.#entries.length - drop > 1
      && (this.#entries.length - drop > this.maxItems || this.#bytes > this.maxBytes)) {
      this.#bytes -= this.#sizes[drop];
      drop += 1;
    }
    if (drop) {
      this.#entries.splice(0, drop);
      this.#sizes.splice(0, drop);
    }
  }

  get all() { return this.#entries; }
  get bytes() { return this.#bytes; }
}

const textSize = (...texts) => texts.reduce((sum, text) => sum + (text?.length ?? 0), 0);

export class Store {
  #listeners = new Set();

  constructor() {
    this.clear();
  }

  clear() {
    this.messages = new BoundedList(LIMITS.messages, (m) => textSize(m.message, ...m.attachments));
    this.reactions = new BoundedList(LIMITS.reactions, (r) => textSize(r.on));
    this.typing = new Map();
    // The body text and its parsed copy (record.json holds the same strings again).
    this.requests = new BoundedList(LIMITS.requests, (r) => 2 * textSize(r.body));
    this.deliveries = new BoundedList(LIMITS.deliveries, (d) => textSize(d.rawBody, d.responseBody));
  }

  /** Calls `listener(kind, data)` on every change; returns the unsubscribe function. */
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(kind, data) {
    for (const listener of this.#listeners) listener(kind, data);
  }

  addMessage(message) {
    this.messages.push(message);
    this.emit('message', message);
  }

  /** Marks the person's unread incoming messages on that line read; returns how many. */
  markRead(person, leased, at) {
    let count = 0;
    for (const message of this.messages.all) {
      if (message.direction === 'incoming' && message.from === person && message.to === leased && !message.read) {
        message.read = at;
        count += 1;
        this.emit('message', message);
      }
    }
    return count;
  }

  addReaction(reaction) {
    this.reactions.push(reaction);
    this.emit('reaction', reaction);
  }

  setTyping(state) {
    const key = `${state.to}\n${state.from}`;
    // Re-inserted, so the Map's order is least recently typed first.
    this.typing.delete(key);
    this.typing.set(key, state);
    if (this.typing.size > LIMITS.typingConversations) this.typing.delete(this.typing.keys().next().value);
    this.emit('typing', state);
  }

  addRequest(record) {
    this.requests.push(record);
    this.emit('request', record);
  }

  /** The request was answered (or hung or dropped): its status and body are final. */
  updateRequest(record) {
    this.requests.resize(record);
    this.emit('request', record);
  }

  addDelivery(delivery) {
    this.deliveries.push(delivery);
    this.emit('delivery', delivery);
  }

  updateDelivery(delivery) {
    this.deliveries.resize(delivery);
    this.emit('delivery', delivery);
  }

  findMessage(id) {
    return this.messages.all.find((message) => message.id === id);
  }

  findDelivery(id) {
    return this.deliveries.all.find((delivery) => delivery.id === id);
  }
}
