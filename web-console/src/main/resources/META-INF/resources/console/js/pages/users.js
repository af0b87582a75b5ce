import { get, post, items } from '../api.js';
import { html, mount, $, errorBox, badge, when, flash, formValues } from '../ui.js';

export async function render(el, _params, { go }) {
  mount(el, html`<div class="page-head"><h1>Users</h1></div>
    <section class="panel"><h2>New user</h2>
      <form id="user-form" novalidate><div id="user-error"></div>
        <div class="row">
          <label>Username <input name="username" required autocomplete="off"></label>
          <label>Role <select name="role"><option value="USER">User (API only)</option><option value="ADMIN">Admin</option></select></label>
          <label>Password <input name="password" type="password" autocomplete="new-password" placeholder="optional, for admins"></label>
        </div>
        <div class="form-actions"><button class="btn" type="submit">Create user</button></div>
      </form></section>
    <section class="panel"><div id="user-list"><p class="muted">Loading…</p></div></section>`);

  async function list() {
    try {
      const users = items(await get('/users?size=200'));
      mount($('#user-list', el), html`<div class="table-wrap"><table><thead><tr><th>Username</th><th>Role</th><th>State</th><th>Limits</th><th>Created</th></tr></thead><tbody>
        ${users.map(u => html`<tr data-user="${u.username}"><td><a href="#/users/${u.id}">${u.username}</a></td><td>${u.role.toLowerCase()}</td>
          <td>${u.enabled ? badge('ACTIVE', 'Active') : badge('REVOKED', 'Disabled')}</td>
          <td>${limitsSummary(u.limits)}</td><td>${when(u.createdAt)}</td></tr>`)}
      </tbody></table></div>`);
    } catch (e) { mount($('#user-list', el), errorBox(e)); }
  }

  const form = $('#user-form', el);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(form);
    const body = { username: v.username, role: v.role };
    if (v.password) body.password = v.password;
    try {
      const user = await post('/users', body);
      flash(`Created ${user.username}.`);
      go(`/users/${user.id}`);
    } catch (e) { mount($('#user-error', el), errorBox(e)); }
  });
  await list();
}

export function limitsSummary(l) {
  const set = Object.entries(l || {}).filter(([, v]) => v != null);
  return set.length ? html`<span class="chips">${set.map(([k, v]) => html`<span class="chip">${label(k)} ${v}</span>`)}</span>` : html`<span class="muted">defaults</span>`;
}

const LABELS = { generationsPerMinute: 'gen/min', generationsPerHour: 'gen/h', generationsPerDay: 'gen/day',
  requestsPerMinute: 'req/min', requestsPerHour: 'req/h' };
export function label(k) { return LABELS[k] || k; }
