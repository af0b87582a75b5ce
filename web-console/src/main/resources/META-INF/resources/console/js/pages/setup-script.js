import { get, post, put, del } from '../api.js';
import { html, mount, $, errorBox, unavailable, flash, confirmDialog } from '../ui.js';

export async function render(el, [id], { go }) {
  const isNew = id === 'new';
  let script = { name: '', description: '', content: '' };
  if (!isNew) {
    try { script = await get(`/setup-scripts/${id}`); } catch (e) {
      mount(el, e.missing ? unavailable('Setup scripts', e) : errorBox(e)); return;
    }
  }
  const content = script.content ?? '';
  mount(el, html`<div class="page-head"><h1>${isNew ? 'New setup script' : script.name}</h1>
      ${isNew ? '' : html`<span class="muted">version ${script.version}${script.builtin ? ' · built in' : ''}</span>`}</div>
    <form id="script-form" class="panel">
      <div id="script-error"></div>
      <div class="row"><label>Name <input name="name" required value="${script.name}"></label>
        <label>Description <input name="description" value="${script.description || ''}"></label>
        <label>Kind <select name="kind" aria-label="Kind">
          <option value="INSTALL" ${script.kind !== 'RESET' ? 'selected' : ''}>Install (sets a server up)</option>
          <option value="RESET" ${script.kind === 'RESET' ? 'selected' : ''}>Reset (removes an installation)</option></select></label></div>
      <p class="muted">A bash script. Each line it prints like <code>##STEP 2/5 Installing models</code> moves the run's progress bar.</p>
      <label>Script <textarea name="content" aria-label="Script" rows="18" spellcheck="false">${content}</textarea></label>
      <div class="form-actions"><button class="btn" type="submit">Save</button>
        ${isNew ? '' : html`<button class="btn danger" type="button" id="delete-script">Delete</button>`}
        <a class="btn secondary" href="#/setup">Back</a></div>
    </form>`);
  const form = $('#script-form', el);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: form.name.value.trim(), description: form.description.value.trim() || null, content: form.content.value, kind: form.kind.value };
    try {
      const saved = isNew ? await post('/setup-scripts', body) : await put(`/setup-scripts/${id}`, body);
      flash(`Saved ${saved && saved.name ? saved.name : body.name}.`);
      go('/setup');
    } catch (e) { mount($('#script-error', el), errorBox({ message: `The script was not saved: ${e.message}`, errors: e.errors })); }
  });
  const remove = $('#delete-script', el);
  if (remove) remove.addEventListener('click', async () => {
    if (!await confirmDialog({ title: `Delete ${script.name}?`, body: 'It is gone for good. A script that a server uses cannot be deleted while it does.', confirm: 'Delete script' })) return;
    try { await del(`/setup-scripts/${id}`); flash('Script deleted.'); go('/setup'); } catch (e) { mount($('#script-error', el), errorBox(e)); }
  });
}
