import { get, items, query } from '../api.js';
import { html, mount, $, badge, errorBox, unavailable, progress, when, every, formValues } from '../ui.js';

const STATUSES = ['', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];

export function render(el) {
  mount(el, html`<div class="page-head"><h1>Generations</h1></div>
    <div id="gen-missing"></div>
    <section class="panel"><h2>Live queue</h2><div id="live"><p class="muted">Loading…</p></div></section>
    <section class="panel"><h2>History</h2>
      <form id="filters" class="row" style="align-items:end">
        <label>Status <select name="status">${STATUSES.map(s => html`<option value="${s}">${s ? s.toLowerCase() : 'any'}</option>`)}</select></label>
        <label>Workflow <input name="workflow" placeholder="workflow id"></label>
        <label>Server <input name="server" placeholder="server id"></label>
        <label>From <input name="from" type="date"></label>
        <label>To <input name="to" type="date"></label>
        <div><button class="btn" type="submit">Filter</button></div>
      </form>
      <div id="history" style="margin-top:1rem"></div></section>`);
  let missing = false;

  async function live() {
    if (missing) return;
    try {
      const [queued, running] = await Promise.all([get('/generations?status=QUEUED&size=50'), get('/generations?status=RUNNING&size=50')]);
      const list = [...items(running), ...items(queued)];
      mount($('#live', el), list.length ? table(list, true) : html`<p class="empty">Nothing is queued or running.</p>`);
    } catch (e) {
      if (e.missing) { missing = true; mount($('#gen-missing', el), unavailable('Generations', e)); mount($('#live', el), ''); mount($('#history', el), ''); }
      else mount($('#live', el), errorBox(e));
    }
  }

  async function history(event) {
    if (event) event.preventDefault();
    if (missing) return;
    const v = formValues($('#filters', el));
    try {
      const answer = await get('/generations' + query({ status: v.status, workflowId: v.workflow, serverId: v.server,
        from: v.from ? new Date(v.from).toISOString() : '', to: v.to ? new Date(v.to + 'T23:59:59').toISOString() : '', size: 50 }));
      const list = items(answer);
      mount($('#history', el), list.length ? table(list, false) : html`<p class="empty">No generations match.</p>`);
    } catch (e) { if (!e.missing) mount($('#history', el), errorBox(e)); }
  }
  $('#filters', el).addEventListener('submit', history);
  history();
  return every(2000, live);
}

function table(list, live) {
  return html`<div class="table-wrap"><table><thead><tr><th></th><th>Generation</th><th>Status</th><th>${live ? 'Progress' : 'Created'}</th><th>Server</th></tr></thead><tbody>
    ${list.map(g => { const out = (g.outputs || []).find(o => String(o.contentType || 'image/').startsWith('image/'));
      return html`<tr><td>${out ? html`<img class="thumb" loading="lazy" alt="" src="${out.url}">` : html`<span class="thumb"></span>`}</td>
      <td><a class="mono" href="#/generations/${g.id}">${String(g.id).slice(0, 8)}</a> <span class="muted">${g.prompt ? String(g.prompt).slice(0, 60) : ''}</span></td>
      <td>${badge(g.status)}</td>
      <td>${live ? progress(g.progress, 'Generation progress') : when(g.createdAt)}</td>
      <td>${g.serverName || (g.server && g.server.name) || ''}</td></tr>`; })}
  </tbody></table></div>`;
}
