// The conversations and the open one, as chat bubbles: outgoing iMessage
// blue, SMS green, incoming grey; attachments, tapbacks, receipts, typing.
import { $, h, icon, time, timeWithSeconds, dayAndTime, isHttp, decodeURIComponentSafe } from './dom.js';

// Tapbacks drawn, not typed as emoji: a machine without an emoji font would
// show empty boxes.
const HEART = 'M12 20C12 20 3 14 3 8.5 3 5.5 5.2 3.5 7.7 3.5c1.9 0 3.4 1.2 4.3 2.7.9-1.5 2.4-2.7 4.3-2.7 2.5 0 4.7 2 4.7 5C21 14 12 20 12 20z';
const THUMB = 'M3 10h4v10H3zM9 10l4-7c1.2 0 2 .9 2 2v4h5c1.1 0 2 .9 1.8 2l-1.4 7c-.2.9-1 1.5-1.9 1.5H9z';
const FILE = 'M6 2h8l5 5v15H6zM14 2v5h5';
const TAPBACK_TEXT = { laugh: 'HA HA', emphasize: '!!', question: '?' };
const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp|svg|heic|avif)$/i;
// A gap this long between two messages starts a new time heading; one this
// long ends a group of bubbles (the last of a group has the tail).
const TIME_HEADING_GAP_MS = 15 * 60 * 1000;
const GROUP_GAP_MS = 60 * 1000;

export const keyOf = (leased, person) => `${leased} ${person}`;

/** The leased line and the person of a message, a reaction or a typing state. */
function conversationOf(item) {
  if (item.direction === 'outgoing') return { leased: item.from, person: item.to };
  if (item.direction === 'incoming') return { leased: item.to, person: item.from };
  if ('person' in item) return { leased: item.leased, person: item.person }; // a reaction
  return { leased: item.from, person: item.to }; // a typing state
}

const keyOfItem = (item) => {
  const { leased, person } = conversationOf(item);
  return keyOf(leased, person);
};

/** Conversations, most recently active first; `state.drafts` are those opened here with no message yet. */
export function conversations(state) {
  const byKey = new Map();
  const touch = (item, at, preview) => {
    const { leased, person } = conversationOf(item);
    const key = keyOf(leased, person);
    const entry = byKey.get(key) ?? { key, leased, person, at: 0, preview: '' };
    if (at >= entry.at) {
      entry.at = at;
      if (preview !== undefined) entry.preview = preview;
    }
    byKey.set(key, entry);
  };
  for (const m of state.messages) touch(m, m.timestamp, m.message || (m.attachments.length ? 'Attachment' : ''));
  for (const r of state.reactions) touch(r, r.timestamp);
  for (const t of state.typing) touch(t, t.timestamp);
  for (const d of state.drafts) if (!byKey.has(d.key)) byKey.set(d.key, { ...d, preview: 'New conversation' });
  return [...byKey.values()].sort((a, b) => b.at - a.at);
}

/** The conversation picked here, else the most recent one. */
export const selectedConversation = (state, list) => list.find((c) => c.key === state.selected) ?? list[0] ?? null;

/** Tapbacks standing on each message (by id): added and not removed since. */
function tapbacksByMessage(messages, reactions) {
  const standing = new Map();
  for (const r of reactions) {
    // The API names the message by its text: the latest such message sent before the reaction.
    const candidates = messages.filter((m) => m.message === r.on);
    const target = candidates.filter((m) => m.timestamp <= r.timestamp).at(-1) ?? candidates.at(-1);
    if (!target) continue;
    const key = `${target.id} ${r.reaction} ${r.from}`;
    if (r.action === 'added') standing.set(key, { messageId: target.id, reaction: r.reaction, from: r.from });
    else standing.delete(key);
  }
  const out = new Map();
  for (const tapback of standing.values()) {
    if (!out.has(tapback.messageId)) out.set(tapback.messageId, []);
    out.get(tapback.messageId).push(tapback);
  }
  return out;
}

function initials(person) {
  return person.includes('@') ? person[0].toUpperCase() : person.replace(/\D/g, '').slice(-2);
}

export function renderConversationList(state, list, current, onSelect) {
  $('conversations').replaceChildren(...list.map((c) => h('li', {},
    h('button', { type: 'button', class: `conversation${c === current ? ' selected' : ''}`, dataset: { key: c.key }, onclick: () => onSelect(c.key) },
      h('span', { class: 'avatar small' }, initials(c.person)),
      h('span', { class: 'conversation-text' },
        h('span', { class: 'conversation-person' }, c.person),
        h('span', { class: 'conversation-line' }, `via ${c.leased}`),
        h('span', { class: 'conversation-preview' }, c.preview)),
      h('span', { class: 'conversation-time' }, c.at ? time(c.at) : '')))));
  if (list.length === 0) $('conversations').append(h('li', { class: 'empty' }, 'None yet: send a message through the API, or open one below.'));
  const select = document.querySelector('#new-conversation select');
  const leased = state.config.leasedNumbers;
  if (select.options.length !== leased.length || [...select.options].some((o, i) => o.value !== leased[i])) {
    select.replaceChildren(...leased.map((n) => h('option', { value: n }, n)));
  }
  select.hidden = leased.length < 2;
}

