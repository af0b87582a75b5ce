// Provider profiles (admins): named connections to Ollama, OpenAI, Gemini, Claude and ComfyUI.
import { get, post, items } from '../api.js';
import { html, mount, $, errorBox, badge, when, flash, formValues } from '../ui.js';

export async function render(el, _params, { go }) {
  mount(el, html`<div class="page-head"><h1>Provider profiles</h1></div>
    <section class="panel"><h2>New profile</h2>
      <form id="profile-form" novalidate><div id="profile-error"></div>
        <div class="row">
          <label>Name <input name="name" required autocomplete="off"></label>
          <label>Provider <select name="provider">
            <option value="ollama">Ollama</option><option value="openai">OpenAI</option>
            <option value="claude">Claude</option><option value="gemini">Gemini</option>
            <option value="comfyui">ComfyUI</option></select></label>
          <label>Endpoint <input name="endpoint" placeholder="the provider's public one if empty" autocomplete="off"></label>
        </div>
        <div class="row">
          <label>API key <input name="apiKey" type="password" autocomplete="new-password" placeholder="stored encrypted, shown masked"></label>
          <label>Default model <input name="defaultModel" autocomplete="off"></label>
        </div>
        <div class="form-actions"><button class="btn" type="submit">Create profile</button></div>
      </form></section>
    <section class="panel"><div id="profile-list"><p class="muted">Loading…</p></div></section>`);

  async function list() {
    try {
      const profiles = items(await get('/profiles?size=200'));
      mount($('#profile-list', el), html`<div class="table-wrap"><table><thead><tr><th>Name</th><th>Provider</th><th>Endpoint</th><th>Key</th><th>Default model</th><th>Models</th><th>Last test</th></tr></thead><tbody>
        ${profiles.map(p => html`<tr data-profile="${p.name}"><td><a href="#/profiles/${p.id}">${p.name}</a></td><td>${p.provider}</td>
          <td><code>${p.baseUrl}</code></td><td>${p.apiKey || html`<span class="muted">none</span>`}</td>
          <td>${p.defaultModel || '—'}</td><td>${p.models.length}</td>
          <td>${p.lastTest.at ? html`${p.lastTest.ok ? badge('HEALTHY', 'Connected') : badge('FAILED', 'Failed')} ${when(p.lastTest.at)}` : html`<span class="muted">never</span>`}</td></tr>`)}
      </tbody></table></div>`);
    } catch (e) { mount($('#profile-list', el), errorBox(e)); }
  }

  const form = $('#profile-form', el);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const body = { name: v.name, provider: v.provider };
    for (const k of ['endpoint', 'apiKey', 'defaultModel']) if (v[k]) body[k] = v[k];
    try {
      const profile = await post('/profiles', body);
      flash(`Created ${profile.name}.`);
      go(`/profiles/${profile.id}`);
    } catch (e) { mount($('#profile-error', el), errorBox(e)); }
  });
  await list();
}
