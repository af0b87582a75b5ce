// Workflows: import one (paste its JSON or choose a file, UI or API format) and the list.
import { get, post, items } from '../api.js';
import { html, mount, $, errorBox, unavailable, when, flash } from '../ui.js';

export async function render(el, _params, { go, session }) {
  const admin = session.user && String(session.user.role).toUpperCase() === 'ADMIN';
  mount(el, html`<div class="page-head"><h1>Workflows</h1></div>
    ${admin ? html`<section class="panel"><h2>Import a workflow</h2>
      <form id="import-form" novalidate><div id="import-error"></div>
        <div class="row"><label>Name <input name="name" required autocomplete="off"></label>
          <label>Description <input name="description" autocomplete="off"></label></div>
        <div class="row" style="margin-top:.75rem"><label>Workflow file (UI or API format) <input name="file" type="file" accept=".json,application/json"></label></div>
        <label style="margin-top:.75rem">Workflow JSON <textarea name="json" aria-label="Workflow JSON" rows="10" spellcheck="false" placeholder='{"3": {"class_type": "KSampler", ...}}'></textarea></label>
        <div class="form-actions"><button class="btn" type="submit">Import</button></div>
      </form></section>` : ''}
    <section class="panel"><h2>Imported</h2><div id="wf-list"><p class="muted">Loading…</p></div></section>`);
  const form = $('#import-form', el);
  if (form) {
    form.file.addEventListener('change', async () => {
      const f = form.file.files[0];
      if (!f) return;
      form.json.value = await f.text();
      if (!form.name.value.trim()) form.name.value = f.name.replace(/\.json$/i, '');
      mount($('#import-error', el), '');
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const box = $('#import-error', el);
      if (!form.name.value.trim()) { mount(box, errorBox({ message: 'Give the workflow a name.' })); form.name.focus(); return; }
      let workflow;
      try { workflow = JSON.parse(form.json.value); } catch (e) {
        mount(box, errorBox({ message: `That is not valid JSON (${e.message}). Export the workflow from ComfyUI (Save, or Export (API)) and paste or choose that file.` }));
        form.json.focus();
        return;
      }
      // a file exported with its name and description around the graph is accepted as it is
      if (workflow && workflow.workflow && typeof workflow.workflow === 'object' && !workflow.nodes && !workflow.class_type) workflow = workflow.workflow;
      try {
        const created = await post('/workflows', { name: form.name.value.trim(), description: form.description.value.trim() || null, workflow });
        flash(`Imported ${created.name}. Now choose its inputs.`);
        go(`/workflows/${created.id}`);
      } catch (e) { mount(box, errorBox({ message: `The workflow was not imported: ${e.message}`, errors: e.errors })); }
    });
  }
  try {
    const list = items(await get('/workflows'));
    mount($('#wf-list', el), list.length ? html`<div class="table-wrap"><table id="wf-table"><thead><tr><th>Name</th><th>Inputs</th><th>Nodes</th><th>Updated</th></tr></thead><tbody>
      ${list.map(w => html`<tr data-workflow="${w.name}"><td><a href="#/workflows/${w.id}">${w.name}</a>${w.isDefault ? html` <span class="badge info">default</span>` : ''}
          ${w.description ? html`<div class="muted">${w.description}</div>` : ''}</td>
        <td>${(w.inputs || []).length}</td><td>${(w.nodeClasses || []).length} kinds</td><td>${when(w.updatedAt || w.createdAt)}</td></tr>`)}</tbody></table></div>`
      : html`<p class="empty">No workflows yet.</p>`);
  } catch (e) {
    mount($('#wf-list', el), e.missing ? unavailable('Workflows', e) : errorBox(e));
  }
}
