import { get, post, put } from '../api.js';
import { html, mount, $, $$, errorBox, unavailable, flash, badge } from '../ui.js';

export async function render(el, [id]) {
  let wf, inputs;
  try {
    wf = await get(`/workflows/${id}`);
    inputs = await get(`/workflows/${id}/inputs`).catch(() => null);
  } catch (e) { mount(el, e.missing ? unavailable('Workflows', e) : errorBox(e)); return; }
  const list = Array.isArray(inputs) ? inputs : (inputs && (inputs.inputs || inputs.items)) || [];
  mount(el, html`<div class="page-head"><h1>${wf.name}</h1><a class="btn secondary" href="#/workflows">All workflows</a></div>
    <section class="panel"><h2>Inputs</h2>
      <p class="muted">Choose which node fields callers may set (keyed <code>node/field</code>).</p>
      <form id="inputs-form"><div id="inputs-error"></div>
        ${list.length ? html`<table><thead><tr><th>Use</th><th>Key</th><th>Node</th><th>Type</th><th>Default</th></tr></thead><tbody>
          ${list.map(i => { const key = i.key || `${i.node}/${i.field}`; return html`<tr>
            <td><input type="checkbox" name="${key}" aria-label="Use ${key}" ${i.designated !== false ? 'checked' : ''}></td>
            <td class="mono">${key}</td><td>${i.nodeTitle || i.classType || i.nodeType || ''}</td><td>${i.type || ''}</td>
            <td class="mono">${i.defaultValue ?? i.default ?? ''}</td></tr>`; })}</tbody></table>`
          : html`<p class="empty">This workflow has no inputs to choose.</p>`}
        <div class="form-actions"><button class="btn" type="submit">Save inputs</button></div>
      </form></section>
    <section class="panel"><div class="page-head" style="margin-bottom:.5rem"><h2 style="margin:0">Requirements per server</h2>
      <button class="btn secondary" type="button" id="analyze">Analyze</button></div><div id="analysis"></div></section>`);
  $('#inputs-form', el).addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = $$('input[type=checkbox]', event.target).filter(c => c.checked).map(c => c.name);
    const kept = list.filter(i => chosen.includes(i.key || `${i.node}/${i.field}`));
    try {
      await put(`/workflows/${id}`, { name: wf.name, description: wf.description ?? null,
        workflow: wf.workflow, inputs: kept, isDefault: !!wf.isDefault });
      flash('Inputs saved.');
    }
    catch (e) { mount($('#inputs-error', el), errorBox(e)); }
  });
  $('#analyze', el).addEventListener('click', async () => {
    const box = $('#analysis', el);
    try {
      const a = await post(`/workflows/${id}/analyze`);
      const servers = a.servers || [];
      mount(box, html`<p>Needs nodes: ${(a.nodeClasses || a.requiredNodes || []).join(', ') || '—'}; models: ${(a.models || []).map(m => m.name || m).join(', ') || '—'}</p>
        ${servers.length ? html`<table><thead><tr><th>Server</th><th>Ready</th><th>Missing</th></tr></thead><tbody>
          ${servers.map(s => html`<tr><td>${s.name || s.serverId}</td><td>${badge(s.available || s.ready ? 'HEALTHY' : 'DEGRADED', s.available || s.ready ? 'ready' : 'missing parts')}</td>
            <td>${[...(s.missingNodes || []), ...(s.missingModels || [])].join(', ')}</td></tr>`)}</tbody></table>` : ''}`);
    } catch (e) { mount(box, e.missing ? unavailable('Workflow analysis', e) : errorBox(e)); }
  });
}
