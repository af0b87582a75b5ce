// The only way the console talks to the platform: the public API under /api/v1.
const BASE = '/api/v1';

/** An API answer that was not a success, in words a person can act on. */
export class ApiError extends Error {
  constructor(status, problem, method, path) {
    super(plainMessage(status, problem, method, path));
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || null;
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
    // A generic 404 (no specific code) means the endpoint itself is not there yet.
    this.missing = (status === 404 && (!this.code || this.code === 'NOT_FOUND'))
      || status === 405 && this.code === 'METHOD_NOT_ALLOWED';
    this.path = path;
  }
}

function plainMessage(status, problem, method, path) {
  if (status === 0) return 'The platform could not be reached. Check your connection and try again.';
  if (status === 404 && (!problem || !problem.code || problem.code === 'NOT_FOUND')) {
    return `This part of the platform is not available yet (${method} ${BASE}${path.split('?')[0]} is not there).`;
  }
  if (problem && problem.detail) return problem.detail;
  switch (status) {
    case 401: return 'Your session has ended. Please log in again.';
    case 403: return 'You are not allowed to do this.';
    case 409: return 'That is not possible in the current state.';
    case 429: return 'Too many requests. Wait a moment and try again.';
    default: return status >= 500
      ? `The platform had a problem (${status}). Try again; if it persists, check the server log.`
      : `The request failed (${status}).`;
  }
}

let onUnauthenticated = () => {};
export function whenUnauthenticated(handler) { onUnauthenticated = handler; }

function cookie(name) {
  const hit = document.cookie.split(';').map(c => c.trim()).find(c => c.startsWith(name + '='));
  return hit ? decodeURIComponent(hit.substring(name.length + 1)) : null;
}

/**
 * Calls the API. Non-GET requests carry the CSRF token from the XSRF-TOKEN cookie; if the cookie
 * is not there yet (it is set by the first answer after login) one GET fetches it first.
 */
export async function api(method, path, body, { quiet401 = false } = {}) {
  const unsafe = method !== 'GET' && method !== 'HEAD';
  if (unsafe && !cookie('XSRF-TOKEN') && path !== '/auth/login') {
    await fetch(BASE + '/me', { credentials: 'same-origin' }).catch(() => {});
  }
  let response = await send(method, path, body, unsafe);
  if (response.status === 403 && unsafe) {
    const problem = await readJson(response.clone());
    if (problem && problem.code === 'CSRF_TOKEN_INVALID') {
      await fetch(BASE + '/me', { credentials: 'same-origin' }).catch(() => {});
      response = await send(method, path, body, unsafe);
    }
  }
  if (response.ok) {
    if (response.status === 204) return null;
    const type = response.headers.get('Content-Type') || '';
    return type.includes('json') ? response.json() : response.text();
  }
  const problem = await readJson(response);
  if (response.status === 401 && !quiet401 && path !== '/auth/login') onUnauthenticated();
  throw new ApiError(response.status, problem, method, path);
}

async function send(method, path, body, unsafe) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = cookie('XSRF-TOKEN');
  if (unsafe && token) headers['X-XSRF-TOKEN'] = token;
  try {
    return await fetch(BASE + path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    return new Response(null, { status: 599, statusText: 'offline' });
  }
}

async function readJson(response) {
  try { return await response.json(); } catch (e) { return null; }
}

/**
 * POSTs and reads the answer as server-sent events, calling onEvent(name, data) for each as it
 * arrives. A failure before the stream starts is thrown as an ApiError, like api()'s.
 */
export async function postStream(path, body, onEvent) {
  if (!cookie('XSRF-TOKEN')) await fetch(BASE + '/me', { credentials: 'same-origin' }).catch(() => {});
  const headers = { Accept: 'text/event-stream, application/problem+json', 'Content-Type': 'application/json' };
  const token = cookie('XSRF-TOKEN');
  if (token) headers['X-XSRF-TOKEN'] = token;
  let response;
  try {
    response = await fetch(BASE + path, { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, null, 'POST', path);
  }
  if (!response.ok) {
    const problem = await readJson(response);
    if (response.status === 401) onUnauthenticated();
    throw new ApiError(response.status, problem, 'POST', path);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let name = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) {
        const text = data.join('\n');
        let parsed = text;
        try { parsed = JSON.parse(text); } catch (e) { /* plain text data */ }
        onEvent(name, parsed);
      }
    }
  }
}

/** POSTs one file as multipart (part {@code file}) with the CSRF token; answers the JSON. */
export async function upload(path, file) {
  if (!cookie('XSRF-TOKEN')) await fetch(BASE + '/me', { credentials: 'same-origin' }).catch(() => {});
  const form = new FormData();
  form.append('file', file, file.name);
  const headers = { Accept: 'application/json, application/problem+json' };
  const token = cookie('XSRF-TOKEN');
  if (token) headers['X-XSRF-TOKEN'] = token;
  let response;
  try {
    response = await fetch(BASE + path, { method: 'POST', headers, credentials: 'same-origin', body: form });
  } catch (e) {
    throw new ApiError(0, null, 'POST', path);
  }
  if (!response.ok) {
    const problem = await readJson(response);
    if (response.status === 401) onUnauthenticated();
    throw new ApiError(response.status, problem, 'POST', path);
  }
  return response.json();
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** Builds a query string from the non-empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

/** Reads a list answer that may be a page ({items}) or a plain array. */
export function items(answer) {
  if (Array.isArray(answer)) return answer;
  if (answer && Array.isArray(answer.items)) return answer.items;
  if (answer && Array.isArray(answer.content)) return answer.content;
  return [];
}
