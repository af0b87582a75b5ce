import { get, post, items } from '../api.js';
import { html, mount, $, errorBox, unavailable, flash, formValues } from '../ui.js';
import { executionTable } from './server.js';

export async function render(el, _params, { go }) {
  mount(el, html`<div class="page-head"><h1>Setup</h1><a class="btn" href="#/setup/scripts/new">New script</a></div>
    <section class="panel"><h2>Start a run</h2>
      <form id="run-form" class="row" style="align-items:end">
        <label>Server <select name="server" id="run-server" required></select></label>
        <label>Script <select name="setupScriptId" id="run-script"><option value="">The server's own</option></select></label>
        <div><button class="btn" type="submit">Start run</button></div>
      </form><div id="run-error"></div></section>
    <section class="panel"><h2>Scripts</h2><div id="scripts"><p class="muted">Loading…</p></div></section>
    <section class="panel"><h2>History</h2><div id="history"><p class="muted">Pick a server above to see its runs.</p></div></section>`);

  let servers = [];
  try {
    servers = items(await get('/servers?size=200')).filter(s => s.status !== 'DESTROYED');
  } catch (e) { mount($('#run-error', el), errorBox(e)); }
  const serverSelect = $('#run-server', el);
  for (const s of servers) serverSelect.add(new Option(`${s.name} (${s.status.toLowerCase()})`, s.id));
  if (!servers.length) serverSelect.add(new Option('No servers yet', ''));

  try {
    const scripts = items(await get('/setup-scripts'));
    for (const s of scripts) $('#run-script', el).add(new Option(s.name, s.id));
    mount($('#scripts', el), scripts.length ? html`<table><thead><tr><th>Name</th><th>Description</th></tr></thead><tbody>
      ${scripts.map(s => html`<tr><td><a href="#/setup/scripts/${s.id}">${s.name}</a>${s.builtIn || s.bundled ? html` <span class="badge">built in</span>` : ''}</td>
        <td class="muted">${s.description || ''}</td></tr>`)}</tbody></table>` : html`<p class="empty">No scripts yet.</p>`);
  } catch (e) {
    mount($('#scripts', el), e.missing ? unavailable('Setup scripts', e) : errorBox(e));
  }

  async function history() {
    const id = serverSelect.value;
    if (!id) return;
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
    if (!v.server) { mount($('#run-error', el), errorBox({ message: 'Pick a server to set up.' })); return; }
    try {
      const execution = await post(`/servers/${v.server}/setup`, v.setupScriptId ? { setupScriptId: v.setupScriptId } : undefined);
      flash('Setup started.');
      if (execution && execution.id) go(`/executions/${execution.id}`); else history();
    } catch (e) {
      mount($('#run-error', el), errorBox(e));
    }
  });
}
