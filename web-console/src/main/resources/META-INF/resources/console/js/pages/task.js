// One task: what was asked, its status as its events arrive, its answer or its outputs.
import { get, post, del } from '../api.js';
import { html, mount, $, badge, errorBox, when, duration, money, flash, confirmDialog, outputMedia } from '../ui.js';

const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

export async function render(el, [id], { go }) {
  let source = null, stopped = false;

  async function load() {
    let t;
    try { t = await get(`/tasks/${id}`); } catch (e) { mount(el, html`<div class="page-head"><h1>Task</h1></div>${errorBox(e)}`); return null; }
    if (stopped) return t;
    mount(el, html`<div class="page-head"><h1>${t.name}</h1><span class="actions">
        ${!FINAL.includes(t.status) ? html`<button class="btn secondary" type="button" data-act="cancel">Cancel</button>` : ''}
        ${['FAILED', 'CANCELLED'].includes(t.status) ? html`<button class="btn secondary" type="button" data-act="retry">Retry</button>` : ''}
        ${t.status !== 'RUNNING' ? html`<button class="btn danger" type="button" data-act="delete">Delete</button>` : ''}
        <a class="btn secondary" href="#/tasks">All tasks</a></span></div>
      <section class="panel"><dl class="facts" id="task-facts">
        <dt>Status</dt><dd id="task-status">${badge(t.status)}</dd>
        <dt>Type</dt><dd>${t.type}</dd><dt>Provider</dt><dd>${t.provider || '—'}</dd>
        ${t.model ? html`<dt>Model</dt><dd class="mono">${t.model}</dd>` : ''}
        ${t.generationId ? html`<dt>Generation</dt><dd><a class="mono" href="#/generations/${t.generationId}">${String(t.generationId).slice(0, 8)}</a></dd>` : ''}
        <dt>Attempts</dt><dd>${t.attempts ?? 0} of ${t.maxAttempts ?? '—'}${t.retries ? ` (retried ${t.retries}×)` : ''}</dd>
        <dt>Created</dt><dd>${when(t.createdAt)}</dd>
        ${t.finishedAt ? html`<dt>Took</dt><dd>${t.durationMs != null ? duration(t.durationMs) : '—'}</dd>` : ''}
        ${t.usage ? html`<dt>Tokens</dt><dd data-usage>${t.usage.promptTokens} in, ${t.usage.completionTokens} out</dd>` : ''}
        ${t.cost != null ? html`<dt>Cost</dt><dd>${money(t.cost, 6)}</dd>` : ''}
      </dl></section>
      <section class="panel"><h2>Prompt</h2>${t.systemPrompt ? html`<p class="muted">System: ${t.systemPrompt}</p>` : ''}<p class="pre">${t.prompt}</p></section>
      ${t.error ? html`<div class="alert error" role="alert" id="task-failure"><strong>${t.error.code || 'Failed'}</strong> ${t.error.message || ''}</div>` : ''}
      ${t.result != null ? html`<section class="panel"><h2>Answer</h2><div class="pre" id="task-result">${t.result}</div></section>` : ''}
      ${(t.outputs || []).length ? html`<section class="panel"><h2>Outputs</h2><div class="gallery">${t.outputs.map(o => html`<figure>${outputMedia(o, `Output ${o.index + 1}`)}</figure>`)}</div></section>` : ''}`);
    return t;
  }

  el.addEventListener('click', async (event) => {
    const b = event.target.closest('button[data-act]');
    if (!b) return;
    try {
      if (b.dataset.act === 'cancel') { await post(`/tasks/${id}/cancel`); flash('Task cancelled.'); }
      if (b.dataset.act === 'retry') { await post(`/tasks/${id}/retry`); flash('Task queued again.'); follow(); }
      if (b.dataset.act === 'delete') {
        if (!await confirmDialog({ title: 'Delete this task?', body: 'Its result and history go with it.', confirm: 'Delete task' })) return;
        await del(`/tasks/${id}`);
        flash('Task deleted.');
        go('/tasks');
        return;
      }
    } catch (e) { flash(e.message, 'error'); }
    load();
  });

  // its events (the same numbered bus as generations'): each one re-reads the task; a final one ends
  function follow() {
    if (source) source.close();
    source = new EventSource(`/api/v1/tasks/${id}/events`);
    const reread = async () => { const t = await load(); if (t && FINAL.includes(t.status) && source) { source.close(); source = null; } };
    for (const type of ['task.state', 'task.queued', 'task.started', 'task.retrying', 'task.completed', 'task.failed', 'task.cancelled']) {
      source.addEventListener(type, reread);
    }
  }

  const first = await load();
  if (first && !FINAL.includes(first.status)) follow();
  return () => { stopped = true; if (source) source.close(); };
}
