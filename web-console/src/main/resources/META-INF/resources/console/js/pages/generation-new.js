// A new generation: pick a workflow, fill in its designated inputs (an image input takes a file,
// uploaded at once; the generation then uses the name the upload answered), submit.
import { get, post, upload, items } from '../api.js';
import { html, mount, $, $$, errorBox, flash, unavailable } from '../ui.js';

const fieldId = (key) => 'in-' + key.replace(/[^a-zA-Z0-9]/g, '-');

function field(key, def) {
  const label = def.title ? `${def.title} (${key})` : key;
  const id = fieldId(key);
  const hint = def.description ? html`<span class="muted">${def.description}</span>` : '';
  if (def.type === 'IMAGE') {
    return html`<div class="field" data-input="${key}"><label for="${id}">${label}</label>
      <input id="${id}" type="file" accept="image/png,image/jpeg,image/webp" data-image="${key}">
      <span class="muted" data-upload-state aria-live="polite">No image chosen yet.</span>${hint}</div>`;
  }
  const value = def.defaultValue ?? '';
  if (def.type === 'INT' || def.type === 'FLOAT') {
    return html`<div class="field" data-input="${key}"><label for="${id}">${label}</label>
      <input id="${id}" name="${key}" type="number" step="${def.type === 'INT' ? '1' : 'any'}" value="${value}"
        ${def.min != null ? html`min="${def.min}"` : ''} ${def.max != null ? html`max="${def.max}"` : ''}>${hint}</div>`;
  }
  if (def.type === 'BOOLEAN') {
    return html`<div class="field" data-input="${key}"><label class="check"><input id="${id}" name="${key}" type="checkbox" ${value ? 'checked' : ''}> ${label}</label>${hint}</div>`;
  }
  return html`<div class="field" data-input="${key}"><label for="${id}">${label}</label>
    <textarea id="${id}" name="${key}" rows="2">${typeof value === 'string' ? value : JSON.stringify(value)}</textarea>${hint}</div>`;
}

export async function render(el, _params, { go }) {
  let workflows;
  try { workflows = items(await get('/workflows')); } catch (e) { mount(el, e.missing ? unavailable('Workflows', e) : errorBox(e)); return; }
  const wanted = new URLSearchParams(location.hash.split('?')[1] || '').get('workflow');
  const first = workflows.find(w => w.id === wanted) || workflows.find(w => w.isDefault) || workflows[0];
  mount(el, html`<div class="page-head"><h1>New generation</h1><a class="btn secondary" href="#/generations">All generations</a></div>
    <section class="panel"><form id="new-generation">
      <div class="field"><label for="gen-workflow">Workflow</label>
        <select id="gen-workflow" name="workflowId">${workflows.map(w => html`<option value="${w.id}" ${first && w.id === first.id ? 'selected' : ''}>${w.name}</option>`)}</select></div>
      <div id="gen-inputs"><p class="muted">Loading the inputs…</p></div>
      <div id="gen-error"></div>
      <div class="form-actions"><button class="btn" type="submit" id="gen-submit">Generate</button></div>
    </form></section>`);

  const form = $('#new-generation', el);
  let defs = {};
  const uploaded = new Map(); // image input key -> "upload:<id>"

  async function showInputs() {
    uploaded.clear();
    const box = $('#gen-inputs', el);
    try {
      defs = await get(`/workflows/${form.workflowId.value}/inputs`);
      const keys = Object.keys(defs);
      mount(box, keys.length ? html`${keys.map(k => field(k, defs[k]))}` : html`<p class="empty">This workflow takes no inputs: it runs as it is.</p>`);
    } catch (e) { mount(box, errorBox(e)); }
  }

  form.workflowId.addEventListener('change', showInputs);
  form.addEventListener('change', async (event) => {
    const input = event.target.closest('input[data-image]');
    if (!input || !input.files.length) return;
    const key = input.dataset.image;
    const state = $('[data-upload-state]', input.closest('.field'));
    uploaded.delete(key);
    state.textContent = 'Uploading…';
    input.closest('.field').removeAttribute('data-uploaded');
    try {
      const u = await upload('/uploads', input.files[0]);
      uploaded.set(key, u.inputValue);
      state.textContent = `Uploaded ${u.filename || input.files[0].name} (${u.contentType}).`;
      input.closest('.field').setAttribute('data-uploaded', u.inputValue);
    } catch (e) {
      state.textContent = `Not uploaded: ${e.message}`;
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const inputs = {};
    for (const [key, def] of Object.entries(defs)) {
      if (def.type === 'IMAGE') {
        if (uploaded.has(key)) inputs[key] = uploaded.get(key);
        continue;
      }
      const control = $$('[name]', form).find(c => c.name === key);
      if (!control) continue;
      if (def.type === 'BOOLEAN') inputs[key] = control.checked;
      else if (control.value === '') continue;
      else if (def.type === 'INT' || def.type === 'FLOAT') inputs[key] = Number(control.value);
      else inputs[key] = control.value;
    }
    const missing = Object.entries(defs).filter(([k, d]) => d.type === 'IMAGE' && !uploaded.has(k)).map(([k, d]) => d.title || k);
    if (missing.length) { mount($('#gen-error', el), errorBox({ message: `Choose an image first: ${missing.join(', ')}.` })); return; }
    try {
      const g = await post('/generations', { workflowId: form.workflowId.value, inputs });
      flash('Generation submitted.');
      go(`/generations/${g.id}`);
    } catch (e) { mount($('#gen-error', el), errorBox(e)); }
  });

  if (first) await showInputs();
  else mount($('#gen-inputs', el), html`<p class="empty">No workflow is stored yet.</p>`);
}
