// Generations: the live queue (over the socket, all of the fleet for admins) and the history with
// filters, as a table or a gallery of thumbnails.
import { get, items, query } from '../api.js';
import { html, raw, mount, $, $$, badge, errorBox, unavailable, when, formValues, mediaKind, outputMedia } from '../ui.js';
import { watch, liveStatus, FALLBACK_POLL_MS } from '../live.js';
import { progressBars, applyEvent, FINAL, ACTIVE } from '../generation-state.js';

const STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];
const PAGE = 24;

export function render(el, _params, { session }) {
  const admin = session.user && String(session.user.role).toUpperCase() === 'ADMIN';
  mount(el, html`<div class="page-head"><h1>Generations</h1><span class="actions">${raw(liveStatus())}<a class="btn" href="#/generations/new">New generation</a></span></div>
    <div id="gen-missing"></div>
    <section class="panel" aria-labelledby="queue-title"><h2 id="queue-title">Live queue</h2><div id="queue"><p class="muted">Loading…</p></div></section>
    <section class="panel" aria-labelledby="history-title"><h2 id="history-title">History</h2>
      <form id="filters"><div class="row filters" style="align-items:end">
        <label>Status <select name="status" aria-label="Status"><option value="">Any</option>${STATUSES.map(s => html`<option value="${s}">${s.charAt(0) + s.slice(1).toLowerCase()}</option>`)}</select></label>
        <label>Workflow <select name="workflowId" aria-label="Workflow"><option value="">Any</option></select></label>
        <label>Server <select name="serverId" aria-label="Server"><option value="">Any</option></select></label>
        <label>From <input name="from" type="date"></label>
        <label>To <input name="to" type="date"></label>
        <div><button class="btn" type="submit">Filter</button></div>
      </div></form>
      <div class="actions" style="margin-top:.75rem;align-items:center" role="group" aria-label="Show history as">
        <button class="btn small secondary" type="button" data-view="table" aria-pressed="true">Table</button>
        <button class="btn small secondary" type="button" data-view="gallery" aria-pressed="false">Gallery</button>
        <span class="muted" id="history-count"></span>
      </div>
      <div id="history" style="margin-top:1rem"></div>
      <div class="form-actions" id="pager"></div></section>`);

  const servers = new Map(), workflows = new Map();
  // a prompt from a ComfyUI client (/comfy) has no stored workflow: say where it came from
  const workflowName = (g, none) => workflows.get(g.workflowId) || (g.source === 'comfy' ? 'ComfyUI prompt' : none);
  const queue = new Map(), previews = new Map();
  let missing = false, stopped = false, view = 'table', page = 0, last = [];

  const serverName = (id) => (id ? servers.get(id) || String(id).slice(0, 8) : '—');

  async function names() {
    const [s, w] = await Promise.allSettled([admin ? get('/servers?size=200&includeDestroyed=true') : Promise.resolve([]), get('/workflows')]);
    if (s.status === 'fulfilled') for (const x of items(s.value)) servers.set(x.id, x.name);
    if (w.status === 'fulfilled') for (const x of items(w.value)) workflows.set(x.id, x.name);
    const form = $('#filters', el);
    for (const [id, name] of workflows) form.workflowId.add(new Option(name, id));
    for (const [id, name] of servers) form.serverId.add(new Option(name, id));
  }

  // --- live queue

  let drawPending = false;
  function drawQueue() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      if (stopped || missing) return;
      const list = [...queue.values()].sort((a, b) => (a.status === b.status ? 0 : a.status === 'RUNNING' ? -1 : 1)
        || (a.queuePosition ?? 1e9) - (b.queuePosition ?? 1e9) || String(a.createdAt).localeCompare(String(b.createdAt)));
      mount($('#queue', el), list.length ? html`<div class="table-wrap"><table id="queue-table"><thead><tr><th>Generation</th><th>Status</th>
        <th>Position</th><th>Server</th><th>Progress</th><th>Preview</th></tr></thead><tbody>
        ${list.map(g => html`<tr data-generation="${g.id}">
          <td><a class="mono" href="#/generations/${g.id}">${String(g.id).slice(0, 8)}</a><div class="muted">${workflowName(g, '')}</div></td>
          <td>${badge(g.status)}</td>
          <td data-position title="${g.status === 'QUEUED' && g.queuePosition != null ? `${g.queuePosition} waiting ahead` : ''}">${g.status === 'QUEUED' && g.queuePosition != null ? `#${g.queuePosition + 1}` : '—'}</td>
          <td data-server>${serverName(g.serverId)}</td>
          <td style="min-width:14rem">${g.currentNode ? html`<div class="muted" data-node>${g.currentNode.title || g.currentNode.type}</div>` : ''}${progressBars(g, true)}</td>
          <td>${previews.has(g.id) ? html`<img class="thumb" data-preview alt="Latest preview of ${String(g.id).slice(0, 8)}" src="${previews.get(g.id)}">` : html`<span class="thumb"></span>`}</td></tr>`)}
        </tbody></table></div>` : html`<p class="empty">Nothing is queued or running.</p>`);
    });
  }

  async function loadQueue() {
    if (missing) return;
    try {
      const [running, queued] = await Promise.all([get('/generations?status=RUNNING&size=100'), get('/generations?status=QUEUED&size=100')]);
      const list = [...items(running), ...items(queued)];
      queue.clear();
      for (const g of list) queue.set(g.id, g);
      // admins hear the whole fleet through one subscription; users follow their rows by id
      if (live && !admin) live.add({ generationIds: list.map(g => g.id) });
      drawQueue();
    } catch (e) {
      if (e.missing) { missing = true; mount($('#gen-missing', el), unavailable('Generations', e)); mount($('#queue', el), ''); mount($('#history', el), ''); }
      else mount($('#queue', el), errorBox(e));
    }
  }

  // one read of a generation at a time; events that arrive meanwhile ask for one more
  const fetching = new Map();
  async function fetchOne(id) {
    if (fetching.has(id)) { fetching.set(id, true); return; }
    fetching.set(id, false);
    try {
      do {
        fetching.set(id, false);
        try {
          const g = await get(`/generations/${id}`);
          if (ACTIVE.includes(g.status)) { queue.set(id, g); if (!admin) live.add({ generationIds: [id] }); } else queue.delete(id);
          drawQueue();
        } catch (e) { queue.delete(id); drawQueue(); /* gone, or not ours */ }
      } while (fetching.get(id) && !stopped);
    } finally { fetching.delete(id); }
  }

  let historyTimer = null;
  function historySoon() {
    clearTimeout(historyTimer);
    historyTimer = setTimeout(() => history(), 500);
  }

  // places in the queue are not in the events: a status change anywhere re-reads the queue once
  let queueTimer = null;
  function queueSoon() {
    clearTimeout(queueTimer);
    queueTimer = setTimeout(() => loadQueue(), 300);
  }

  function onMessage(m) {
    const id = m.generationId;
    if (m.type !== 'generation.progress' && m.type !== 'generation.preview' && m.type !== 'generation.state') queueSoon();
    if (m.type === 'generation.preview') { previews.set(id, m.url); drawQueue(); return; }
    if (m.type === 'error') return;
    const known = queue.get(id);
    const next = applyEvent(known, m);
    if (next && !FINAL.includes(next.status)) {
      queue.set(id, next);
      drawQueue();
      if (next.status === 'RUNNING' && !next.serverId) fetchOne(id); // its server is not in events
      return;
    }
    if (next && FINAL.includes(next.status) || FINAL.includes(m.status)) {
      queue.delete(id);
      previews.delete(id);
      if (!admin) live.remove({ generationIds: [id] });
      drawQueue();
      historySoon();
      return;
    }
    fetchOne(id);
  }

  // --- history

  async function history(event) {
    if (event) { event.preventDefault(); page = 0; }
    if (missing || stopped) return;
    const v = formValues($('#filters', el));
    try {
      const answer = await get('/generations' + query({ status: v.status, workflowId: v.workflowId, serverId: v.serverId,
        from: v.from ? new Date(v.from + 'T00:00:00').toISOString() : '',
        to: v.to ? new Date(new Date(v.to + 'T00:00:00').getTime() + 86400000).toISOString() : '', page, size: PAGE }));
      last = items(answer);
      const total = answer && answer.total != null ? answer.total : last.length;
      $('#history-count', el).textContent = total ? `${page * PAGE + 1}–${page * PAGE + last.length} of ${total}` : '';
      drawHistory();
      mount($('#pager', el), html`${page > 0 ? html`<button class="btn small secondary" type="button" data-page="-1">Newer</button>` : ''}
        ${(page + 1) * PAGE < total ? html`<button class="btn small secondary" type="button" data-page="1">Older</button>` : ''}`);
    } catch (e) { if (!e.missing) mount($('#history', el), errorBox(e)); }
  }

  function drawHistory() {
    const box = $('#history', el);
    if (!last.length) { mount(box, html`<p class="empty">No generations match.</p>`); return; }
    if (view === 'gallery') {
      // pictures, videos and sounds; the picture links to its generation, players play in place
      const media = last.flatMap(g => (g.outputs || []).filter(o => o.storage !== 'expired' && mediaKind(o.contentType) !== 'other').map(o => ({ g, o })));
      mount(box, media.length ? html`<div class="gallery" id="history-gallery">${media.map(({ g, o }) => { const label = `Output ${o.index + 1} of ${String(g.id).slice(0, 8)}`;
        return html`<figure data-generation="${g.id}" data-kind="${o.contentType}">
          ${mediaKind(o.contentType) === 'image' ? html`<a href="#/generations/${g.id}"><img loading="lazy" src="${o.url}" alt="${label}"></a>` : outputMedia(o, label)}
          <figcaption class="muted"><a href="#/generations/${g.id}">${when(g.finishedAt || g.createdAt)}</a></figcaption></figure>`; })}</div>`
        : html`<p class="empty">None of these generations has an image, a video or a sound.</p>`);
      return;
    }
    mount(box, html`<div class="table-wrap"><table id="history-table"><thead><tr><th><span class="sr-only">Thumbnail</span></th><th>Generation</th><th>Status</th>
      <th>Workflow</th><th>Server</th><th>Created</th><th>Took</th></tr></thead><tbody>
      ${last.map(g => { const out = (g.outputs || []).find(o => String(o.contentType).startsWith('image/'));
        return html`<tr data-generation="${g.id}"><td>${out ? html`<img class="thumb" loading="lazy" alt="Thumbnail of ${String(g.id).slice(0, 8)}" src="${out.url}">` : html`<span class="thumb"></span>`}</td>
        <td><a class="mono" href="#/generations/${g.id}">${String(g.id).slice(0, 8)}</a></td>
        <td>${badge(g.status)}</td><td>${workflowName(g, '—')}</td><td>${serverName(g.serverId)}</td>
        <td>${when(g.createdAt)}</td><td>${g.startedAt && g.finishedAt ? `${((new Date(g.finishedAt) - new Date(g.startedAt)) / 1000).toFixed(1)} s` : '—'}</td></tr>`; })}
      </tbody></table></div>`);
  }

  $('#filters', el).addEventListener('submit', history);
  el.addEventListener('click', (event) => {
    const b = event.target.closest('button[data-view]');
    if (b) {
      view = b.dataset.view;
      $$('button[data-view]', el).forEach(x => x.setAttribute('aria-pressed', String(x === b)));
      drawHistory();
      return;
    }
    const p = event.target.closest('button[data-page]');
    if (p) { page = Math.max(0, page + Number(p.dataset.page)); history(); }
  });

  let live = null, userPoll = null;
  (async () => {
    await names();
    if (stopped) return;
    live = watch({ all: admin, onMessage, poll: loadQueue });
    await loadQueue();
    history();
    // only admins may follow the whole fleet; a user's new generations are found by a slow poll
    if (!admin && !stopped) userPoll = setInterval(loadQueue, FALLBACK_POLL_MS);
  })();
  return () => { stopped = true; clearTimeout(historyTimer); clearTimeout(queueTimer); clearInterval(userPoll); if (live) live.stop(); };
}
