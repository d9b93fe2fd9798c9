// The side panel: every API request (newest first), and every webhook
// delivery with a way to redeliver it.
import { $, h, timeWithSeconds, pretty } from './dom.js';

function statusClass(status) {
  if (status >= 500) return 's5';
  if (status >= 400) return 's4';
  if (status >= 200) return 's2';
  return 's0';
}

/** `expanded` holds the ids of the entries shown in full; `onToggle(id)` flips one. */
export function renderRequests(requests, expanded, onToggle) {
  $('requests-count').textContent = requests.length || '';
  const rows = [...requests].reverse().map((r) => {
    const pending = r.status === 0 && r.durationMs === null && !r.fault;
    const status = r.status ? String(r.status) : pending ? 'pending' : (r.fault ?? '\u2014');
    return h('li', { class: `entry${r.fault ? ' faulted' : ''}`, dataset: { requestId: r.id, status: r.status, fault: r.fault } },
      h('button', { type: 'button', class: 'entry-head', onclick: () => onToggle(r.id) },
        h('span', { class: 'entry-time' }, timeWithSeconds(r.timestamp)),
        h('span', { class: 'method' }, r.method),
        h('span', { class: 'path' }, r.path + (r.query ? `?${r.query}` : '')),
        r.fault ? h('span', { class: 'badge fault' }, `fault: ${r.fault}`) : null,
        h('span', { class: `status ${statusClass(r.status)}` }, status),
        h('span', { class: 'duration' }, r.durationMs === null ? '' : `${r.durationMs} ms`)),
      r.error ? h('div', { class: 'entry-error' }, r.error) : null,
      expanded.has(r.id) ? h('div', { class: 'entry-detail' },
        h('div', { class: 'kv' }, `Content-Type: ${r.contentType ?? '(none)'}`),
        r.body ? h('pre', {}, pretty(r.body)) : h('div', { class: 'kv' }, 'No body'),
        r.bodyLength > r.body.length ? h('div', { class: 'kv' }, `(the first ${r.body.length} of ${r.bodyLength} characters)`) : null) : null);
  });
  if (rows.length === 0) rows.push(h('li', { class: 'empty' }, 'No API requests yet. Point your bot at this sandbox\u2019s URL.'));
  $('requests').replaceChildren(...rows);
}

export function renderDeliveries(deliveries, expanded, { onToggle, onRedeliver }) {
  $('deliveries-count').textContent = deliveries.length || '';
  const rows = [...deliveries].reverse().map((d) => {
    const underWay = d.durationMs === null;
    const outcome = d.error ? 'failed' : underWay ? 'sending' : String(d.status);
    return h('li', { class: 'entry', dataset: { deliveryId: d.id, eventId: d.eventId, status: d.status ?? '' } },
      h('button', { type: 'button', class: 'entry-head', onclick: () => onToggle(d.id) },
        h('span', { class: 'entry-time' }, timeWithSeconds(d.timestamp)),
        h('span', { class: 'method' }, 'POST'),
        h('span', { class: 'path' }, d.url),
        d.redeliveryOf ? h('span', { class: 'badge' }, 'redelivery') : null,
        h('span', { class: `status ${d.error ? 's5' : statusClass(d.status ?? 0)}` }, outcome),
        h('span', { class: 'duration' }, underWay ? '' : `${d.durationMs} ms`)),
      h('div', { class: 'entry-sub' }, `imessage.incoming ${d.eventId}`,
        h('button', { type: 'button', class: 'redeliver', onclick: () => onRedeliver(d.id), disabled: underWay }, 'Redeliver')),
      d.error ? h('div', { class: 'entry-error' }, d.error) : null,
      expanded.has(d.id) ? h('div', { class: 'entry-detail' },
        h('div', { class: 'kv' }, 'Response body'),
        h('pre', {}, d.responseBody ? pretty(d.responseBody) : '(empty)'),
        h('div', { class: 'kv' }, 'Event'),
        h('pre', {}, pretty(d.rawBody))) : null);
  });
  if (rows.length === 0) rows.push(h('li', { class: 'empty' }, 'No webhook deliveries yet. Set a webhook URL and write as a customer.'));
  $('deliveries').replaceChildren(...rows);
}
