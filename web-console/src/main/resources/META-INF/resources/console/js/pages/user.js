import { get, post, patch, del } from '../api.js';
import { html, mount, $, errorBox, badge, when, flash, formValues, numberOrNull, confirmDialog, infoDialog } from '../ui.js';

const LIMITS = [
  ['generationsPerMinute', 'Generations per minute', 10], ['generationsPerHour', 'Generations per hour', 100],
  ['generationsPerDay', 'Generations per day', 1000], ['requestsPerMinute', 'API requests per minute', 1000],
  ['requestsPerHour', 'API requests per hour', 10000]];

export async function render(el, [id], { go }) {
  let user;
  try { user = await get(`/users/${id}`); } catch (e) { mount(el, errorBox(e)); return; }
  mount(el, html`<div class="page-head"><h1>${user.username} <span class="muted" style="font-size:1rem">${user.role.toLowerCase()}</span>
      ${user.enabled ? '' : badge('REVOKED', 'Disabled')}</h1>
      <span class="actions"><a class="btn secondary" href="#/users">All users</a>
      ${user.enabled ? html`<button class="btn danger" type="button" id="deactivate">Deactivate</button>` : html`<button class="btn" type="button" id="activate">Activate</button>`}</span></div>
    <div class="grid cols-2">
      <section class="panel"><h2>Limits</h2>
        <form id="limits-form" novalidate><div id="limits-error"></div>
          <p class="muted">Leave a field empty to keep the platform's default.</p>
          <div class="row">${LIMITS.map(([k, label, d]) => html`<label>${label}
            <input name="${k}" type="number" min="0" inputmode="numeric" placeholder="default ${d}" value="${user.limits && user.limits[k] != null ? user.limits[k] : ''}"></label>`)}</div>
          <div class="form-actions"><button class="btn" type="submit">Save limits</button></div>
        </form></section>
      <section class="panel"><h2>API keys</h2>
        <form id="key-form" class="row" style="align-items:end" novalidate>
          <label>Key name <input name="name" required placeholder="e.g. laptop"></label>
          <div><button class="btn" type="submit">Issue key</button></div>
        </form><div id="key-error"></div>
        <div id="keys" style="margin-top:1rem"><p class="muted">Loading…</p></div></section>
    </div>`);

  async function keys() {
    try {
      const list = await get(`/users/${id}/api-keys`);
      mount($('#keys', el), list.length ? html`<div class="table-wrap"><table><thead><tr><th>Name</th><th>Key</th><th>Last used</th><th>State</th><th></th></tr></thead><tbody>
        ${list.map(k => html`<tr data-key="${k.name}"><td>${k.name}</td><td class="mono">${k.maskedKey}</td><td>${k.lastUsedAt ? when(k.lastUsedAt) : 'never'}</td>
          <td>${k.revokedAt ? badge('REVOKED', 'Revoked') : badge('ACTIVE', 'Active')}</td>
          <td>${k.revokedAt ? '' : html`<button class="btn small danger" type="button" data-revoke="${k.id}" data-name="${k.name}">Revoke</button>`}</td></tr>`)}
      </tbody></table></div>` : html`<p class="empty">No keys yet.</p>`);
    } catch (e) { mount($('#keys', el), errorBox(e)); }
  }

  $('#limits-form', el).addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(event.target);
    const limits = {};
    for (const [k] of LIMITS) limits[k] = numberOrNull(v[k]);
    const bad = LIMITS.filter(([k]) => limits[k] !== null && (!Number.isInteger(limits[k]) || limits[k] < 0));
    if (bad.length) {
      mount($('#limits-error', el), errorBox({ message: 'Limits must be whole numbers of 0 or more.', errors: bad.map(([, label]) => ({ field: label, message: 'must be a whole number of 0 or more' })) }));
      return;
    }
    try {
      await patch(`/users/${id}`, { limits });
      mount($('#limits-error', el), '');
      flash(`Saved the limits of ${user.username}.`);
    } catch (e) { mount($('#limits-error', el), errorBox(e)); }
  });

  $('#key-form', el).addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = event.target.name.value.trim();
    if (!name) { mount($('#key-error', el), errorBox({ message: 'Give the key a name, so you can tell it apart later.' })); return; }
    try {
      const created = await post(`/users/${id}/api-keys`, { name });
      mount($('#key-error', el), '');
      event.target.reset();
      await keys();
      await infoDialog(html`<h2>New API key “${created.name}”</h2>
        <p><strong>Copy it now: it is shown only this once.</strong> It cannot be read back later.</p>
        <code class="secret" id="new-key">${created.key}</code>
        <p><button class="btn small secondary" type="button" id="copy-key">Copy to clipboard</button></p>`, 'I have copied it');
    } catch (e) { mount($('#key-error', el), errorBox(e)); }
  });
  document.getElementById('dialog').onclick = async (event) => {
    if (event.target.id !== 'copy-key') return;
    try { await navigator.clipboard.writeText($('#new-key').textContent); flash('Copied.'); }
    catch (e) { flash('Select the key and copy it by hand.', 'error'); }
  };

  el.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-revoke]');
    if (!button) return;
    if (!await confirmDialog({ title: `Revoke the key “${button.dataset.name}”?`, body: 'Programs that use it are refused at once.', confirm: 'Revoke key' })) return;
    try { await del(`/api-keys/${button.dataset.revoke}`); flash('Key revoked.'); keys(); } catch (e) { flash(e.message, 'error'); }
  });

  const toggle = async (enabled) => {
    if (!enabled && !await confirmDialog({ title: `Deactivate ${user.username}?`, body: 'They cannot log in and all their keys are revoked. Their history stays.', confirm: 'Deactivate' })) return;
    try {
      if (enabled) await patch(`/users/${id}`, { enabled: true }); else await del(`/users/${id}`);
      flash(enabled ? 'User activated.' : 'User deactivated.');
      go(`/users/${id}`);
    } catch (e) { flash(e.message, 'error'); }
  };
  const d = $('#deactivate', el), a = $('#activate', el);
  if (d) d.addEventListener('click', () => toggle(false));
  if (a) a.addEventListener('click', () => toggle(true));
  await keys();
}
