import { get, post, items } from '../api.js';
import { html, mount, $, badge, money, when, every, errorBox, notice, flash, duration, confirmDialog } from '../ui.js';
import { actionButtons, wireActions } from '../server-actions.js';
import { uptime } from './servers.js';

export function render(el, [id], { go }) {
  mount(el, html`<div id="server-head"><p class="muted">Loading…</p></div>
    <div id="server-error"></div>
    <div class="grid cols-2">
      <section class="panel"><h2>Details</h2><div id="details"></div></section>
      <section class="panel"><h2>System stats</h2><div id="stats"><p class="muted">Loading…</p></div></section>
    </div>
    <div class="grid cols-2">
      <section class="panel"><h2>ComfyUI queue</h2><div id="queue"><p class="muted">Loading…</p></div></section>
      <section class="panel"><h2>ComfyUI options</h2><div id="options"><p class="muted">Loading…</p></div></section>
    </div>
    <section class="panel"><div class="page-head" style="margin-bottom:.5rem"><h2 style="margin:0">Models</h2>
      <span class="actions"><button class="btn small secondary" type="button" id="refresh-models">Read again</button></span></div>
      <div id="models"><p class="muted">Loading…</p></div></section>
    <section class="panel"><div class="page-head" style="margin-bottom:.5rem"><h2 style="margin:0">Setup runs</h2>
      <span class="actions"><button class="btn small" type="button" id="run-setup">Run setup</button>
      <button class="btn small secondary" type="button" id="reset-setup">Reset setup state</button></span></div>
      <div id="runs"><p class="muted">Loading…</p></div></section>`);

  let server = null, lastComfyStatus = null;

  async function refresh() {
    try {
      server = await get(`/servers/${id}`);
    } catch (e) {
      mount($('#server-error', el), errorBox(e));
      return;
    }
    mount($('#server-error', el), '');
    const s = server;
    mount($('#server-head', el), html`<div class="page-head">
      <h1>${s.name} ${badge(s.status)} ${s.draining ? html`<span class="badge warn">draining</span>` : ''}</h1>
      <span class="actions"><a class="btn small secondary" href="#/schedules/${s.id}">Schedule</a>${actionButtons(s)}</span></div>
      ${s.statusReason ? notice(s.statusReason) : ''}`);
    mount($('#details', el), html`<dl class="kv">
      <dt>State</dt><dd data-field="status">${badge(s.status)}</dd>
      <dt>Health</dt><dd>${badge(s.health)} ${s.healthDetail && s.healthDetail.error ? html`<span class="muted">${s.healthDetail.error}</span>` : ''}</dd>
      <dt>GPU</dt><dd>${s.gpuCount > 1 ? `${s.gpuCount}× ` : ''}${s.gpu || '—'}</dd>
      <dt>Price</dt><dd>${money(s.pricePerHour)}/h</dd>
      <dt>Uptime</dt><dd>${uptime(s)}</dd>
      <dt>Set up</dt><dd>${s.setUp ? 'yes' : 'not yet'}${s.autoSetup ? ' (automatic)' : ''}</dd>
      <dt>Vast.ai id</dt><dd class="mono">${s.vastId || '—'}</dd>
      <dt>ComfyUI</dt><dd class="mono">${s.comfyUrl || '—'}</dd>
      <dt>SSH</dt><dd class="mono">${s.ssh ? `${s.ssh.user || 'root'}@${s.ssh.host}:${s.ssh.port || 22}` : '—'}</dd>
      <dt>Idle stop</dt><dd>${s.idleStopMinutes ? `${s.idleStopMinutes} min` : 'off'}</dd>
      <dt>Created</dt><dd>${when(s.createdAt)}</dd>
    </dl>`);
    if (s.status !== lastComfyStatus || s.status === 'RUNNING') await comfy(s);
    lastComfyStatus = s.status;
    await runs();
  }

  async function comfy(s) {
    if (s.status !== 'RUNNING') {
      const words = notice(`ComfyUI can be reached once the server is running (it is ${s.status.toLowerCase()}).`);
      for (const box of ['#stats', '#queue', '#options', '#models']) mount($(box, el), words);
      return;
    }
    // reading the models asks ComfyUI and the server's disk: once per visit, and on request
    if (lastComfyStatus !== 'RUNNING') models();
    const [stats, queue, options] = await Promise.allSettled([
      get(`/servers/${id}/system-stats`), get(`/servers/${id}/queue`),
      lastComfyStatus === 'RUNNING' ? Promise.resolve(null) : get(`/servers/${id}/options`)]);
    if (stats.status === 'fulfilled') {
      const st = stats.value || {}, sys = st.system || {}, devices = st.devices || [];
      mount($('#stats', el), html`<dl class="kv">
        <dt>ComfyUI</dt><dd data-comfy-version>${st.comfyuiVersion || sys.comfyui_version || '—'}</dd>
        <dt>OS</dt><dd>${st.os || sys.os || '—'}</dd>
        <dt>RAM</dt><dd>${gb(st.ramFree)} free of ${gb(st.ramTotal)}</dd>
        ${devices.map(d => html`<dt>Device</dt><dd>${d.name}<br><span class="muted">VRAM ${gb(d.vramFree ?? d.vram_free)} free of ${gb(d.vramTotal ?? d.vram_total)}</span></dd>`)}
      </dl>`);
    } else mount($('#stats', el), errorBox(stats.reason));
    if (queue.status === 'fulfilled') {
      const q = queue.value || {};
      const runningQ = q.running || q.queueRunning || [], pending = q.pending || q.queuePending || [];
      mount($('#queue', el), html`<p><strong data-queue-running>${runningQ.length}</strong> running, <strong>${pending.length}</strong> pending</p>
        ${[...runningQ, ...pending].slice(0, 10).map(p => html`<div class="mono muted">${p.promptId || p.prompt_id || p.id || ''}</div>`)}`);
    } else mount($('#queue', el), errorBox(queue.reason));
    if (options.status === 'fulfilled' && options.value) {
      const o = options.value;
      const list = (label, values) => html`<h3>${label}</h3>${values && values.length
        ? html`<div class="chips">${values.map(v => html`<span class="chip">${v}</span>`)}</div>` : html`<p class="muted">none</p>`}`;
      mount($('#options', el), html`${list('Checkpoints', o.checkpoints)}${list('LoRAs', o.loras)}${list('VAEs', o.vaes)}
        ${list('Samplers', o.samplers)}${list('Schedulers', o.schedulers)}`);
    } else if (options.status === 'rejected') mount($('#options', el), errorBox(options.reason));
  }

  async function models() {
    const box = $('#models', el);
    try {
      const m = await get(`/servers/${id}/models`);
      const folders = Object.entries(m.folders || {}).filter(([, files]) => files.length);
      mount(box, folders.length ? html`<div class="table-wrap"><table data-models><thead><tr><th>Folder</th><th>File</th><th>Size</th></tr></thead><tbody>
        ${folders.flatMap(([folder, files]) => files.map(f => html`<tr><td>${folder}</td><td class="mono">${f.name}</td><td>${size(f.sizeBytes)}</td></tr>`))}
        </tbody></table></div><p class="muted">Read ${when(m.seenAt)}</p>` : html`<p class="empty">No models on this server yet.</p>`);
    } catch (e) { mount(box, errorBox(e)); }
  }
  $('#refresh-models', el).addEventListener('click', () => { mount($('#models', el), html`<p class="muted">Reading…</p>`); models(); });

  let runsMissing = false;
  async function runs() {
    if (runsMissing) return;
    try {
      const list = items(await get(`/servers/${id}/executions`));
      mount($('#runs', el), list.length ? executionTable(list) : html`<p class="empty">No setup runs yet.</p>`);
    } catch (e) {
      if (e.missing) { runsMissing = true; mount($('#runs', el), notice(`Setup runs are not available on this platform yet. ${e.message}`)); }
      else mount($('#runs', el), errorBox(e));
    }
  }

  $('#run-setup', el).addEventListener('click', async () => {
    try {
      const execution = await post(`/servers/${id}/setup`);
      flash('Setup started.');
      if (execution && execution.id) go(`/executions/${execution.id}`);
    } catch (e) { flash(e.message, 'error'); }
  });
  $('#reset-setup', el).addEventListener('click', async () => {
    const ok = await confirmDialog({ title: 'Reset the setup state?', body: html`<p>The server counts as not set up; the next run starts from the first step.</p>`, confirm: 'Reset', tone: 'secondary' });
    if (!ok) return;
    try { await post(`/servers/${id}/setup/reset`); flash('Setup state reset.'); refresh(); } catch (e) { flash(e.message, 'error'); }
  });
  wireActions(el, refresh);
  return every(3000, refresh);
}

