// The sandbox inspector: a live view of the sandbox's state, from the
// server-sent events at /__sandbox/events, and the controls (composer,
// webhook URL, rules, faults, redelivery), all through the sandbox's
// control endpoints. Plain browser modules, no build step.
import { $, h } from './dom.js';
import { conversations, keyOf, renderChat, renderConversationList, selectedConversation } from './chat.js';
import { renderDeliveries, renderRequests } from './log.js';

const SAMPLE_PHOTO = `${location.origin}/__sandbox/media/plant.svg`;
const DEFAULT_PERSON = '+15551234567';

// What the fault buttons queue for the next API request.
const FAULTS = {
  429: { status: 429, headers: { 'retry-after': '1' } },
  502: {
    status: 502,
    headers: { 'content-type': 'text/html' },
    body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
  },
  hang: { hang: true },
  drop: { drop: true },
};

const state = {
  config: { leasedNumbers: [], rules: {}, webhookUrl: null, webhookSecrets: 1, fastTrack: true },
  limits: null,
  messages: [],
  reactions: [],
  typing: [],
  requests: [],
  deliveries: [],
  faults: [],
  selected: null, // the conversation picked here; null follows the most recent
  drafts: [], // conversations opened here that have no message yet
  attachPhoto: false,
  scrollToBottom: false,
  expanded: new Set(), // ids of log entries shown in full
};

// ---------------------------------------------------------------- rendering

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function render() {
  const list = conversations(state);
  const current = selectedConversation(state, list);
  renderConversationList(state, list, current, (key) => { state.selected = key; scheduleRender(); });
  renderChat(state, current);
  renderSettings();
  renderRequests(state.requests, state.expanded, toggle);
  renderDeliveries(state.deliveries, state.expanded, { onToggle: toggle, onRedeliver: redeliver });
}

function renderSettings() {
  const { config } = state;
  const input = $('webhook-url');
  if (document.activeElement !== input) input.value = config.webhookUrl ?? '';
  $('webhook-note').textContent = config.webhookUrl
    ? `imessage.incoming is POSTed there, signed with ${config.webhookSecrets} secret${config.webhookSecrets === 1 ? '' : 's'}.`
    : 'None set: customer messages are stored, not delivered.';
  $('rule-pacing').checked = Boolean(config.rules.pacing);
  $('rule-availability').checked = Boolean(config.rules.availability);
  $('rule-fast-track').checked = Boolean(config.fastTrack);
  $('queued-faults').replaceChildren(...state.faults.map((f) =>
    h('span', { class: 'queued-fault', dataset: { fault: f.kind } }, `${f.kind}${f.times > 1 ? ` \u00D7${f.times}` : ''} queued`)));
}

function toggle(id) {
  if (state.expanded.has(id)) state.expanded.delete(id);
  else state.expanded.add(id);
  scheduleRender();
}

// ---------------------------------------------------------------- live updates

/** Replaces the item with the same id, or appends it; then keeps at most `limit`, like the sandbox. */
function upsert(list, item, limit) {
  const index = list.findIndex((existing) => existing.id === item.id);
  if (index >= 0) list[index] = item;
  else list.push(item);
  if (limit && list.length > limit) list.splice(0, list.length - limit);
}

function connect() {
  const events = new EventSource('/__sandbox/events');
  const live = $('live');
  events.addEventListener('open', () => { live.dataset.state = 'live'; live.textContent = 'live'; });
  events.addEventListener('error', () => { live.dataset.state = 'connecting'; live.textContent = 'reconnecting'; });
  const on = (kind, apply) => events.addEventListener(kind, (event) => {
    apply(JSON.parse(event.data));
    scheduleRender();
  });
  // Sent first on every connection, and after a reset.
  on('snapshot', (snapshot) => {
    const { config, limits, messages, reactions, typing, requests, deliveries, faults } = snapshot;
    Object.assign(state, { config, limits, messages, reactions, typing, requests, deliveries, faults });
  });
  on('message', (m) => upsert(state.messages, m, state.limits?.messages.items));
  on('reaction', (r) => {
    state.reactions.push(r);
    if (state.limits && state.reactions.length > state.limits.reactions.items) state.reactions.shift();
  });
  on('typing', (t) => {
    state.typing = state.typing.filter((x) => !(x.to === t.to && x.from === t.from));
    state.typing.push(t);
  });
  on('request', (r) => upsert(state.requests, r, state.limits?.requests.items));
  on('delivery', (d) => upsert(state.deliveries, d, state.limits?.deliveries.items));
  on('faults', (faults) => { state.faults = faults; });
  on('config', (config) => { state.config = config; });
}

