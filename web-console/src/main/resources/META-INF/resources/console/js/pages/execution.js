import { get, post } from '../api.js';
import { html, mount, $, badge, errorBox, unavailable, progress, when, flash, confirmDialog } from '../ui.js';

const ACTIVE = ['QUEUED', 'PENDING', 'RUNNING', 'STARTING', 'CANCELLING'];

export function render(el, [id]) {
  mount(el, html`<div id="exec-head"><h1>Setup run</h1></div><div id="exec-error"></div>
    <section class="panel"><div id="exec-progress"></div></section>
    <section class="panel"><h2>Output</h2><pre class="log" id="log" aria-live="off"></pre></section>`);
  let from = 0, timer = null, stopped = false;
  const log = $('#log', el);

  async function tick() {
    let x;
    try { x = await get(`/executions/${id}`); } catch (e) {
      mount(el, e.missing ? unavailable('Setup runs', e) : errorBox(e)); return;
    }
    const active = ACTIVE.includes(String(x.status).toUpperCase());
    const pct = x.stepTotal ? ((x.step || 0) / x.stepTotal) * 100 : (active ? 0 : 100);
    mount($('#exec-head', el), html`<div class="page-head"><h1>Setup run ${badge(x.status)}</h1>
      <span class="actions">${x.serverId ? html`<a class="btn small secondary" href="#/servers/${x.serverId}">Server</a>` : ''}
      ${active ? html`<button class="btn small danger" id="cancel-run" type="button">Cancel run</button>` : ''}</span></div>`);
    mount($('#exec-progress', el), html`<p>Step <strong>${x.step || 0}</strong> of <strong>${x.stepTotal || '?'}</strong>${x.stepTitle ? html`: ${x.stepTitle}` : ''}</p>
      ${progress(pct, 'Setup progress')}
      <p class="muted">Started ${when(x.startedAt || x.createdAt)}${x.finishedAt ? html` · finished ${when(x.finishedAt)}` : ''}</p>
      ${x.error ? errorBox({ message: x.error }) : ''}`);
    const cancel = $('#cancel-run', el);
    if (cancel) cancel.onclick = async () => {
      if (!await confirmDialog({ title: 'Cancel this setup run?', body: 'The step that runs now is stopped; the server stays as it is.', confirm: 'Cancel run' })) return;
      try { await post(`/executions/${id}/cancel`); flash('Cancelling the run.'); } catch (e) { flash(e.message, 'error'); }
    };
    await output(x);
    if (active && !stopped) timer = setTimeout(tick, 1000);
  }

  async function output(x) {
    try {
      const chunk = await get(`/executions/${id}/output?from=${from}`);
      const text = typeof chunk === 'string' ? chunk : (chunk.output ?? chunk.text ?? '');
      if (text) {
        const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 20;
        log.textContent += text;
        if (atBottom) log.scrollTop = log.scrollHeight;
      }
      from = typeof chunk === 'object' && chunk.next != null ? chunk.next : from + text.length;
    } catch (e) {
      if (typeof x.output === 'string') { log.textContent = x.output; from = x.output.length; }
    }
  }
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}
