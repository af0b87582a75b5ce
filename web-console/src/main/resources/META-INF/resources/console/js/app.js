// The console's shell: who is logged in, the sandbox banner, and a small hash router that loads
// one module per page.
import { get, post, whenUnauthenticated } from './api.js';
import { $, $$, flash } from './ui.js';

const routes = [
  [/^\/login$/, 'login', 'login'],
  [/^\/?$/, 'dashboard', 'dashboard'],
  [/^\/servers$/, 'servers', 'servers'],
  [/^\/servers\/new$/, 'server-new', 'servers'],
  [/^\/servers\/([^/]+)$/, 'server', 'servers'],
  [/^\/setup$/, 'setup', 'setup'],
  [/^\/setup\/scripts\/([^/]+)$/, 'setup-script', 'setup'],
  [/^\/executions\/([^/]+)$/, 'execution', 'setup'],
  [/^\/pools$/, 'pools', 'pools'],
  [/^\/pools\/([^/]+)$/, 'pool', 'pools'],
  [/^\/schedules$/, 'schedules', 'schedules'],
  [/^\/schedules\/([^/]+)$/, 'schedules', 'schedules'],
  [/^\/generations$/, 'generations', 'generations'],
  [/^\/generations\/new$/, 'generation-new', 'generations'],
  [/^\/generations\/([^/]+)$/, 'generation', 'generations'],
  [/^\/workflows$/, 'workflows', 'workflows'],
  [/^\/workflows\/([^/]+)$/, 'workflow', 'workflows'],
  [/^\/tasks$/, 'tasks', 'tasks'],
  [/^\/tasks\/([^/]+)$/, 'task', 'tasks'],
  [/^\/chat$/, 'chat', 'chat'],
  [/^\/profiles$/, 'profiles', 'profiles'],
  [/^\/profiles\/([^/]+)$/, 'profile', 'profiles'],
  [/^\/users$/, 'users', 'users'],
  [/^\/users\/([^/]+)$/, 'user', 'users'],
];

export const session = { user: null, health: null };
let cleanup = null;
let renderSeq = 0;

export function go(path) {
  if (location.hash === '#' + path) route(); else location.hash = path;
}

async function route() {
  const path = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  const [, page, nav, params] = match(path);
  if (page !== 'login' && !session.user) {
    sessionStorage.setItem('after-login', path);
    return go('/login');
  }
  if (page === 'login' && session.user) return go('/');
  if (cleanup) { try { cleanup(); } catch (e) { /* a page's timers only */ } cleanup = null; }
  const seq = ++renderSeq;
  $$('#nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === nav));
  const view = $('#view');
  try {
    const module = await import(`./pages/${page}.js`);
    if (seq !== renderSeq) return;
    view.innerHTML = '';
    const result = await module.render(view, params, { go, session });
    if (seq === renderSeq) cleanup = typeof result === 'function' ? result : null;
    else if (typeof result === 'function') result();
  } catch (e) {
    view.innerHTML = '';
    const p = document.createElement('div');
    p.className = 'alert error';
    p.setAttribute('role', 'alert');
    p.textContent = e.message || String(e);
    view.appendChild(p);
  }
}

function match(path) {
  for (const [re, page, nav] of routes) {
    const m = path.match(re);
    if (m) return [re, page, nav, m.slice(1)];
  }
  return [null, 'notfound', '', [path]];
}

export function signedIn(user) {
  session.user = user;
  $('#who-name').textContent = `${user.username} (${String(user.role).toLowerCase()})`;
  $('#who').hidden = false;
  $('#nav').hidden = false;
}

function signedOut() {
  session.user = null;
  $('#who').hidden = true;
  $('#nav').hidden = true;
}

async function logout() {
  try { await post('/auth/logout'); } catch (e) { /* the session may already be over */ }
  signedOut();
  flash('You are logged out.');
  go('/login');
}

async function start() {
  whenUnauthenticated(() => {
    if (!session.user) return;
    signedOut();
    flash('Your session has ended. Please log in again.', 'error');
    sessionStorage.setItem('after-login', location.hash.replace(/^#/, ''));
    go('/login');
  });
  $('#logout').addEventListener('click', logout);
  try {
    session.health = await get('/health', { quiet401: true });
  } catch (e) {
    session.health = e.problem && e.problem.sandbox !== undefined ? e.problem : null;
  }
  if (session.health) {
    $('#sandbox-banner').hidden = !session.health.sandbox;
    $('#version').textContent = `GPU Fleet ${session.health.version || ''}`;
  }
  try {
    signedIn(await get('/me', { quiet401: true }));
  } catch (e) {
    signedOut();
  }
  window.addEventListener('hashchange', route);
  route();
}

start();
