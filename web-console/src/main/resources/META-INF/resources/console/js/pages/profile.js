// One provider profile: test its connection, sync and price its models, change or delete it.
import { get, post, patch, del } from '../api.js';
import { html, mount, $, errorBox, badge, when, flash, formValues, confirmDialog, numberOrNull } from '../ui.js';

export async function render(el, [id], { go }) {
  async function load() {
    let p;
    try { p = await get(`/profiles/${id}`); } catch (e) { mount(el, errorBox(e)); return; }
    mount(el, html`<div class="page-head"><h1>${p.name} profile</h1>
        <div class="actions"><button class="btn" id="profile-test">Test connection</button>
          <button class="btn secondary" id="profile-sync">Sync models</button>
          <button class="btn danger" id="profile-delete">Delete</button></div></div>
      <div id="profile-test-result"></div>
      <section class="panel"><h2>Connection</h2>
        <dl class="facts"><dt>Provider</dt><dd>${p.provider}</dd><dt>Endpoint</dt><dd><code>${p.baseUrl}</code></dd>
          <dt>API key</dt><dd>${p.apiKey || html`<span class="muted">none</span>`}</dd>
          <dt>Last test</dt><dd>${p.lastTest.at ? html`${p.lastTest.ok ? badge('HEALTHY', 'Connected') : badge('FAILED', 'Failed')} ${when(p.lastTest.at)} ${p.lastTest.error || ''}` : 'never'}</dd></dl>
        <form id="settings-form"><div id="settings-error"></div><div class="row">
          <label>Default model <input name="defaultModel" value="${p.defaultModel || ''}"></label>
          <label>Temperature <input name="temperature" type="number" step="0.1" min="0" max="2" value="${p.options.temperature ?? ''}"></label>
          <label>Max tokens <input name="maxTokens" type="number" min="1" value="${p.options.maxTokens ?? ''}"></label>
          <label>New API key <input name="apiKey" type="password" autocomplete="new-password" placeholder="unchanged if empty"></label>
        </div><div class="form-actions"><button class="btn" type="submit">Save settings</button></div></form>
      </section>
      <section class="panel"><h2>Models</h2>
        <div class="table-wrap"><table><thead><tr><th>Model</th><th>Vision</th><th>$ / M input</th><th>$ / M output</th><th>Found by</th><th></th></tr></thead><tbody>
          ${p.models.map(m => html`<tr data-model="${m.model}"><td>${m.model}</td><td>${m.vision ? 'yes' : ''}</td>
            <td>${m.inputPricePerMillion ?? '—'}</td><td>${m.outputPricePerMillion ?? '—'}</td><td>${m.synced ? 'sync' : 'admin'}</td>
            <td><button class="btn small ghost" data-remove="${m.model}">Remove</button></td></tr>`)}
        </tbody></table></div>
        <form id="model-form"><div id="model-error"></div><div class="row">
          <label>Model id <input name="model" required autocomplete="off"></label>
          <label>Input price per million <input name="input" type="number" step="0.0001" min="0"></label>
          <label>Output price per million <input name="output" type="number" step="0.0001" min="0"></label>
          <label class="check"><input type="checkbox" name="vision"> Takes images</label>
        </div><div class="form-actions"><button class="btn" type="submit">Add model</button></div></form>
      </section>`);

    $('#profile-test', el).addEventListener('click', async () => {
      try {
        const r = await post(`/profiles/${id}/test`);
        mount($('#profile-test-result', el), r.connected
          ? html`<div class="alert success" role="status">Connected in ${r.latencyMs} ms${r.version ? `, version ${r.version}` : ''}; ${r.models.length} models offered.</div>`
          : errorBox({ message: r.error }));
      } catch (e) { mount($('#profile-test-result', el), errorBox(e)); }
    });
    $('#profile-sync', el).addEventListener('click', async () => {
      try {
        const r = await post(`/profiles/${id}/models/sync`);
        flash(`Synced: ${r.added} added, ${r.removed} removed.`);
        await load();
      } catch (e) { mount($('#profile-test-result', el), errorBox(e)); }
    });
    $('#profile-delete', el).addEventListener('click', async () => {
      if (!await confirmDialog({ title: `Delete the profile “${p.name}”?`, body: 'Chat through it stops; its recorded usage stays.', confirm: 'Delete profile' })) return;
      try { await del(`/profiles/${id}`); flash(`Deleted ${p.name}.`); go('/profiles'); } catch (e) { mount($('#profile-test-result', el), errorBox(e)); }
    });
    $('#settings-form', el).addEventListener('submit', async (event) => {
      event.preventDefault();
      const v = formValues(event.target);
      const body = { defaultModel: v.defaultModel, options: { ...p.options, temperature: numberOrNull(v.temperature), maxTokens: numberOrNull(v.maxTokens) } };
      if (v.apiKey) body.apiKey = v.apiKey;
      try { await patch(`/profiles/${id}`, body); flash('Saved the settings.'); await load(); } catch (e) { mount($('#settings-error', el), errorBox(e)); }
    });
    $('#model-form', el).addEventListener('submit', async (event) => {
      event.preventDefault();
      const v = formValues(event.target);
      try {
        await post(`/profiles/${id}/models`, { model: v.model, vision: v.vision, inputPricePerMillion: numberOrNull(v.input), outputPricePerMillion: numberOrNull(v.output) });
        flash(`Added ${v.model}.`);
        await load();
      } catch (e) { mount($('#model-error', el), errorBox(e)); }
    });
    el.querySelectorAll('[data-remove]').forEach(b => b.addEventListener('click', async () => {
      try { await del(`/profiles/${id}/models/${b.dataset.remove}`); await load(); } catch (e) { mount($('#model-error', el), errorBox(e)); }
    }));
  }
  await load();
}
