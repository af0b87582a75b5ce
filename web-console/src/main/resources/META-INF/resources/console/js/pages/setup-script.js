import { get, post, put, del } from '../api.js';
import { html, mount, $, $$, errorBox, unavailable, flash, confirmDialog, when } from '../ui.js';

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
    </form>
    ${isNew ? '' : html`<section class="panel" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <p class="muted">Every saved version, who saved it and when. A setup run names the version it ran.</p>
      <div id="history"><p class="muted">Loading…</p></div>
      <div id="version-diff"></div></section>`}`);
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
  if (!isNew) showHistory(el, id, script, go);
  const remove = $('#delete-script', el);
  if (remove) remove.addEventListener('click', async () => {
    if (!await confirmDialog({ title: `Delete ${script.name}?`, body: 'It is gone for good. A script that a server uses cannot be deleted while it does.', confirm: 'Delete script' })) return;
    try { await del(`/setup-scripts/${id}`); flash('Script deleted.'); go('/setup'); } catch (e) { mount($('#script-error', el), errorBox(e)); }
  });
}

/** The versions of a script: a diff of each against the one before, and a restore of old ones. */
async function showHistory(el, id, script, go) {
  const box = $('#history', el);
  let versions;
  try { versions = await get(`/setup-scripts/${id}/versions`); } catch (e) { mount(box, errorBox(e)); return; }
  mount(box, html`<div class="table-wrap"><table id="versions-table"><thead><tr><th>Version</th><th>Saved by</th><th>Saved</th><th>Lines</th><th></th></tr></thead><tbody>
    ${versions.map((v) => html`<tr data-version="${v.version}"><td>v${v.version}${v.current ? html` <span class="badge">current</span>` : ''}</td>
      <td>${v.author}</td><td>${when(v.savedAt)}</td><td>${v.lines}</td>
      <td><button class="btn secondary small" type="button" data-diff="${v.version}">Diff v${v.version}</button>
        ${v.current ? '' : html`<button class="btn small" type="button" data-restore="${v.version}">Restore v${v.version}</button>`}</td></tr>`)}
    </tbody></table></div>`);
  $$('[data-diff]', box).forEach((button) => button.addEventListener('click', async () => {
    const version = Number(button.dataset.diff);
    try {
      const answer = await get(`/setup-scripts/${id}/versions/${version}/diff`);
      mount($('#version-diff', el), html`<h3>Changes from v${answer.against} to v${answer.version}</h3>
        <pre class="log diff" aria-label="Diff">${answer.diff || '(no changes)'}</pre>`);
    } catch (e) { mount($('#version-diff', el), errorBox(e)); }
  }));
  $$('[data-restore]', box).forEach((button) => button.addEventListener('click', async () => {
    const version = Number(button.dataset.restore);
    if (!await confirmDialog({ title: `Restore v${version} of ${script.name}?`, body: 'Its content is saved as a new version; the current one stays in the history.', confirm: `Restore v${version}`, tone: "" })) return;
    try {
      const saved = await post(`/setup-scripts/${id}/versions/${version}/restore`);
      flash(`Restored v${version} as v${saved.version}.`);
      go(`/setup/scripts/${id}`);
    } catch (e) { mount($('#version-diff', el), errorBox(e)); }
  }));
}
