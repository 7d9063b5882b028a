// DOM building without innerHTML: every string from the API lands in a text node.
import { t } from './i18n.js';

// h('button', {id: 'x', class: 'y', onclick: fn}, 'text', child…)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'testid') el.dataset.testid = value;
    else if (name === 'value' || name === 'checked' || name === 'disabled' || name === 'selected') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// A link, only when `href` is http(s) or an in-app hash; else plain text.
export function safeLink(href, text, attrs = {}) {
  if (typeof href === 'string' && (/^https?:\/\//i.test(href) || href.startsWith('#/'))) {
    return h('a', { ...attrs, href }, text);
  }
  return h('span', {}, text);
}

// The words shown for an error: the API's own message, with who could not be reached.
export function errorText(err, venueName = '') {
  if (!err) return '';
  const detail = err.message || String(err);
  if (err.local) return detail;
  if (err.httpStatus === 401) return t('error.unauthenticated', { detail });
  if (err.network) return venueName ? t('error.unavailable', { venue: venueName, detail }) : t('error.network', { detail });
  if (err.httpStatus === 503 || err.status === 'UNAVAILABLE') {
    return venueName ? t('error.unavailable', { venue: venueName, detail }) : detail;
  }
  if (err.httpStatus) return t('error.api', { detail, status: err.status || err.httpStatus });
  return t('error.unknown', { detail });
}

let messageEl = null;

// The global message area (#message): role=alert for errors, role=status otherwise.
export function showMessage(text, kind = 'info', link = null) {
  messageEl = messageEl || document.getElementById('message');
  messageEl.replaceChildren();
  messageEl.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  messageEl.dataset.kind = kind;
  messageEl.className = `message message-${kind}`;
  if (!text) {
    messageEl.hidden = true;
    return;
  }
  messageEl.hidden = false;
  messageEl.append(h('span', { testid: 'message-text' }, text));
  if (link) messageEl.append(' ', h('a', { href: link.href, testid: 'message-link' }, link.text));
}

export function showError(err, venueName = '') {
  // A refused token means signing in again: say so and link there.
  const link = err && err.httpStatus === 401 ? { href: '#/signin', text: t('nav.signin') } : null;
  showMessage(errorText(err, venueName), 'error', link);
}

export function clearMessage() {
  showMessage('');
}
