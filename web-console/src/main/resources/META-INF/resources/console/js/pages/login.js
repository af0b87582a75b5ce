import { post, get } from '../api.js';
import { html, mount, $, errorBox } from '../ui.js';
import { signedIn, session } from '../app.js';

export function render(el, _params, { go }) {
  mount(el, html`<section class="login panel">
    <h1>Log in to GPU Fleet</h1>
    ${session.health && session.health.sandbox
      ? html`<p class="alert notice">This platform runs in <strong>sandbox mode</strong>: its Vast.ai is simulated.</p>` : ''}
    <div id="login-error"></div>
    <form id="login-form" novalidate>
      <label>Username <input name="username" autocomplete="username" required autofocus></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button class="btn" type="submit">Log in</button>
    </form>
  </section>`);
  const form = $('#login-form', el);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = form.username.value.trim();
    const password = form.password.value;
    if (!username || !password) {
      mount($('#login-error', el), errorBox({ message: 'Enter your username and your password.' }));
      return;
    }
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await post('/auth/login', { username, password });
      signedIn(await get('/me'));
      const next = sessionStorage.getItem('after-login');
      sessionStorage.removeItem('after-login');
      go(next && next !== '/login' ? next : '/');
    } catch (e) {
      mount($('#login-error', el), errorBox(e));
      form.password.value = '';
      form.password.focus();
    } finally {
      button.disabled = false;
    }
  });
}
