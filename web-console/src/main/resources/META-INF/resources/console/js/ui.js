// Small helpers for rendering: escaped HTML templates, formatting, messages and dialogs.

class Raw { constructor(s) { this.s = s; } toString() { return this.s; } }
export const raw = (s) => new Raw(String(s));

export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function part(v) {
  if (v instanceof Raw) return v.s;
  if (Array.isArray(v)) return v.map(part).join('');
  if (v === false || v === null || v === undefined) return '';
  return esc(v);
}

/** A tagged template: values are escaped unless they are html`` results themselves. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => { out += part(v) + strings[i + 1]; });
  return new Raw(out);
}

export function mount(el, content) { el.innerHTML = part(content); }

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

export function money(v, digits = 3) {
  if (v === null || v === undefined || v === '') return '—';
  return '$' + Number(v).toFixed(digits);
}

export function duration(ms) {
  if (ms == null || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? esc(iso) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function relative(iso) {
  if (!iso) return '';
  const diff = new Date(iso).getTime() - Date.now();
  const words = duration(Math.abs(diff));
  return diff >= 0 ? `in ${words}` : `${words} ago`;
}

const STATUS_TONE = {
  RUNNING: 'ok', HEALTHY: 'ok', COMPLETED: 'ok', SUCCEEDED: 'ok', SUCCESS: 'ok', ACTIVE: 'ok',
  PROVISIONING: 'info', LOADING: 'info', STARTING: 'info', QUEUED: 'info', PENDING: 'info',
  STOPPING: 'warn', DESTROYING: 'warn', DEGRADED: 'warn', CANCELLED: 'warn', CANCELED: 'warn',
  ERROR: 'bad', FAILED: 'bad', UNREACHABLE: 'bad', REVOKED: 'bad',
};

export function badge(value, label) {
  const v = String(value ?? 'UNKNOWN').toUpperCase();
  return html`<span class="badge ${STATUS_TONE[v] || ''}" data-status="${v}">${label ?? titleCase(v)}</span>`;
}

export function titleCase(s) {
  return String(s).toLowerCase().replace(/_/g, ' ').replace(/^\w/, c => c.toUpperCase());
}

export function progress(percent, label) {
  const p = Math.max(0, Math.min(100, Number(percent) || 0));
  return html`<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"
    aria-valuenow="${Math.round(p)}" aria-label="${label || 'Progress'}"><span style="width:${p}%"></span></div>`;
}

/** What kind of media an output is by its content type: image, video, audio, or other. */
export function mediaKind(contentType) {
  const t = String(contentType || '').toLowerCase();
  return t.startsWith('image/') ? 'image' : t.startsWith('video/') ? 'video' : t.startsWith('audio/') ? 'audio' : 'other';
}

/**
 * One output as the browser can play it: a picture, a <video> or <audio> player whose <source>
 * names the content type (so the browser picks a decoder instead of guessing), a note when
 * retention deleted it, or a link for anything else.
 */
export function outputMedia(o, label) {
  if (o.storage === 'expired') return html`<span class="muted" data-expired>${label}: expired (deleted by retention)</span>`;
  const kind = mediaKind(o.contentType);
  if (kind === 'image') return html`<a href="${o.url}" target="_blank" rel="noopener"><img loading="lazy" src="${o.url}" alt="${label}"></a>`;
  if (kind === 'video') return html`<video controls preload="metadata" aria-label="${label}"><source src="${o.url}" type="${o.contentType}"><a href="${o.url}">${label}</a></video>`;
  if (kind === 'audio') return html`<audio controls preload="metadata" aria-label="${label}"><source src="${o.url}" type="${o.contentType}"><a href="${o.url}">${label}</a></audio>`;
  return html`<a href="${o.url}">${label} (${o.contentType})</a>`;
}

/** An error from the API in plain words, with the fields it names. */
export function errorBox(error) {
  if (!error) return '';
  const list = (error.errors || []).filter(e => e && (e.field || e.message));
  return html`<div class="alert error" role="alert">
    <strong>${error.message || String(error)}</strong>
    ${list.length ? html`<ul>${list.map(e => html`<li>${e.field ? html`<b>${fieldLabel(e.field)}</b>: ` : ''}${e.message}</li>`)}</ul>` : ''}
  </div>`;
}

