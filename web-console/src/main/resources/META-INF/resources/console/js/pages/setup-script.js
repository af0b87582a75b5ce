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
  const content = script.content ?? script.script ?? '';
  mount(el, html`<div class="page-head"><h1>${isNew ? 'New setup script' : script.name}</h1></div>
    <form id="script-form" class="panel">
      <div id="script-error"></div>
      <div class="row"><label>Name <input name="name" required value="${script.name}"></label>
        <label>Description <input name="description" value="${script.description || ''}"></label></div>
      <p class="muted">Lines like <code>## step: Install models</code> mark the steps the progress bar counts.</p>
      <label>Script <textarea name="content" spellcheck="false">${content}</textarea></label>
      <div class="form-actions"><button class="btn" type="submit">Save</button>
        ${isNew ? '' : html`<button class="btn danger" type="button" id="delete-script">Delete</button>`}
        <a class="btn secondary" href="#/setup">Back</a></div>
    </form>`);
  const form = $('#script-form', el);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: form.name.value.trim(), description: form.description.value.trim() || null, content: form.content.value };
    try {
      const saved = isNew ? await post('/setup-scripts', body) : await put(`/setup-scripts/${id}`, body);
      flash(`Saved ${saved && saved.name ? saved.name : body.name}.`);
      go('/setup');
    } catch (e) { mount($('#script-error', el), errorBox(e)); }
  });
  const remove = $('#delete-script', el);
  if (remove) remove.addEventListener('click', async () => {
    if (!await confirmDialog({ title: `Delete ${script.name}?`, body: 'Servers that use it fall back to the default script.', confirm: 'Delete script' })) return;
    try { await del(`/setup-scripts/${id}`); flash('Script deleted.'); go('/setup'); } catch (e) { mount($('#script-error', el), errorBox(e)); }
  });
}
