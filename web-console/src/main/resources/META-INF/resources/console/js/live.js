// Live updates over the API's WebSocket (/api/v1/ws): one socket per page load, shared by every
// page. It reconnects with backoff and subscribes again; while it is down, or while the platform
// has not confirmed a subscription (an older API that does not push that kind yet), each watch's
// poll function runs instead, so a page never goes stale.

const PATH = '/api/v1/ws';
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30000;
/** How often a watch polls while the socket is down. */
export const FALLBACK_POLL_MS = 10000;
/** How often a watch polls while its subscription is not confirmed by the platform. */
const UNCONFIRMED_POLL_MS = 2000;

let socket = null;
let open = false;
let everOpened = false;
let failures = 0;
let retryTimer = null;
let allConfirmed = false;
const watches = new Set();
// what the socket is subscribed to, counted by watches
const counts = { generationIds: new Map(), executionIds: new Map(), all: 0 };

function url() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${PATH}`;
}

function connect() {
  if (socket) return;
  let ws;
  try { ws = new WebSocket(url()); } catch (e) { retry(); return; }
  socket = ws;
  ws.onopen = () => {
    open = true;
    everOpened = true;
    failures = 0;
    allConfirmed = false;
    for (const w of watches) w.confirmed = false;
    const sub = { type: 'subscribe' };
    if (counts.generationIds.size) sub.generationIds = [...counts.generationIds.keys()];
    if (counts.executionIds.size) sub.executionIds = [...counts.executionIds.keys()];
    if (counts.all) sub.all = true;
    if (sub.generationIds || sub.executionIds || sub.all) send(sub);
    showStatus();
    // anything that happened while the socket was down is read once
    for (const w of watches) if (w.missed) { w.missed = false; w.pollNow(); }
  };
  ws.onmessage = (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    dispatch(message);
  };
  ws.onclose = () => {
    socket = null;
    open = false;
    for (const w of watches) w.missed = true;
    showStatus();
    retry();
  };
  ws.onerror = () => { /* onclose follows */ };
}

function retry() {
  if (retryTimer) return;
  const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures) * (0.8 + Math.random() * 0.4);
  failures++;
  retryTimer = setTimeout(() => { retryTimer = null; connect(); }, delay);
}

function send(message) {
  if (socket && open) {
    try { socket.send(JSON.stringify(message)); } catch (e) { /* onclose handles it */ }
  }
}

function dispatch(m) {
  if (m.type === 'subscribed' && m.all === true) allConfirmed = true;
  for (const w of watches) {
    if (m.type === 'subscribed') {
      if (w.all && allConfirmed) w.confirmed = true;
    } else if (m.generationId && (w.generationIds.has(m.generationId) || w.all)) {
      // an event about a generation nobody asked for by id proves the all-subscription works
      if (w.all && !w.generationIds.has(m.generationId)) allConfirmed = true;
      if (w.all ? allConfirmed : m.type === 'generation.state') w.confirmed = true;
      w.onMessage(m);
    } else if (m.executionId && w.executionIds.has(m.executionId)) {
      if (m.type === 'execution.state') w.confirmed = true;
      w.onMessage(m);
    }
  }
}

function count(map, ids, delta) {
  const changed = [];
  for (const id of ids) {
    const n = (map.get(id) || 0) + delta;
    if (n <= 0) { if (map.delete(id)) changed.push(id); } else { if (!map.has(id)) changed.push(id); map.set(id, n); }
  }
  return changed;
}

/**
 * Watches generations (by id, or all of them: admins), and setup runs (by id). onMessage hears
 * each message about them; poll (async, optional) runs every 10 s while the socket is down, every
 * 2 s while the platform has not confirmed the subscription, and once after a reconnect.
 * Answers {add, stop}: add subscribes further ids, stop ends the watch.
 */
export function watch({ generationIds = [], executionIds = [], all = false, onMessage = () => {}, poll = null }) {
  const w = {
    generationIds: new Set(), executionIds: new Set(), all, onMessage, confirmed: false, missed: false,
    lastPoll: Date.now(), polling: false, stopped: false,
    async pollNow() {
      if (!poll || w.polling || w.stopped) return;
      w.polling = true;
      w.lastPoll = Date.now();
      try { await poll(); } catch (e) { /* the page shows its own errors */ } finally { w.polling = false; }
    },
  };
  watches.add(w);
  const timer = setInterval(() => {
    const every = !open ? FALLBACK_POLL_MS : w.confirmed || !needsConfirmation(w) ? Infinity : UNCONFIRMED_POLL_MS;
    if (Date.now() - w.lastPoll >= every) w.pollNow();
  }, 500);
  const handle = {
    add({ generationIds: g = [], executionIds: x = [] }) {
      const newG = g.filter(id => id && !w.generationIds.has(id));
      const newX = x.filter(id => id && !w.executionIds.has(id));
      newG.forEach(id => w.generationIds.add(id));
      newX.forEach(id => w.executionIds.add(id));
      const sub = { type: 'subscribe' };
      const addedG = count(counts.generationIds, newG, +1);
      const addedX = count(counts.executionIds, newX, +1);
      if (addedG.length) sub.generationIds = addedG;
      if (addedX.length) sub.executionIds = addedX;
      if (addedG.length || addedX.length) send(sub);
    },
    /** Stops hearing about these generations (e.g. rows that left the page). */
    remove({ generationIds: g = [] }) {
      const gone = g.filter(id => w.generationIds.delete(id));
      const removed = count(counts.generationIds, gone, -1);
      if (removed.length) send({ type: 'unsubscribe', generationIds: removed });
    },
    stop() {
      if (w.stopped) return;
      w.stopped = true;
      clearInterval(timer);
      watches.delete(w);
      const g = count(counts.generationIds, [...w.generationIds], -1);
      const x = count(counts.executionIds, [...w.executionIds], -1);
      if (g.length || x.length) send({ type: 'unsubscribe', generationIds: g, executionIds: x });
      if (w.all && --counts.all === 0) send({ type: 'unsubscribe', all: true });
    },
  };
  if (all && counts.all++ === 0) send({ type: 'subscribe', all: true });
  else if (all && allConfirmed) w.confirmed = true;
  handle.add({ generationIds, executionIds });
  connect();
  showStatus();
  return handle;
}

// A watch is confirmed by the first state the socket sends for it (generation.state,
// execution.state) or, for all generations, by the platform's acknowledgement.
function needsConfirmation(w) {
  return w.all || w.executionIds.size > 0 || w.generationIds.size > 0;
}

/** Whether the socket is open now. */
export function isLive() { return open; }

/** A small status line pages include; it tells whether updates arrive live. */
export function liveStatus() {
  const span = document.createElement('span');
  span.dataset.live = '';
  span.className = 'live-status muted';
  span.setAttribute('role', 'status');
  fill(span);
  return span.outerHTML;
}

function fill(span) {
  span.dataset.live = open ? 'open' : 'down';
  span.textContent = open ? '● Live' : everOpened || failures
    ? `○ Reconnecting… (refreshing every ${FALLBACK_POLL_MS / 1000} s)` : '○ Connecting…';
}

function showStatus() {
  for (const span of document.querySelectorAll('[data-live]')) fill(span);
}
