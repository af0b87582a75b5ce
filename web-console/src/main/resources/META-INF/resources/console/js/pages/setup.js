// Setup: start a run of a script on a server, the scripts, and a server's history of runs.
import { get, post, items } from '../api.js';
import { html, mount, $, errorBox, unavailable, flash, formValues, when } from '../ui.js';
import { executionTable } from './server.js';

export async function render(el, _params, { go }) {
  mount(el, html`<div class="page-head"><h1>Setup</h1><a class="btn" href="#/setup/scripts/new">New script</a></div>
    <section class="panel"><h2>Start a run</h2>
      <form id="run-form"><div class="row" style="align-items:end">
        <label>Server <select name="server" id="run-server" aria-label="Server" required></select></label>
        <label>Script <select name="setupScriptId" id="run-script" aria-label="Script"><option value="">The server's own script</option></select></label>
        <div><button class="btn" type="submit">Start run</button></div>
      </div></form><div id="run-error"></div>
      <p class="muted">A script chosen here runs this once; the server keeps its own script for later runs.</p></section>
    <section class="panel"><h2>Scripts</h2><div id="scripts"><p class="muted">Loading…</p></div></section>
    <section class="panel"><h2 id="history-title">History of runs</h2><div id="history"><p class="muted">Pick a server above to see its runs.</p></div></section>`);

  let servers = [];
  try {
    servers = items(await get('/servers?size=200')).filter(s => s.status !== 'DESTROYED' && s.status !== 'DESTROYING');
  } catch (e) { mount($('#run-error', el), errorBox(e)); }
  const serverSelect = $('#run-server', el);
  for (const s of servers) serverSelect.add(new Option(`${s.name} (${s.status.toLowerCase()}${s.setUp ? ', set up' : ''})`, s.id));
  if (!servers.length) serverSelect.add(new Option('No servers yet', ''));
  const wanted = sessionStorage.getItem('setup-server');
  if (wanted && servers.some(s => s.id === wanted)) serverSelect.value = wanted;

  try {
    const scripts = items(await get('/setup-scripts'));
    for (const s of scripts) $('#run-script', el).add(new Option(`${s.name} (${s.kind.toLowerCase()})`, s.id));
    mount($('#scripts', el), scripts.length ? html`<div class="table-wrap"><table id="scripts-table"><thead><tr><th>Name</th><th>Kind</th><th>Version</th><th>Updated</th></tr></thead><tbody>
      ${scripts.map(s => html`<tr data-script="${s.name}"><td><a href="#/setup/scripts/${s.id}">${s.name}</a>${s.builtin ? html` <span class="badge">built in</span>` : ''}
          ${s.description ? html`<div class="muted">${s.description}</div>` : ''}</td>
        <td>${s.kind === 'RESET' ? 'Reset' : 'Install'}</td><td>${s.version}</td><td>${when(s.updatedAt)}</td></tr>`)}</tbody></table></div>`
      : html`<p class="empty">No scripts yet.</p>`);
  } catch (e) {
    mount($('#scripts', el), e.missing ? unavailable('Setup scripts', e) : errorBox(e));
  }

  async function history() {
    const id = serverSelect.value;
    if (!id) return;
    sessionStorage.setItem('setup-server', id);
    const name = servers.find(s => s.id === id)?.name || '';
    $('#history-title', el).textContent = `History of runs on ${name}`;
    try {
      const list = items(await get(`/servers/${id}/executions`));
      mount($('#history', el), list.length ? executionTable(list) : html`<p class="empty">No runs on this server yet.</p>`);
    } catch (e) {
      mount($('#history', el), e.missing ? unavailable('Setup runs', e) : errorBox(e));
    }
  }
  serverSelect.addEventListener('change', history);
  history();

  $('#run-form', el).addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(event.target);
    const box = $('#run-error', el);
    if (!v.server) { mount(box, errorBox({ message: 'Pick a server to set up.' })); return; }
    try {
      // a chosen script runs this once; the server keeps its own for later runs
      const execution = await post(`/servers/${v.server}/setup`, v.setupScriptId ? { setupScriptId: v.setupScriptId } : undefined);
      flash('Setup started.');
      go(`/executions/${execution.id}`);
    } catch (e) {
      mount(box, errorBox({ message: `The run did not start: ${e.message}`, errors: e.errors }));
    }
  });
}
