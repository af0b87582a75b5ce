// One generation: its progress live over the socket, the latest preview, outputs or the error,
// the inputs it ran with (read from its workflow snapshot), cancel and regenerate.
import { get, post } from '../api.js';
import { html, raw, mount, $, badge, errorBox, unavailable, when, flash, confirmDialog, money, outputMedia } from '../ui.js';
import { watch, liveStatus } from '../live.js';
import { progressBars, applyEvent, FINAL, errorWords } from '../generation-state.js';

export function render(el, [id], { go }) {
  mount(el, html`<div id="gen-head"><h1>Generation</h1></div><div id="gen-error"></div>
    <section class="panel" id="gen-progress" aria-label="Progress"></section>
    <section class="panel"><h2>Outputs</h2><div id="gen-outputs"></div></section>
    <div class="grid cols-2">
      <section class="panel"><h2>Details</h2><div id="gen-details"></div></section>
      <section class="panel"><h2>Inputs</h2><div id="gen-inputs"><p class="muted">Loading…</p></div></section>
    </div>`);
  let g = null, preview = null, stopped = false, names = { server: null, workflow: null };

  async function load() {
    try {
      g = await get(`/generations/${id}`);
    } catch (e) {
      mount(el, e.missing ? unavailable('Generations', e) : errorBox(e));
      return false;
    }
    return true;
  }

  function draw() {
    if (stopped || !g) return;
    const active = !FINAL.includes(g.status);
    mount($('#gen-head', el), html`<div class="page-head"><h1>Generation <span class="mono">${String(g.id).slice(0, 8)}</span> ${badge(g.status)}</h1>
      <span class="actions">${raw(liveStatus())}
        ${active ? html`<button class="btn danger" id="cancel-gen" type="button">Cancel</button>` : ''}
        <button class="btn secondary" id="regen" type="button">Regenerate</button>
        <a class="btn secondary" href="#/generations">All generations</a></span></div>`);
    const queued = g.status === 'QUEUED';
    mount($('#gen-progress', el), html`
      ${queued ? html`<p data-queue-position>${g.queuePosition != null ? html`Number <strong>${g.queuePosition + 1}</strong> in the queue (${g.queuePosition} waiting ahead)` : 'Waiting in the queue'}${g.etaSeconds != null ? html` · starts in about ${g.etaSeconds} s` : ''}</p>` : ''}
      <p data-current-node>${g.currentNode ? html`Running <strong>${g.currentNode.title || g.currentNode.type || g.currentNode.id}</strong>` : g.status === 'RUNNING' ? 'Starting…' : ''}
        ${g.currentNode || g.status === 'RUNNING' ? ' · ' : ''}<span data-percent>${g.progress}%</span></p>
      ${progressBars(g)}
      ${preview && active ? html`<figure class="preview"><img id="gen-preview" src="${preview}" alt="Latest preview"><figcaption class="muted">Latest preview</figcaption></figure>` : ''}
      ${g.error ? errorBox({ message: errorWords(g.error) }) : ''}`);
    const outputs = g.outputs || [];
    mount($('#gen-outputs', el), outputs.length ? html`<div class="gallery">${outputs.map(o => html`<figure data-output="${o.index}" data-kind="${o.contentType}">${outputMedia(o, `Output ${o.index + 1}`)}</figure>`)}</div>`
      : html`<p class="empty">${active ? 'Outputs appear when it completes.' : 'No outputs.'}</p>`);
    mount($('#gen-details', el), html`<dl class="kv">
      <dt>Workflow</dt><dd>${g.workflowId ? html`<a href="#/workflows/${g.workflowId}">${names.workflow || String(g.workflowId).slice(0, 8)}</a>` : g.source === 'comfy' ? html`<span data-source="comfy">ComfyUI prompt</span>` : '—'}</dd>
      <dt>Server</dt><dd>${g.serverId ? html`<a href="#/servers/${g.serverId}" data-server>${names.server || String(g.serverId).slice(0, 8)}</a>` : '—'}</dd>
      <dt>Seed</dt><dd class="mono">${g.seed ?? '—'}</dd>
      <dt>Attempts</dt><dd>${g.attempts} of ${g.maxAttempts}</dd>
      <dt>Created</dt><dd>${when(g.createdAt)}</dd>
      <dt>Started</dt><dd>${when(g.startedAt)}</dd>
      <dt>Finished</dt><dd>${when(g.finishedAt)}</dd>
      <dt>GPU time</dt><dd>${g.gpuSeconds != null ? `${Number(g.gpuSeconds).toFixed(1)} s` : '—'}</dd>
      <dt>Cost</dt><dd>${g.cost != null ? money(g.cost, 4) : '—'}</dd></dl>`);
    const cancel = $('#cancel-gen', el);
    if (cancel) cancel.onclick = async () => {
      if (!await confirmDialog({ title: 'Cancel this generation?', body: 'Its work so far is lost.', confirm: 'Cancel generation' })) return;
      try { g = await post(`/generations/${id}/cancel`); flash('Generation cancelled.'); draw(); } catch (e) { flash(e.message, 'error'); }
    };
    $('#regen', el).onclick = async () => {
      try { const n = await post(`/generations/${id}/regenerate`); flash('Submitted again.'); go(`/generations/${n.id}`); }
      catch (e) { mount($('#gen-error', el), errorBox(e)); }
    };
  }

  async function names_() {
    if (g.serverId && !names.server) {
      try { names.server = (await get(`/servers/${g.serverId}`)).name; } catch (e) { /* users cannot read servers */ }
    }
    if (g.workflowId && !names.workflow) {
      try { names.workflow = (await get(`/workflows/${g.workflowId}`)).name; } catch (e) { /* deleted since */ }
    }
    draw();
  }

  async function inputs() {
    const box = $('#gen-inputs', el);
    try {
      const [snapshot, wf] = await Promise.all([get(`/generations/${id}/workflow`),
        g.workflowId ? get(`/workflows/${g.workflowId}`).catch(() => null) : Promise.resolve(null)]);
      const defs = wf ? wf.inputs || [] : [];
      const given = g.inputs && typeof g.inputs === 'object' ? g.inputs : {};
      // what the caller set, as they set it (node/field keys or shortcuts like "prompt")
      const rows = Object.entries(given).map(([key, value]) => {
        const d = defs.find(x => x.key === key);
        return { key, title: d && d.title ? d.title : key, value };
      });
      // then the other inputs the workflow offers, with the values they ran with (from the snapshot)
      for (const d of defs) {
        if (rows.some(r => r.key === d.key)) continue;
        const [node, field] = [d.key.slice(0, d.key.lastIndexOf('/')), d.key.slice(d.key.lastIndexOf('/') + 1)];
        const value = snapshot && snapshot[node] && snapshot[node].inputs ? snapshot[node].inputs[field] : undefined;
        if (value !== undefined && !Array.isArray(value)) rows.push({ key: d.key, title: `${d.title || d.key} (default)`, value });
      }
      mount(box, html`${rows.length ? html`<dl class="kv" id="gen-input-values">${rows.map(r => html`<dt title="${r.key}">${r.title} <span class="muted mono">${r.key}</span></dt>
          <dd class="mono">${typeof r.value === 'string' ? r.value : JSON.stringify(r.value)}</dd>`)}</dl>`
        : html`<p class="muted">The workflow's inputs are not known; the snapshot below shows every value it ran with.</p>`}
        <details><summary>Workflow snapshot (what ran)</summary><pre class="log" id="gen-snapshot">${JSON.stringify(snapshot, null, 2)}</pre></details>`);
    } catch (e) { mount(box, errorBox(e)); }
  }

  async function previewNow() {
    if (g.status !== 'RUNNING') return;
    const url = `/api/v1/generations/${id}/preview`;
    try {
      const r = await fetch(url, { credentials: 'same-origin', method: 'HEAD' });
      if (r.ok && !preview) { preview = url + '?v=0'; draw(); }
    } catch (e) { /* no preview yet */ }
  }

  let live = null;
  (async () => {
    if (!await load() || stopped) return;
    draw();
    names_();
    inputs();
    previewNow();
    live = watch({
      generationIds: [id],
      onMessage: async (m) => {
        if (m.type === 'generation.preview') { preview = m.url; draw(); return; }
        if (m.type === 'error') { mount($('#gen-error', el), errorBox({ message: m.message })); return; }
        const before = g.status;
        const next = applyEvent(g, m);
        if (next === null) { await load(); } else g = next;
        if (g.serverId && !names.server) names_();
        draw();
        if (before !== g.status && FINAL.includes(g.status)) { await load(); draw(); }
      },
      poll: async () => { if (await load()) draw(); },
    });
    if (stopped) live.stop();
  })();
  return () => { stopped = true; if (live) live.stop(); };
}