export function renderChat(state, current) {
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  $('chat-person').textContent = current ? current.person : 'No conversation yet';
  $('chat-line').textContent = current ? `with your line ${current.leased}` : '';
  $('avatar').textContent = current ? initials(current.person) : '';
  $('composer-who').textContent = current ? `Writing as ${current.person} to ${current.leased}` : '';
  if (!current) {
    box.replaceChildren(h('div', { class: 'empty-chat' },
      h('p', {}, 'Messages your bot sends through the API appear here as they happen.'),
      h('p', {}, 'Open a conversation on the left to write to your bot as a customer.')));
    return;
  }

  const inConversation = (item) => keyOfItem(item) === current.key;
  // By time; messages stored in the same millisecond keep their order.
  const messages = state.messages.filter(inConversation)
    .map((m, order) => ({ m, order }))
    .sort((a, b) => a.m.timestamp - b.m.timestamp || a.order - b.order)
    .map(({ m }) => m);
  const tapbacks = tapbacksByMessage(messages, state.reactions.filter(inConversation));
  const lastRead = messages.filter((m) => m.direction === 'incoming' && m.read).at(-1);
  const lastOutgoing = messages.filter((m) => m.direction === 'outgoing').at(-1);
  // Sending a message ends the typing bubble, as in Messages.
  const typing = state.typing.find((t) => inConversation(t) && t.status === 'started'
    && !(lastOutgoing && lastOutgoing.timestamp > t.timestamp));

  const nodes = [];
  messages.forEach((m, i) => {
    const previous = messages[i - 1];
    if (!previous || m.timestamp - previous.timestamp > TIME_HEADING_GAP_MS) {
      nodes.push(h('div', { class: 'time-heading' }, dayAndTime(m.timestamp)));
    }
    const next = messages[i + 1];
    const lastOfGroup = !next || next.direction !== m.direction || next.timestamp - m.timestamp > GROUP_GAP_MS;
    nodes.push(messageRow(m, tapbacks.get(m.id) ?? [], lastOfGroup));
    if (m === lastRead) {
      nodes.push(h('div', { class: 'receipt in', dataset: { receipt: 'read' } }, 'Read ', h('span', { class: 'receipt-time' }, time(m.read))));
    }
    if (m === lastOutgoing && m.status === 'delivered') nodes.push(h('div', { class: 'receipt out', dataset: { receipt: 'delivered' } }, 'Delivered'));
  });
  if (typing) {
    nodes.push(h('div', { class: 'row out', dataset: { typing: 'started' } },
      h('div', { class: 'bubble typing', title: `typing since ${timeWithSeconds(typing.timestamp)}`, 'aria-label': 'typing' },
        h('span', { class: 'dot' }), h('span', { class: 'dot' }), h('span', { class: 'dot' }))));
  }
  if (messages.length === 0 && !typing) nodes.push(h('div', { class: 'empty-chat' }, h('p', {}, 'No messages yet. Write the first one below.')));
  box.replaceChildren(...nodes);
  if (atBottom || state.scrollToBottom) box.scrollTop = box.scrollHeight;
  state.scrollToBottom = false;
}

function messageRow(m, tapbacks, lastOfGroup) {
  const outgoing = m.direction === 'outgoing';
  const kind = outgoing ? (m.service === 'sms' ? 'sms' : 'imessage') : 'incoming';
  const meta = [time(m.timestamp)];
  if (m.service === 'sms') meta.push('SMS');
  if (m.fast_track) meta.push('\u26A1 Fast Track');
  return h('div', {
    class: `row ${outgoing ? 'out' : 'in'}${m.status === 'failed' ? ' failed' : ''}`,
    dataset: { messageId: m.id, service: m.service ?? 'imessage', direction: m.direction, fastTrack: m.fast_track ? 'true' : null },
    title: new Date(m.timestamp).toISOString(),
  },
  h('div', { class: 'stack' },
    tapbacks.length ? h('div', { class: 'tapbacks' }, tapbacks.map((t) => h('span', {
      class: `tapback ${t.reaction}`,
      dataset: { tapback: t.reaction },
      title: `${t.reaction} from ${t.from}`,
    }, tapbackIcon(t.reaction)))) : null,
    m.attachments.map(attachment),
    m.message ? h('div', { class: `bubble ${kind}${lastOfGroup ? ' tail' : ''}` }, m.message) : null,
    h('div', { class: 'meta' }, meta.join(' \u00B7 '))),
  m.status === 'failed' ? h('div', { class: 'not-delivered', title: 'Not Delivered: the recipient does not have iMessage' }, '!') : null);
}

function tapbackIcon(reaction) {
  if (reaction === 'love') return icon(HEART);
  if (reaction === 'like') return icon(THUMB);
  if (reaction === 'dislike') return icon(THUMB, { rotate: 180 });
  return TAPBACK_TEXT[reaction] ?? reaction;
}

// Images that could not be loaded (no network, say): shown as file chips,
// and not fetched again at every render.
const brokenImages = new Set();

function attachment(url) {
  const path = url.split(/[?#]/)[0];
  const filename = decodeURIComponentSafe(path.split('/').pop() || 'attachment');
  if (!isHttp(url)) return h('span', { class: 'chip' }, filename);
  const chip = () => h('a', { class: 'chip', href: url, target: '_blank', rel: 'noopener noreferrer' }, icon(FILE), filename);
  if (!IMAGE_EXTENSIONS.test(path) || brokenImages.has(url)) return chip();
  const image = h('img', { class: 'thumb', src: url, alt: filename, loading: 'lazy', referrerpolicy: 'no-referrer' });
  const link = h('a', { class: 'thumb-link', href: url, target: '_blank', rel: 'noopener noreferrer' }, image);
  image.addEventListener('error', () => {
    brokenImages.add(url);
    link.replaceWith(chip());
  }, { once: true });
  return link;
}
