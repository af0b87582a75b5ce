// One setup run: its output as it arrives and a progress bar by step, live over the socket;
// cancel while it runs.
import { get, post } from '../api.js';
import { html, raw, mount, $, badge, errorBox, unavailable, progress, when, flash, confirmDialog } from '../ui.js';
import { watch, liveStatus } from '../live.js';

const ACTIVE = ['QUEUED', 'RUNNING'];
const chars = (s) => [...s].length; // offsets count code points, as the API does

function percent(x) {
  if (x.status === 'SUCCEEDED') return 100;
  return x.step && x.stepTotal ? Math.max(0, ((x.step - 1) * 100) / x.stepTotal) : 0;
}

export function render(el, [id]) {
  mount(el, html`<div id="exec-head"><h1>Setup run</h1></div><div id="exec-error"></div>
    <section class="panel"><div id="exec-progress"></div></section>
    <section class="panel"><h2>Output</h2><pre class="log" id="log" tabindex="0" aria-label="Output of the run"></pre></section>`);
  const log = $('#log', el);
  let x = null, next = 0, stopped = false, live = null;

  function append(text) {
    if (!text) return;
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 20;
    log.textContent += text;
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  let reading = null, again = false;
  async function readOutput() {
    if (reading) { again = true; return reading; }
    reading = (async () => {
      do {
        again = false;
        try {
          const page = await get(`/executions/${id}/output?from=${next}`);
          if (page.from === next || page.truncated) { append(page.text); next = page.next; }
        } catch (e) { /* the socket or the next poll brings it */ }
      } while (again && !stopped);
    })();
    try { await reading; } finally { reading = null; }
  }

  function draw() {
    if (stopped || !x) return;
    const active = ACTIVE.includes(x.status);
    mount($('#exec-head', el), html`<div class="page-head"><h1>Setup run ${badge(x.status)}</h1>
      <span class="actions">${raw(liveStatus())}
      <a class="btn small secondary" href="#/servers/${x.serverId}">Server</a>
      ${active ? html`<button class="btn small danger" id="cancel-run" type="button">Cancel run</button>` : ''}</span></div>`);
    mount($('#exec-progress', el), html`<p>${x.scriptName} <span class="muted">v${x.scriptVersion}${x.kind === 'RESET' ? ' · reset' : ''}</span></p>
      <p data-step>${x.stepTotal ? html`Step <strong>${x.step || 0}</strong> of <strong>${x.stepTotal}</strong>${x.stepTitle ? html`: ${x.stepTitle}` : ''}`
        : active ? 'Waiting for the first step…' : 'No steps were reported.'}</p>
      ${progress(percent(x), 'Setup progress')}
      <p class="muted">Started ${when(x.startedAt || x.createdAt)}${x.finishedAt ? html` · finished ${when(x.finishedAt)}` : ''}${x.exitCode != null ? html` · exit code ${x.exitCode}` : ''}</p>
      ${x.error ? errorBox({ message: x.error }) : ''}`);
    const cancel = $('#cancel-run', el);
    if (cancel) cancel.onclick = async () => {
      if (!await confirmDialog({ title: 'Cancel this setup run?', body: 'The step that runs now is stopped; the server stays as it is.', confirm: 'Cancel run' })) return;
      try { x = await post(`/executions/${id}/cancel`); flash('Cancelling the run.'); draw(); } catch (e) { mount($('#exec-error', el), errorBox(e)); }
    };
  }

  async function load() {
    try { x = await get(`/executions/${id}`); } catch (e) {
      mount(el, e.missing ? unavailable('Setup runs', e) : errorBox(e));
      return false;
    }
    return true;
  }

  async function onMessage(m) {
    if (m.type === 'execution.state' && m.execution) {
      x = { ...x, ...m.execution };
      draw();
      if ((x.outputLength ?? 0) > next) readOutput();
    } else if (m.type === 'execution.output') {
      const offset = Number(m.offset);
      if (m.truncated || typeof m.text !== 'string' || offset > next) { readOutput(); return; }
      const text = [...m.text];
      if (offset + text.length > next) { append(text.slice(next - offset).join('')); next = offset + text.length; }
    } else if (m.type === 'execution.progress') {
      x = { ...x, status: 'RUNNING', step: m.step, stepTotal: m.stepTotal, stepTitle: m.title };
      draw();
    } else if (m.type === 'execution.finished') {
      if (await load()) draw();
      readOutput();
    }
  }

  (async () => {
    if (!await load() || stopped) return;
    // the run's output so far comes with it; later parts are read from where it ends
    if (typeof x.output === 'string' && x.output) {
      append(x.output);
      next = x.outputLength ?? chars(x.output);
    }
    draw();
    readOutput();
    live = watch({
      executionIds: [id],
      onMessage,
      poll: async () => {
        if (x && !ACTIVE.includes(x.status)) return;
        if (await load()) draw();
        await readOutput();
      },
    });
    if (stopped) live.stop();
  })();
  return () => { stopped = true; if (live) live.stop(); };
}
