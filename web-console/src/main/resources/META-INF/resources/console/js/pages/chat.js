// Chat with a language model through a provider profile; the answer is shown as it streams in.
import { get, postStream } from '../api.js';
import { html, mount, $, errorBox, money, notice } from '../ui.js';

export async function render(el) {
  let profiles;
  try {
    profiles = await get('/chat/profiles');
  } catch (e) {
    mount(el, html`<div class="page-head"><h1>Chat</h1></div>${errorBox(e)}`);
    return;
  }
  mount(el, html`<div class="page-head"><h1>Chat</h1></div>
    ${profiles.length === 0 ? notice('No provider profile can chat yet: an admin adds one under Profiles.') : ''}
    <section class="panel">
      <div class="row">
        <label>Profile <select id="chat-profile" name="profile">
          ${profiles.map(p => html`<option value="${p.id}">${p.name} (${p.provider})</option>`)}
        </select></label>
        <label>Model <select id="chat-model" name="model"></select></label>
      </div>
      <label>System prompt <input id="chat-system" name="system" placeholder="optional, e.g. Be brief."></label>
    </section>
    <section class="panel">
      <div id="chat-log" class="chat-log" aria-live="polite"></div>
      <div id="chat-error"></div>
      <form id="chat-form" class="chat-form">
        <label class="grow">Message <textarea id="chat-input" name="message" rows="3" required></textarea></label>
        <div class="form-actions"><button class="btn" type="submit" id="chat-send">Send</button>
          <button class="btn secondary" type="button" id="chat-clear">New conversation</button></div>
      </form>
    </section>`);

  const profileSelect = $('#chat-profile', el);
  const modelSelect = $('#chat-model', el);
  const log = $('#chat-log', el);
  const form = $('#chat-form', el);
  const input = $('#chat-input', el);
  const send = $('#chat-send', el);
  let conversation = [];

  function fillModels() {
    const profile = profiles.find(p => p.id === profileSelect.value);
    if (!profile) { mount(modelSelect, ''); return; }
    const names = profile.models.map(m => m.model);
    if (profile.defaultModel && !names.includes(profile.defaultModel)) names.unshift(profile.defaultModel);
    mount(modelSelect, html`${names.map(n => html`<option value="${n}" ${n === profile.defaultModel ? 'selected' : ''}>${n}</option>`)}`);
  }
  profileSelect.addEventListener('change', fillModels);
  fillModels();

  function bubble(role, text) {
    const div = document.createElement('div');
    div.className = `chat-message ${role}`;
    div.dataset.role = role;
    const who = document.createElement('div');
    who.className = 'chat-who';
    who.textContent = role === 'user' ? 'You' : 'Assistant';
    const body = document.createElement('div');
    body.className = 'chat-text';
    body.textContent = text;
    div.append(who, body);
    log.appendChild(div);
    return div;
  }

  $('#chat-clear', el).addEventListener('click', () => {
    conversation = [];
    log.innerHTML = '';
    mount($('#chat-error', el), '');
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !profileSelect.value) return;
    mount($('#chat-error', el), '');
    conversation.push({ role: 'user', content: text });
    bubble('user', text);
    input.value = '';
    send.disabled = true;
    const answer = bubble('assistant', '');
    answer.setAttribute('aria-busy', 'true');
    const textEl = answer.querySelector('.chat-text');
    const system = $('#chat-system', el).value.trim();
    const messages = system ? [{ role: 'system', content: system }, ...conversation] : conversation;
    try {
      await postStream('/chat', {
        profileId: profileSelect.value, model: modelSelect.value || undefined, stream: true, messages,
      }, (name, data) => {
        if (name === 'token') textEl.textContent += data.text;
        else if (name === 'done') {
          textEl.textContent = data.response;
          conversation.push({ role: 'assistant', content: data.response });
          const meta = document.createElement('div');
          meta.className = 'chat-meta muted';
          meta.dataset.usage = '';
          meta.textContent = `${data.model} · ${data.usage.promptTokens} in, ${data.usage.completionTokens} out · ${money(data.cost, 4)}`;
          answer.appendChild(meta);
        } else if (name === 'error') {
          mount($('#chat-error', el), errorBox({ message: data.detail || 'The answer broke off.' }));
        }
      });
    } catch (e) {
      answer.remove();
      conversation.pop();
      mount($('#chat-error', el), errorBox(e));
    } finally {
      answer.removeAttribute('aria-busy');
      send.disabled = false;
      input.focus();
    }
  });
}
