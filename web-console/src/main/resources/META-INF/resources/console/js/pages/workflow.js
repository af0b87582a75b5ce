// One workflow: choose which node fields users may set (its inputs), and analyze it against the
// fleet (per running server: ready, or what it lacks).
import { get, post, put } from '../api.js';
import { html, mount, $, $$, errorBox, unavailable, flash, badge } from '../ui.js';

/** Every literal field of an API-format graph, in node order: the inputs one may choose. */
function candidates(graph) {
  const out = [];
  const ids = Object.keys(graph || {}).sort((a, b) => (Number(a) - Number(b)) || a.localeCompare(b));
  for (const id of ids) {
    const node = graph[id] || {};
    for (const [field, value] of Object.entries(node.inputs || {})) {
      const link = Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number';
      if (link) continue;
      out.push({ key: `${id}/${field}`, node: id, field, classType: node.class_type, title: node._meta && node._meta.title, value });
    }
  }
  return out;
}

const shown = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

export async function render(el, [id], { session }) {
  const admin = session.user && String(session.user.role).toUpperCase() === 'ADMIN';
  let wf;
  try { wf = await get(`/workflows/${id}`); } catch (e) { mount(el, e.missing ? unavailable('Workflows', e) : errorBox(e)); return; }
  const chosen = new Map((wf.inputs || []).map(i => [i.key, i]));
  const fields = candidates(wf.workflow);
  const shortcutOf = new Map();
  for (const [name, targets] of Object.entries(wf.shortcuts || {})) {
    for (const t of targets) shortcutOf.set(t, [...(shortcutOf.get(t) || []), name]);
  }

  mount(el, html`<div class="page-head"><h1>${wf.name}</h1><span class="actions">${wf.isDefault ? html`<span class="badge info">default</span>` : ''}
      <a class="btn secondary" href="#/workflows">All workflows</a></span></div>
    ${wf.description ? html`<p class="muted">${wf.description}</p>` : ''}
    <section class="panel"><h2>Inputs</h2>
      <p class="muted">Tick the node fields users may set when they submit a generation. Inputs are keyed <code>node/field</code>;
        shortcuts such as <code>prompt</code> reach their fields whether ticked or not.</p>
      <form id="inputs-form"><div id="inputs-error"></div>
        ${fields.length ? html`<div class="table-wrap"><table id="inputs-table"><thead><tr><th>User input</th><th>Node</th><th>Field</th><th>Shortcut</th><th>Value in the workflow</th></tr></thead><tbody>
          ${fields.map(f => html`<tr data-key="${f.key}">
            <td><label class="check"><input type="checkbox" name="input" value="${f.key}" ${chosen.has(f.key) ? 'checked' : ''} ${admin ? '' : 'disabled'}>
              <span class="mono">${f.key}</span></label></td>
            <td>${f.title || f.classType} <span class="muted">${f.title && f.title !== f.classType ? f.classType : ''}</span></td>
            <td class="mono">${f.field}</td><td>${(shortcutOf.get(f.key) || []).join(', ')}</td>
            <td class="mono clip" title="${shown(f.value)}">${shown(f.value)}</td></tr>`)}</tbody></table></div>`
          : html`<p class="empty">This workflow has no fields to choose.</p>`}
        ${admin ? html`<div class="form-actions"><button class="btn" type="submit">Save inputs</button></div>` : ''}
      </form></section>
    <section class="panel"><div class="page-head" style="margin-bottom:.5rem"><h2 style="margin:0">Requirements and servers</h2>
      <button class="btn secondary" type="button" id="analyze">Analyze against the fleet</button></div>
      <p>Node types: ${(wf.nodeClasses || []).join(', ') || '—'}</p>
      <p>Models: ${(wf.models || []).map(m => `${m.name} (${m.folder})`).join(', ') || 'none'}</p>
      <div id="analysis"></div></section>`);

  const form = $('#inputs-form', el);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const keys = $$('input[name=input]', form).filter(c => c.checked).map(c => c.value);
    // inputs kept as they were (titles, bounds); new ones are completed from the graph by the API
    const inputs = keys.map(k => chosen.get(k) || { key: k });
    try {
      const saved = await put(`/workflows/${id}`, { name: wf.name, description: wf.description ?? null,
        workflow: wf.workflow, inputs, isDefault: !!wf.isDefault });
      wf = saved;
      chosen.clear();
      for (const i of saved.inputs || []) chosen.set(i.key, i);
      mount($('#inputs-error', el), '');
      flash(`Inputs saved: ${saved.inputs.length} input${saved.inputs.length === 1 ? '' : 's'}.`);
    } catch (e) { mount($('#inputs-error', el), errorBox({ message: `The inputs were not saved: ${e.message}`, errors: e.errors })); }
  });

  $('#analyze', el).addEventListener('click', async () => {
    const box = $('#analysis', el);
    mount(box, html`<p class="muted">Analyzing…</p>`);
    try {
      const a = await post(`/workflows/${id}/analyze`);
      const servers = a.servers || [];
      const secs = v => v == null ? '—' : (v < 60 ? `${v.toFixed(1)} s` : `${Math.round(v / 60)} min`);
      mount(box, html`<p data-runnable>${a.runnableSomewhere ? 'At least one running server can run this workflow now.' : 'No running server can run this workflow yet.'}
        ${a.estimatedSeconds != null ? html` A run takes about <strong data-estimate>${secs(a.estimatedSeconds)}</strong> (recent runs).` : ''}</p>
        ${servers.length ? html`<div class="table-wrap"><table id="analysis-table"><thead><tr><th>Server</th><th>State</th><th>Ready</th><th>What is missing</th><th>Estimate</th></tr></thead><tbody>
          ${servers.map(s => html`<tr data-server="${s.name}"><td><a href="#/servers/${s.serverId}">${s.name}</a></td><td>${badge(s.status)}</td>
            <td>${badge(s.runnable ? 'HEALTHY' : 'DEGRADED', s.runnable ? 'Ready' : 'Not ready')}</td>
            <td>${s.missing && s.missing.length ? html`<ul class="plain">${s.missing.map(x => html`<li>${x}</li>`)}</ul>` : '—'}</td>
            <td>${s.estimatedSeconds != null ? html`${secs(s.estimatedSeconds)} <span class="muted">(${s.basedOnRuns} runs)</span>` : html`<span class="muted">no runs yet</span>`}</td></tr>`)}</tbody></table></div>`
          : html`<p class="empty">No server is running, so none can run it.</p>`}`);
    } catch (e) { mount(box, e.missing ? unavailable('Workflow analysis', e) : errorBox(e)); }
  });
}
