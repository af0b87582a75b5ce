import { get, items } from '../api.js';
import { html, mount, $, badge, money, duration, every, errorBox } from '../ui.js';
import { actionButtons, wireActions } from '../server-actions.js';

export function uptime(s) {
  return s.status === 'RUNNING' && s.stateChangedAt ? duration(Date.now() - new Date(s.stateChangedAt).getTime()) : '—';
}

export function render(el) {
  mount(el, html`
    <div class="page-head"><h1>Servers</h1>
      <div class="actions">
        <label class="check"><input type="checkbox" id="show-destroyed"> Show destroyed</label>
        <a class="btn" href="#/servers/new">New server</a>
      </div></div>
    <div id="servers-error"></div>
    <section class="panel"><div class="table-wrap" id="servers-table"><p class="muted">Loading…</p></div></section>`);

  async function refresh() {
    try {
      const all = $('#show-destroyed', el).checked;
      const list = items(await get(`/servers?size=200${all ? '&includeDestroyed=true' : ''}`));
      mount($('#servers-error', el), '');
      mount($('#servers-table', el), list.length ? html`<table>
        <thead><tr><th>Name</th><th>State</th><th>Health</th><th>GPU</th><th class="num">$/h</th><th>Uptime</th><th><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${list.map(s => html`<tr data-server="${s.name}">
          <td><a href="#/servers/${s.id}">${s.name}</a>${s.draining ? html` <span class="badge warn">draining</span>` : ''}</td>
          <td>${badge(s.status)}${s.statusReason ? html`<div class="muted">${s.statusReason}</div>` : ''}</td>
          <td>${badge(s.health)}</td>
          <td>${s.gpuCount > 1 ? `${s.gpuCount}× ` : ''}${s.gpu || '—'}</td>
          <td class="num">${money(s.pricePerHour)}</td>
          <td>${uptime(s)}</td>
          <td>${actionButtons(s)}</td></tr>`)}</tbody></table>`
        : html`<p class="empty">No servers yet. <a href="#/servers/new">Rent the first one</a>.</p>`);
    } catch (e) {
      mount($('#servers-error', el), errorBox(e));
    }
  }
  $('#show-destroyed', el).addEventListener('change', refresh);
  wireActions(el, refresh);
  return every(3000, refresh);
}
