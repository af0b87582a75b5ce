// One pool: its settings, its servers, and the autoscaler's decisions with their reasons.
import { get, patch, del, items } from '../api.js';
import { html, mount, $, badge, errorBox, formValues, numberOrNull, flash, when, every, confirmDialog } from '../ui.js';

/** An ISO 8601 duration as people say it: PT2M → 2 min, PT1H30M → 1 h 30 min. */
export function minutes(iso) {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(String(iso || ''));
  if (!m) return iso || '—';
  const parts = [m[1] && `${m[1]} h`, m[2] && `${m[2]} min`, m[3] && `${Number(m[3])} s`].filter(Boolean);
  return parts.length ? parts.join(' ') : '0 s';
}

const asMinutes = (iso) => {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(String(iso || ''));
  return m ? Math.max(1, Math.round((Number(m[1] || 0) * 3600 + Number(m[2] || 0) * 60 + Number(m[3] || 0)) / 60)) : '';
};

export async function render(el, [id], { go }) {
  let pool;
  try { pool = await get(`/pools/${id}`); } catch (e) { mount(el, html`<div class="page-head"><h1>Pool</h1></div>${errorBox(e)}`); return; }
  mount(el, html`<div class="page-head"><h1>${pool.name} pool</h1><span class="actions">
      <button class="btn danger" type="button" id="pool-delete">Delete pool</button><a class="btn secondary" href="#/pools">All pools</a></span></div>
    <section class="panel" aria-labelledby="pool-now-title"><h2 id="pool-now-title">Now</h2><div id="pool-now"></div></section>
    <section class="panel" aria-labelledby="pool-settings-title"><h2 id="pool-settings-title">Settings</h2>
      <form id="pool-settings"><div class="row">
        <label>Minimum servers <input name="minServers" type="number" min="0" max="100" value="${pool.minServers}" required></label>
        <label>Maximum servers <input name="maxServers" type="number" min="0" max="100" value="${pool.maxServers}" required></label>
        <label>Target wait (minutes) <input name="targetWait" type="number" min="1" value="${asMinutes(pool.targetWait)}"></label>
        <label>Idle stop after (minutes) <input name="idleStopAfter" type="number" min="1" value="${asMinutes(pool.idleStopAfter)}"></label>
      </div>
      <label class="check"><input type="checkbox" name="enabled" ${pool.enabled ? 'checked' : ''}> Enabled</label>
      <div id="settings-error"></div>
      <div class="form-actions"><button class="btn" type="submit">Save settings</button></div></form>
      <dl class="facts"><dt>Spec</dt><dd>${[pool.spec.gpu, pool.spec.gpuCount ? `× ${pool.spec.gpuCount}` : '', pool.spec.maxPricePerHour != null ? `≤ $${pool.spec.maxPricePerHour}/h` : ''].filter(Boolean).join(' ') || 'any offer'}</dd>
        <dt>Workflows</dt><dd>${pool.workflowIds.length ? `${pool.workflowIds.length} workflow(s)` : 'all'}</dd><dt>Timezone</dt><dd>${pool.timezone}</dd></dl></section>
    <section class="panel" aria-labelledby="pool-decisions-title"><h2 id="pool-decisions-title">Decisions</h2><div id="pool-decisions"><p class="muted">Loading…</p></div></section>`);

  function drawNow(p) {
    mount($('#pool-now', el), html`<dl class="facts"><dt>State</dt><dd id="pool-state">${badge(p.enabled ? 'ENABLED' : 'DISABLED')}</dd>
      <dt>Servers</dt><dd>${p.servers.length} (${p.servers.filter(s => s.ready).length} ready) of ${p.minServers}–${p.maxServers}</dd>
      <dt>Target wait</dt><dd>p95 ≤ ${minutes(p.targetWait)}; idle servers stop after ${minutes(p.idleStopAfter)}</dd>
      <dt>Last run</dt><dd>${p.lastRunAt ? when(p.lastRunAt) : 'not yet'}${p.lastSummary ? html`<div class="muted" id="pool-summary">${p.lastSummary}</div>` : ''}</dd></dl>
      ${p.servers.length ? html`<div class="table-wrap"><table id="pool-servers"><thead><tr><th>Server</th><th>Status</th><th>Ready</th></tr></thead><tbody>
        ${p.servers.map(s => html`<tr><td><a href="#/servers/${s.id}">${s.name}</a></td><td>${badge(s.status)}${s.draining ? ' draining' : ''}</td><td>${s.ready ? 'yes' : 'no'}</td></tr>`)}</tbody></table></div>`
        : html`<p class="empty">No servers in this pool.</p>`}`);
  }
  drawNow(pool);

  async function refresh() {
    try {
      drawNow(await get(`/pools/${id}`));
      const decisions = items(await get(`/pools/${id}/decisions?size=20`));
      mount($('#pool-decisions', el), decisions.length ? html`<div class="table-wrap"><table id="decisions-table"><thead><tr><th>When</th><th>Action</th>
        <th>Outcome</th><th>Server</th><th>Why</th></tr></thead><tbody>
        ${decisions.map(d => html`<tr data-action="${d.action}"><td>${when(d.decidedAt)}</td><td>${d.action}</td><td>${badge(d.outcome)}</td>
          <td>${d.serverId ? html`<a class="mono" href="#/servers/${d.serverId}">${String(d.serverId).slice(0, 8)}</a>` : '—'}</td>
          <td>${d.reason}${d.error ? html`<div class="alert error">${d.error}</div>` : ''}</td></tr>`)}</tbody></table></div>`
        : html`<p class="empty">No decisions yet: the autoscaler looks at this pool every tick and logs what it does.</p>`);
    } catch (e) { mount($('#pool-decisions', el), errorBox(e)); }
  }

  $('#pool-settings', el).addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(event.target);
    const body = { enabled: v.enabled, minServers: numberOrNull(v.minServers), maxServers: numberOrNull(v.maxServers) };
    if (v.targetWait) body.targetWait = `PT${v.targetWait}M`;
    if (v.idleStopAfter) body.idleStopAfter = `PT${v.idleStopAfter}M`;
    mount($('#settings-error', el), '');
    try { drawNow(await patch(`/pools/${id}`, body)); flash('Pool saved.'); } catch (e) { mount($('#settings-error', el), errorBox(e)); }
  });

  $('#pool-delete', el).addEventListener('click', async () => {
    if (!await confirmDialog({ title: `Delete the pool “${pool.name}”?`, body: 'Its servers stay as they are, in no pool; its decision log goes.', confirm: 'Delete pool' })) return;
    try { await del(`/pools/${id}`); flash('Pool deleted.'); go('/pools'); } catch (e) { flash(e.message, 'error'); }
  });

  return every(3000, refresh);
}
