// Pools (admins): server specs the autoscaler sizes by demand; the list and a form for a new one.
import { get, post, items } from '../api.js';
import { html, mount, $, badge, errorBox, formValues, numberOrNull, flash, when } from '../ui.js';
import { minutes } from './pool.js';

export async function render(el, _params, { go }) {
  mount(el, html`<div class="page-head"><h1>Pools</h1></div>
    <p class="muted">A pool is a server spec the autoscaler starts, rents, stops and destroys by the queue of its
      workflows, between its minimum and maximum, to keep the wait under its target. Every decision is logged with its reason.</p>
    <section class="panel" aria-labelledby="pool-list-title"><h2 id="pool-list-title">Pool list</h2><div id="pools"><p class="muted">Loading…</p></div></section>
    <section class="panel" aria-labelledby="new-pool-title"><h2 id="new-pool-title">New pool</h2>
      <form id="pool-form">
        <div class="row">
          <label>Name <input name="name" required></label>
          <label>GPU <input name="gpu" placeholder="e.g. RTX 4090"></label>
          <label>GPUs per server <input name="gpuCount" type="number" min="1" max="8" value="1"></label>
          <label>Max $/hour <input name="maxPricePerHour" type="number" step="0.01" min="0.01"></label>
        </div>
        <div class="row">
          <label>Minimum servers <input name="minServers" type="number" min="0" max="100" value="0" required></label>
          <label>Maximum servers <input name="maxServers" type="number" min="0" max="100" value="2" required></label>
          <label>Target wait (minutes) <input name="targetWait" type="number" min="1" value="2"></label>
          <label>Idle stop after (minutes) <input name="idleStopAfter" type="number" min="1" value="10"></label>
          <label>Timezone <input name="timezone" value="${Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'}"></label>
        </div>
        <fieldset><legend>Workflows it serves (none: all)</legend><div id="pool-workflows" class="row"></div></fieldset>
        <label class="check"><input type="checkbox" name="enabled" checked> Enabled</label>
        <div id="pool-error"></div>
        <div class="form-actions"><button class="btn" type="submit">Create pool</button></div>
      </form></section>`);

  async function list() {
    try {
      const pools = items(await get('/pools?size=100'));
      mount($('#pools', el), pools.length ? html`<div class="table-wrap"><table id="pools-table"><thead><tr><th>Pool</th><th>State</th>
        <th>Servers</th><th>Min–max</th><th>Target wait</th><th>Last run</th></tr></thead><tbody>
        ${pools.map(p => html`<tr data-pool="${p.id}"><td><a href="#/pools/${p.id}">${p.name}</a></td>
          <td>${badge(p.enabled ? 'ENABLED' : 'DISABLED')}</td><td>${p.servers.length}</td><td>${p.minServers}–${p.maxServers}</td>
          <td>${minutes(p.targetWait)}</td><td>${p.lastRunAt ? when(p.lastRunAt) : '—'}</td></tr>`)}
        </tbody></table></div>` : html`<p class="empty">No pools yet: servers run only as schedules and admins say.</p>`);
    } catch (e) { mount($('#pools', el), errorBox(e)); }
  }

  $('#pool-form', el).addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(event.target);
    const body = { name: v.name, enabled: v.enabled, minServers: numberOrNull(v.minServers), maxServers: numberOrNull(v.maxServers),
      workflowIds: v.workflowIds || [], timezone: v.timezone || 'UTC' };
    if (v.gpu) body.gpu = v.gpu;
    if (v.gpuCount) body.gpuCount = numberOrNull(v.gpuCount);
    if (v.maxPricePerHour) body.maxPricePerHour = numberOrNull(v.maxPricePerHour);
    if (v.targetWait) body.targetWait = `PT${v.targetWait}M`;
    if (v.idleStopAfter) body.idleStopAfter = `PT${v.idleStopAfter}M`;
    mount($('#pool-error', el), '');
    try {
      const pool = await post('/pools', body);
      flash(`Pool “${pool.name}” created.`);
      go(`/pools/${pool.id}`);
    } catch (e) { mount($('#pool-error', el), errorBox(e)); }
  });

  try {
    const workflows = items(await get('/workflows'));
    mount($('#pool-workflows', el), html`${workflows.map(w => html`<label class="check"><input type="checkbox" data-group="workflowIds" value="${w.id}"> ${w.name}</label>`)}`);
  } catch (e) { mount($('#pool-workflows', el), errorBox(e)); }
  list();
}
