import { get, put, del, items } from '../api.js';
import { html, mount, $, errorBox, flash, formValues, when, relative, badge, confirmDialog } from '../ui.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export async function render(el, [selected], { go }) {
  mount(el, html`<div class="page-head"><h1>Schedules</h1></div><div id="sched-error"></div>
    <div class="grid cols-2" style="grid-template-columns: minmax(0, 2fr) minmax(0, 3fr)">
      <section class="panel"><h2>Servers</h2><div id="sched-list"><p class="muted">Loading…</p></div></section>
      <section class="panel" id="sched-editor"><p class="muted">Pick a server to edit its schedule.</p></section>
    </div>`);
  let servers;
  try {
    servers = items(await get('/servers?size=200')).filter(s => s.status !== 'DESTROYED');
  } catch (e) { mount($('#sched-error', el), errorBox(e)); return; }

  const schedules = await Promise.all(servers.map(s => get(`/servers/${s.id}/schedule`).catch(() => null)));
  mount($('#sched-list', el), servers.length ? html`<div class="table-wrap"><table><thead><tr><th>Server</th><th>Schedule</th><th>Next action</th></tr></thead><tbody>
    ${servers.map((s, i) => { const sc = schedules[i]; return html`<tr data-server="${s.name}">
      <td><a href="#/schedules/${s.id}">${s.name}</a> ${badge(s.status)}</td>
      <td>${sc ? summary(sc) : html`<span class="muted">none</span>`}</td>
      <td>${sc && sc.nextAction ? nextAction(sc.nextAction) : '—'}</td></tr>`; })}
  </tbody></table></div>` : html`<p class="empty">No servers yet.</p>`);

  if (selected) {
    const server = servers.find(s => s.id === selected);
    if (server) editor(server, schedules[servers.indexOf(server)]);
  }

  function editor(server, schedule) {
    const sc = schedule || { autoStart: true, autoStop: true, startTime: '08:00', stopTime: '20:00',
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', weekdays: [1, 2, 3, 4, 5] };
    const box = $('#sched-editor', el);
    mount(box, html`<h2>Schedule of ${server.name}</h2>
      <form id="schedule-form">
        <div id="schedule-error"></div>
        <div class="row">
          <label class="check"><input type="checkbox" name="autoStart" ${sc.autoStart ? 'checked' : ''}> Start automatically</label>
          <label class="check"><input type="checkbox" name="autoStop" ${sc.autoStop ? 'checked' : ''}> Stop automatically</label>
        </div>
        <div class="row" style="margin-top:.75rem">
          <label>Start at <input type="time" name="startTime" value="${sc.startTime || ''}"></label>
          <label>Stop at <input type="time" name="stopTime" value="${sc.stopTime || ''}"></label>
          <label>Timezone <input name="timezone" list="zones" value="${sc.timezone}"></label>
        </div>
        <datalist id="zones">${(Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : []).map(z => html`<option value="${z}">`)}</datalist>
        <fieldset style="margin-top:.75rem"><legend>Days</legend><div class="weekdays">
          ${DAYS.map((d, i) => html`<label class="check"><input type="checkbox" name="day${i + 1}" data-group="weekdays" value="${i + 1}" ${(sc.weekdays || []).includes(i + 1) ? 'checked' : ''}> ${d}</label>`)}
        </div></fieldset>
        <p class="muted">A scheduled stop lets running generations finish first.</p>
        <div class="form-actions"><button class="btn" type="submit">Save schedule</button>
          ${schedule ? html`<button class="btn danger" type="button" id="delete-schedule">Remove schedule</button>` : ''}</div>
      </form>
      <div id="next-action">${schedule && schedule.nextAction ? html`<p><strong>Next:</strong> ${nextAction(schedule.nextAction)}</p>` : ''}</div>
      <h3>This week</h3><div id="week"><p class="muted">Loading…</p></div>`);
    week(server.id);
    const form = $('#schedule-form', box);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const v = formValues(form);
      const body = { autoStart: v.autoStart, autoStop: v.autoStop, startTime: v.startTime || null, stopTime: v.stopTime || null,
        timezone: v.timezone, weekdays: (v.weekdays || []).map(Number) };
      try {
        await put(`/servers/${server.id}/schedule`, body);
        flash(`Saved the schedule of ${server.name}.`);
        go(`/schedules/${server.id}`);
      } catch (e) { mount($('#schedule-error', box), errorBox(e)); }
    });
    const remove = $('#delete-schedule', box);
    if (remove) remove.addEventListener('click', async () => {
      if (!await confirmDialog({ title: `Remove the schedule of ${server.name}?`, body: 'It will no longer start or stop on its own.', confirm: 'Remove' })) return;
      try { await del(`/servers/${server.id}/schedule`); flash('Schedule removed.'); go(`/schedules/${server.id}`); }
      catch (e) { mount($('#schedule-error', box), errorBox(e)); }
    });
  }

  async function week(id) {
    const box = $('#week', el);
    try {
      const monday = new Date(); monday.setHours(0, 0, 0, 0); monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
      // the week shown is the browser's: asked for by its Monday, or late on a Sunday here the
      // server would answer the next week already begun in the schedule's timezone
      const start = `${monday.getFullYear()}-${String(monday.getMonth() + 1).padStart(2, '0')}-${String(monday.getDate()).padStart(2, '0')}`;
      const ups = await get(`/servers/${id}/schedule/week?start=${start}`);
      const dayMs = 86400000;
      const rows = DAYS.map((d, i) => {
        const start = monday.getTime() + i * dayMs, end = start + dayMs;
        const spans = (ups || []).map(u => [new Date(u.start || u.from).getTime(), new Date(u.end || u.to).getTime()])
          .filter(([a, b]) => b > start && a < end)
          .map(([a, b]) => [Math.max(a, start), Math.min(b, end)]);
        return html`<div>${d}</div><div class="track" data-day="${d}" title="${spans.map(([a, b]) => `${fmt(a)}–${fmt(b)}`).join(', ')}">${spans.map(([a, b]) =>
          html`<span style="left:${((a - start) / dayMs) * 100}%;width:${((b - a) / dayMs) * 100}%"></span>`)}</div>`;
      });
      mount(box, html`<div class="week">${rows}<div></div><div class="hours"><span>0:00</span><span>6:00</span><span>12:00</span><span>18:00</span><span>24:00</span></div></div>
        <p class="muted">${(ups || []).length ? `Up ${(ups || []).length} time${ups.length === 1 ? '' : 's'} this week (your local time).` : 'Not scheduled to be up this week.'}</p>`);
    } catch (e) { mount(box, errorBox(e)); }
  }
}

function fmt(ms) { return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); }

function summary(sc) {
  const days = (sc.weekdays || []).map(d => DAYS[d - 1]).join(', ');
  const parts = [];
  if (sc.autoStart) parts.push(`start ${sc.startTime}`);
  if (sc.autoStop) parts.push(`stop ${sc.stopTime}`);
  return html`${parts.join(', ') || 'off'} <span class="muted">${days} · ${sc.timezone}</span>`;
}

function nextAction(n) {
  return html`<span data-next-action>${n.action === 'START' ? 'Start' : n.action === 'STOP' ? 'Stop' : n.action} ${relative(n.scheduledTime)}</span>
    <span class="muted">(${when(n.scheduledTime)})</span>`;
}
