import { get, post, items } from '../api.js';
import { html, mount, $, errorBox, unavailable, when, flash } from '../ui.js';

export async function render(el, _params, { go }) {
  mount(el, html`<div class="page-head"><h1>Workflows</h1></div>
    <section class="panel"><h2>Import a workflow</h2>
      <form id="import-form" novalidate><div id="import-error"></div>
        <div class="row"><label>Name <input name="name" required></label>
          <label>File (UI or API format) <input name="file" type="file" accept=".json,application/json"></label></div>
        <label style="margin-top:.75rem">Or paste its JSON <textarea name="json" spellcheck="false" placeholder='{"3": {"class_type": "KSampler", ...}}'></textarea></label>
        <div class="form-actions"><button class="btn" type="submit">Import</button></div>
      </form></section>
    <section class="panel"><h2>Imported</h2><div id="wf-list"><p class="muted">Loading…</p></div></section>`);
  const form = $('#import-form', el);
  form.file.addEventListener('change', async () => {
    const f = form.file.files[0];
    if (!f) return;
    form.json.value = await f.text();
    if (!form.name.value) form.name.value = f.name.replace(/\.json$/i, '');
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let workflow;
    try { workflow = JSON.parse(form.json.value); } catch (e) {
      mount($('#import-error', el), errorBox({ message: 'That is not valid JSON. Export the workflow from ComfyUI (Save or Export (API)) and try again.' })); return;
    }
    if (!form.name.value.trim()) { mount($('#import-error', el), errorBox({ message: 'Give the workflow a name.' })); return; }
    try {
      const created = await post('/workflows', { name: form.name.value.trim(), workflow });
      flash(`Imported ${created.name || 'the workflow'}. Now choose its inputs.`);
      go(`/workflows/${created.id}`);
    } catch (e) { mount($('#import-error', el), errorBox(e)); }
  });
  try {
    const list = items(await get('/workflows?size=100'));
    mount($('#wf-list', el), list.length ? html`<table><thead><tr><th>Name</th><th>Inputs</th><th>Created</th></tr></thead><tbody>
      ${list.map(w => html`<tr><td><a href="#/workflows/${w.id}">${w.name}</a>${w.isDefault || w.default ? html` <span class="badge info">default</span>` : ''}</td>
        <td>${Array.isArray(w.inputs) ? w.inputs.length : (w.inputCount ?? '—')}</td><td>${when(w.createdAt)}</td></tr>`)}</tbody></table>`
      : html`<p class="empty">No workflows yet.</p>`);
  } catch (e) {
    mount($('#wf-list', el), e.missing ? unavailable('Workflows', e) : errorBox(e));
  }
}