function fieldLabel(field) {
  return String(field).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/\./g, ' › ').toLowerCase();
}

export function notice(text) { return html`<div class="alert notice" role="status">${text}</div>`; }

/** Shows a message in the corner for a few seconds. */
export function flash(text, tone = 'success') {
  const box = document.getElementById('flash');
  const el = document.createElement('div');
  el.className = `alert ${tone}`;
  el.setAttribute('role', tone === 'error' ? 'alert' : 'status');
  el.textContent = text;
  box.appendChild(el);
  setTimeout(() => el.remove(), tone === 'error' ? 8000 : 4000);
}

/**
 * Asks for confirmation in a modal dialog; resolves to the values of its inputs (or true), or
 * null when cancelled. Escape cancels, Enter confirms.
 */
export function confirmDialog({ title, body = '', confirm = 'Confirm', tone = 'danger', extra = '' }) {
  const dialog = document.getElementById('dialog');
  mount(dialog, html`<form method="dialog" class="confirm">
    <h2>${title}</h2>
    <div>${body}</div>
    ${extra}
    <div class="form-actions">
      <button class="btn ${tone}" value="confirm" data-confirm>${confirm}</button>
      <button class="btn secondary" value="cancel" formnovalidate>Cancel</button>
    </div>
  </form>`);
  return new Promise(resolve => {
    const form = dialog.querySelector('form');
    dialog.onclose = () => {
      const values = {};
      for (const input of form.querySelectorAll('input')) {
        values[input.name] = input.type === 'checkbox' ? input.checked : input.value;
      }
      dialog.innerHTML = '';
      resolve(dialog.returnValue === 'confirm' ? values : null);
    };
    dialog.returnValue = '';
    dialog.showModal();
    (dialog.querySelector('input') || dialog.querySelector('[data-confirm]')).focus();
  });
}

/** Shows information in a modal dialog with one button to close it. */
export function infoDialog(content, closeLabel = 'Close') {
  const dialog = document.getElementById('dialog');
  mount(dialog, html`<form method="dialog">${content}
    <div class="form-actions"><button class="btn" value="close">${closeLabel}</button></div></form>`);
  // A secret shown once must leave the page the moment the dialog is dismissed: the close event
  // comes a task later, so the content is cleared on the submit (or Escape) itself.
  return new Promise(resolve => {
    const dismiss = () => {
      dialog.onclose = dialog.oncancel = null;
      dialog.innerHTML = '';
      if (dialog.open) dialog.close();
      resolve();
    };
    dialog.querySelector('form').addEventListener('submit', event => { event.preventDefault(); dismiss(); });
    dialog.oncancel = event => { event.preventDefault(); dismiss(); };
    dialog.onclose = dismiss;
    dialog.showModal();
  });
}

/** Reads a form into an object of trimmed strings (checkboxes as booleans). */
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') {
      if (el.dataset.group) { (out[el.dataset.group] ||= []); if (el.checked) out[el.dataset.group].push(el.value); }
      else out[el.name] = el.checked;
    } else if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; }
    else out[el.name] = el.value.trim();
  }
  return out;
}

export const numberOrNull = (v) => (v === '' || v == null ? null : Number(v));

/** Runs fn now and every ms while the page is shown; returns a stop function. */
export function every(ms, fn) {
  let stopped = false, timer;
  const tick = async () => {
    if (stopped) return;
    try { await fn(); } finally { if (!stopped) timer = setTimeout(tick, ms); }
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

/** What to show when a whole page depends on an endpoint that is not there yet. */
export function unavailable(what, error) {
  return html`<div class="alert notice" role="status" data-unavailable>
    <strong>${what} are not available on this platform yet.</strong>
    <div>${error.message}</div>
    <div class="muted">This page starts working as soon as that part of the API is deployed.</div>
  </div>`;
}