function size(bytes) {
  if (bytes == null) return '—';
  const n = Number(bytes);
  if (n >= 1024 ** 3) return (n / 1024 ** 3).toFixed(1) + ' GB';
  if (n >= 1024 ** 2) return (n / 1024 ** 2).toFixed(0) + ' MB';
  return Math.max(1, Math.round(n / 1024)) + ' KB';
}

function gb(bytes) {
  if (bytes == null) return '—';
  return (Number(bytes) / 1024 ** 3).toFixed(1) + ' GB';
}

export function executionTable(list) {
  return html`<div class="table-wrap"><table class="runs"><thead><tr><th>Run</th><th>Script</th><th>Status</th><th>Step</th><th>Started</th><th>Took</th></tr></thead><tbody>
    ${list.map(x => html`<tr data-execution="${x.id}"><td><a href="#/executions/${x.id}" class="mono">${String(x.id).slice(0, 8)}</a>${x.kind === 'RESET' ? html` <span class="badge">reset</span>` : ''}</td>
      <td>${x.scriptName} <span class="muted">v${x.scriptVersion}</span></td>
      <td>${badge(x.status)}${x.error ? html`<div class="muted">${x.error}</div>` : ''}</td>
      <td>${x.stepTotal ? `${x.step || 0} / ${x.stepTotal}` : '—'} ${x.stepTitle ? html`<span class="muted">${x.stepTitle}</span>` : ''}</td>
      <td>${when(x.startedAt || x.createdAt)}</td>
      <td>${x.finishedAt && x.startedAt ? duration(new Date(x.finishedAt) - new Date(x.startedAt)) : '—'}</td></tr>`)}
  </tbody></table></div>`;
}
