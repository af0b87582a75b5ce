// Tasks: a prompt to a language model (text) or a generation of the fleet (image), queued durably;
// a form to create one, the list with the API's filters, row actions and the export.
import { get, post, del, items, query } from '../api.js';
import { html, mount, $, badge, errorBox, when, duration, formValues, flash, every, confirmDialog, notice } from '../ui.js';

const STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];
const ACTIVE = ['PENDING', 'RUNNING'];
const PAGE = 20;

export async function render(el, _params, { go }) {
  let profiles = [];
  try { profiles = await get('/chat/profiles'); } catch (e) { /* text tasks need one; the list still works */ }
  mount(el, html`<div class="page-head"><h1>Tasks</h1><span class="actions">
      <a class="btn secondary" id="export-csv" download>Export CSV</a>
      <a class="btn secondary" id="export-json" download>Export JSON</a></span></div>
    <section class="panel" aria-labelledby="new-task-title"><h2 id="new-task-title">New task</h2>
      <form id="task-form">
        <div class="row">
          <label>Type <select name="type" id="task-type"><option value="text">Text (a language model)</option><option value="image">Image (a generation)</option></select></label>
          <label>Name <input name="name" placeholder="optional: the prompt's start"></label>
        </div>
        <div class="row" id="text-fields">
          <label>Profile <select name="profileId" id="task-profile">${profiles.map(p => html`<option value="${p.id}">${p.name} (${p.provider})</option>`)}</select></label>
          <label>Model <select name="model" id="task-model"></select></label>
          <label>System prompt <input name="systemPrompt" placeholder="optional"></label>
        </div>
        ${profiles.length === 0 ? notice('No provider profile can run text tasks yet: an admin adds one under Profiles.') : ''}
        <label>Prompt <textarea name="prompt" rows="3" required></textarea></label>
        <div id="task-error"></div>
        <div class="form-actions"><button class="btn" type="submit">Create task</button></div>
      </form></section>
    <section class="panel" aria-labelledby="tasks-title"><h2 id="tasks-title">Task history</h2>
      <form id="task-filters"><div class="row filters" style="align-items:end">
        <label>Status <select name="status" aria-label="Status"><option value="">Any</option>${STATUSES.map(s => html`<option value="${s}">${s.charAt(0) + s.slice(1).toLowerCase()}</option>`)}</select></label>
        <label>Of type <select name="type" aria-label="Of type"><option value="">Any</option><option value="text">Text</option><option value="image">Image</option></select></label>
        <label>Provider <select name="provider" aria-label="Provider"><option value="">Any</option>${['ollama', 'openai', 'gemini', 'claude', 'comfyui'].map(p => html`<option value="${p}">${p}</option>`)}</select></label>
        <label>Search <input name="search" type="search" placeholder="name or prompt"></label>
        <label>From <input name="from" type="date"></label>
        <label>To <input name="to" type="date"></label>
        <div><button class="btn" type="submit">Filter</button></div>
      </div></form>
      <p class="muted" id="tasks-count"></p>
      <div id="tasks"><p class="muted">Loading…</p></div>
      <div class="form-actions" id="tasks-pager"></div></section>`);

  const form = $('#task-form', el), filters = $('#task-filters', el);
  const profileSelect = $('#task-profile', el), modelSelect = $('#task-model', el);
  let page = 0, stopped = false, last = [];

  function fillModels() {
    const p = profiles.find(x => x.id === profileSelect.value);
    const names = p ? p.models.map(m => m.model) : [];
    if (p && p.defaultModel && !names.includes(p.defaultModel)) names.unshift(p.defaultModel);
    mount(modelSelect, html`${names.map(n => html`<option value="${n}" ${p && n === p.defaultModel ? 'selected' : ''}>${n}</option>`)}`);
  }
  profileSelect.addEventListener('change', fillModels);
  fillModels();
  $('#task-type', el).addEventListener('change', (e) => { $('#text-fields', el).hidden = e.target.value !== 'text'; });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const body = { type: v.type, prompt: v.prompt };
    if (v.name) body.name = v.name;
    if (v.type === 'text') {
      if (v.profileId) body.profileId = v.profileId;
      if (v.model) body.model = v.model;
      if (v.systemPrompt) body.systemPrompt = v.systemPrompt;
    }
    mount($('#task-error', el), '');
    try {
      const task = await post('/tasks', body);
      flash(`Task “${task.name}” is queued.`);
      go(`/tasks/${task.id}`);
    } catch (e) { mount($('#task-error', el), errorBox(e)); }
  });

  function filterParams() {
    const v = formValues(filters);
    return { status: v.status, type: v.type, provider: v.provider, search: v.search,
      from: v.from ? new Date(v.from + 'T00:00:00').toISOString() : '',
      to: v.to ? new Date(new Date(v.to + 'T00:00:00').getTime() + 86400000).toISOString() : '' };
  }

  function exportLinks() {
    const p = filterParams();
    $('#export-csv', el).href = '/api/v1/tasks/export' + query({ ...p, format: 'csv' });
    $('#export-json', el).href = '/api/v1/tasks/export' + query({ ...p, format: 'json' });
  }

  async function load() {
    if (stopped) return;
    try {
      const answer = await get('/tasks' + query({ ...filterParams(), page, size: PAGE }));
      last = items(answer);
      const total = answer && answer.total != null ? answer.total : last.length;
      $('#tasks-count', el).textContent = total ? `${page * PAGE + 1}–${page * PAGE + last.length} of ${total}` : '';
      mount($('#tasks', el), last.length ? html`<div class="table-wrap"><table id="tasks-table"><thead><tr><th>Task</th><th>Type</th>
        <th>Provider</th><th>Model</th><th>Status</th><th>Created</th><th>Took</th><th><span class="sr-only">Actions</span></th></tr></thead><tbody>
        ${last.map(t => html`<tr data-task="${t.id}">
          <td><a href="#/tasks/${t.id}">${t.name}</a></td><td>${t.type}</td><td>${t.provider || '—'}</td><td class="mono">${t.model || '—'}</td>
          <td>${badge(t.status)}</td><td>${when(t.createdAt)}</td><td>${t.durationMs != null ? duration(t.durationMs) : '—'}</td>
          <td class="actions">${ACTIVE.includes(t.status) ? html`<button class="btn small secondary" type="button" data-act="cancel" data-id="${t.id}">Cancel</button>` : ''}
            ${['FAILED', 'CANCELLED'].includes(t.status) ? html`<button class="btn small secondary" type="button" data-act="retry" data-id="${t.id}">Retry</button>` : ''}
            ${t.status !== 'RUNNING' ? html`<button class="btn small danger" type="button" data-act="delete" data-id="${t.id}" data-name="${t.name}">Delete</button>` : ''}</td></tr>`)}
        </tbody></table></div>` : html`<p class="empty">No tasks match.</p>`);
      mount($('#tasks-pager', el), html`${page > 0 ? html`<button class="btn small secondary" type="button" data-page="-1">Newer</button>` : ''}
        ${(page + 1) * PAGE < total ? html`<button class="btn small secondary" type="button" data-page="1">Older</button>` : ''}`);
    } catch (e) { mount($('#tasks', el), errorBox(e)); }
  }

  filters.addEventListener('submit', (event) => { event.preventDefault(); page = 0; exportLinks(); load(); });
  el.addEventListener('click', async (event) => {
    const p = event.target.closest('button[data-page]');
    if (p) { page = Math.max(0, page + Number(p.dataset.page)); load(); return; }
    const b = event.target.closest('button[data-act]');
    if (!b) return;
    const id = b.dataset.id;
    try {
      if (b.dataset.act === 'cancel') { await post(`/tasks/${id}/cancel`); flash('Task cancelled.'); }
      if (b.dataset.act === 'retry') { await post(`/tasks/${id}/retry`); flash('Task queued again.'); }
      if (b.dataset.act === 'delete') {
        if (!await confirmDialog({ title: `Delete the task “${b.dataset.name}”?`, body: 'Its result and history go with it.', confirm: 'Delete task' })) return;
        await del(`/tasks/${id}`);
        flash('Task deleted.');
      }
    } catch (e) { flash(e.message, 'error'); }
    load();
  });

  exportLinks();
  // while tasks run, the list follows them; a quiet list is read less often
  let ticks = 0;
  const stop = every(2000, async () => {
    if (ticks++ % 5 === 0 || last.some(t => ACTIVE.includes(t.status))) await load();
  });
  return () => { stopped = true; stop(); };
}
