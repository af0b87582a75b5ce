import { get, post } from '../api.js';
import { html, mount, $, badge, errorBox, unavailable, progress, when, flash } from '../ui.js';

const ACTIVE = ['QUEUED', 'RUNNING'];

export function render(el, [id], { go }) {
  let timer = null, stopped = false;
  async function tick() {
    let g;
    try { g = await get(`/generations/${id}`); } catch (e) { mount(el, e.missing ? unavailable('Generations', e) : errorBox(e)); return; }
    const active = ACTIVE.includes(g.status);
    const outputs = g.outputs || [];
    mount(el, html`<div class="page-head"><h1>Generation <span class="mono">${String(g.id).slice(0, 8)}</span> ${badge(g.status)}</h1>
      <span class="actions">${active ? html`<button class="btn danger" id="cancel-gen" type="button">Cancel</button>` : ''}
        <button class="btn secondary" id="regen" type="button">Regenerate</button><a class="btn secondary" href="#/generations">All generations</a></span></div>
      <section class="panel">${progress(g.progress, 'Generation progress')}
        <p>${g.progress ?? 0}%${g.currentNode ? html` · ${g.currentNode.title || g.currentNode.type}` : ''}${g.step != null ? html` · step ${g.step}/${g.maxSteps ?? '?'}` : ''}${g.eta ? html` · ETA ${g.eta}` : ''}</p>
        ${g.error ? errorBox({ message: typeof g.error === 'string' ? g.error : (g.error.message || g.error.exceptionMessage || 'The generation failed.') }) : ''}
        <dl class="kv"><dt>Created</dt><dd>${when(g.createdAt)}</dd><dt>Server</dt><dd>${g.serverName || g.serverId || '—'}</dd>
          <dt>Seed</dt><dd>${g.seed ?? '—'}</dd><dt>Attempts</dt><dd>${g.attempts ?? '—'}</dd></dl></section>
      <section class="panel"><h2>Outputs</h2>${outputs.length ? html`<div class="gallery">${outputs.map(o => String(o.contentType || 'image/').startsWith('image/')
        ? html`<a href="${o.url}" target="_blank" rel="noopener"><img src="${o.url}" alt="Output ${o.index}"></a>` : html`<a href="${o.url}">Output ${o.index}</a>`)}</div>`
        : html`<p class="empty">${active ? 'Outputs appear when it completes.' : 'No outputs.'}</p>`}</section>`);
    const cancel = $('#cancel-gen', el);
    if (cancel) cancel.onclick = async () => { try { await post(`/generations/${id}/cancel`); flash('Cancelling.'); } catch (e) { flash(e.message, 'error'); } };
    $('#regen', el).onclick = async () => { try { const n = await post(`/generations/${id}/regenerate`); go(`/generations/${n.id}`); } catch (e) { flash(e.message, 'error'); } };
    if (active && !stopped) timer = setTimeout(tick, 1000);
  }
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}