// ---------------------------------------------------------------- controls

/** POSTs JSON to a control endpoint; resolves with { ok, status, body }. */
async function control(path, body) {
  const response = await fetch(`/__sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* shown as text */ }
  return { ok: response.ok, status: response.status, body: json ?? text };
}

function say(text, isError = false) {
  const status = $('composer-status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/** The conversation to write in: the open one, else a new one with a default person. */
function composerConversation() {
  const current = selectedConversation(state, conversations(state));
  if (current) return current;
  const leased = state.config.leasedNumbers[0];
  return leased ? { key: keyOf(leased, DEFAULT_PERSON), leased, person: DEFAULT_PERSON } : null;
}

async function sendAsCustomer(event) {
  event.preventDefault();
  const input = $('composer-text');
  const current = composerConversation();
  const text = input.value;
  if (!current || (text.trim() === '' && !state.attachPhoto)) return;
  const params = { from: current.person, to: current.leased, body: text };
  if (state.attachPhoto) params.attachments = [{ url: SAMPLE_PHOTO, mime: 'image/svg+xml', filename: 'plant.svg' }];
  input.value = '';
  setAttachPhoto(false);
  state.selected = current.key;
  state.scrollToBottom = true;
  const result = await control('incoming', params);
  if (!result.ok) say(`Stored, but ${result.body.error ?? `HTTP ${result.status}`}`, true);
  else if (result.body.delivery) say(`Delivered to the webhook: HTTP ${result.body.delivery.status}`);
  else say('Stored. No webhook URL is set, so nothing was delivered.');
}

function setAttachPhoto(on) {
  state.attachPhoto = on;
  const box = $('composer-attachment');
  box.hidden = !on;
  box.replaceChildren(...(on ? [
    h('img', { class: 'thumb small', src: SAMPLE_PHOTO, alt: 'sample photo' }),
    h('span', {}, 'plant.svg'),
    h('button', { type: 'button', class: 'link', onclick: () => setAttachPhoto(false) }, 'Remove'),
  ] : []));
  $('attach').classList.toggle('active', on);
}

async function redeliver(id) {
  const result = await control('redeliver', { id });
  if (!result.ok) say(`Redelivery failed: ${result.body.error ?? result.status}`, true);
}

function openConversation(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const person = form.person.value.trim();
  const leased = form.leased.value || state.config.leasedNumbers[0];
  if (!person || !leased) return;
  const key = keyOf(leased, person);
  if (!state.drafts.some((d) => d.key === key)) state.drafts.push({ key, leased, person, at: Date.now() });
  state.selected = key;
  form.person.value = '';
  scheduleRender();
  $('composer-text').focus();
}

async function saveWebhookUrl(event) {
  event.preventDefault();
  const url = $('webhook-url').value.trim();
  const result = await control('config', { webhookUrl: url === '' ? null : url });
  if (!result.ok) say(result.body.error ?? `HTTP ${result.status}`, true);
  $('webhook-url').blur();
}

function showTab(tab) {
  for (const other of document.querySelectorAll('[data-tab]')) {
    const active = other === tab;
    other.setAttribute('aria-selected', String(active));
    $(`tab-${other.dataset.tab}`).hidden = !active;
  }
}

function wireControls() {
  $('composer').addEventListener('submit', sendAsCustomer);
  $('attach').addEventListener('click', () => setAttachPhoto(!state.attachPhoto));
  $('new-conversation').addEventListener('submit', openConversation);
  $('webhook-form').addEventListener('submit', saveWebhookUrl);
  $('rule-pacing').addEventListener('change', (e) => control('config', { rules: { pacing: e.target.checked } }));
  $('rule-availability').addEventListener('change', (e) => control('config', { rules: { availability: e.target.checked } }));
  $('rule-fast-track').addEventListener('change', (e) => control('config', { fastTrack: e.target.checked }));
  $('reset').addEventListener('click', () => {
    state.drafts = [];
    state.selected = null;
    control('reset', {});
  });
  for (const button of document.querySelectorAll('[data-fault]')) {
    button.addEventListener('click', () => control('faults', FAULTS[button.dataset.fault]));
  }
  for (const tab of document.querySelectorAll('[data-tab]')) tab.addEventListener('click', () => showTab(tab));
}

wireControls();
connect();
render();
