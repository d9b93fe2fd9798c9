// Small DOM and formatting helpers for the inspector. Text always goes in
// as text nodes, never parsed as HTML: every string shown comes from
// requests anyone could have sent.

export const $ = (id) => document.getElementById(id);

/** A DOM element: h('div', { class: 'x', onclick, dataset: { id } }, 'text', child, [children]). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') {
      for (const [key, item] of Object.entries(value)) if (item !== null && item !== undefined) element.dataset[key] = String(item);
    } else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An inline SVG of one path, coloured like the text around it. */
export function icon(pathData, { rotate = 0 } = {}) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  if (rotate) svg.setAttribute('transform', `rotate(${rotate})`);
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', pathData);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

export const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
export const timeWithSeconds = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function dayAndTime(ms) {
  const date = new Date(ms);
  const today = new Date().toDateString() === date.toDateString();
  return `${today ? 'Today' : date.toLocaleDateString([], { weekday: 'short', month: 'short', day: 'numeric' })} ${time(ms)}`;
}

export const isHttp = (url) => /^https?:\/\//i.test(url);

export function decodeURIComponentSafe(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** JSON shown indented; anything else as it is. */
export function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
