import { get, items, query } from '../api.js';
import { html, mount, $, money, badge, every, when, errorBox, titleCase } from '../ui.js';
import { chartJs } from '../charts.js';

const STATES = ['RUNNING', 'PROVISIONING', 'LOADING', 'STARTING', 'STOPPING', 'STOPPED', 'DESTROYING', 'ERROR'];
const COLORS = { RUNNING: '#1f8a4c', PROVISIONING: '#2b6cb0', LOADING: '#4c7fd0', STARTING: '#6a9be0',
  STOPPING: '#b7791f', STOPPED: '#9aa4b8', DESTROYING: '#d69e2e', ERROR: '#c53030' };

export function render(el) {
  mount(el, html`
    <div class="page-head"><h1>Fleet dashboard</h1><span class="muted" id="updated"></span></div>
    <div id="dash-error"></div>
    <div class="grid cols-3" id="stats"></div>
    <div class="grid cols-2" style="margin-top:1rem">
      <section class="panel"><h2>Servers by state</h2><div class="chart-box"><canvas id="by-state" aria-label="Servers by state"></canvas></div></section>
      <section class="panel"><h2>Generations per hour</h2><div id="metrics"><p class="muted">Loading…</p></div></section>
    </div>
    <div id="budget"></div>
    <section class="panel"><h2>Success rate per hour</h2><div id="success"><p class="muted">Loading…</p></div></section>
    <section class="panel"><h2>Recent failures</h2><div id="failures"><p class="muted">Loading…</p></div></section>`);
  let stateChart = null, metricsChart = null, rateChart = null, metricsMissing = false, summaryMissing = false;

  async function refresh() {
    let servers = [];
    try {
      servers = items(await get('/servers?size=200'));
      mount($('#dash-error', el), '');
    } catch (e) {
      mount($('#dash-error', el), errorBox(e));
      return;
    }
    let summary = null;
    if (!summaryMissing) {
      try { summary = await get('/fleet/summary'); } catch (e) { if (e.missing) summaryMissing = true; }
    }
    const counts = {};
    for (const s of servers) counts[s.status] = (counts[s.status] || 0) + 1;
    if (summary && summary.servers && summary.servers.byStatus) Object.assign(counts, summary.servers.byStatus);
    const running = servers.filter(s => s.status === 'RUNNING');
    const perHour = summary && summary.pricePerHour != null ? summary.pricePerHour
      : running.reduce((sum, s) => sum + (Number(s.pricePerHour) || 0), 0);
    const queue = summary && summary.queueDepth != null ? summary.queueDepth
      : running.reduce((sum, s) => sum + (Number(s.healthDetail && s.healthDetail.queueDepth) || 0), 0);
    const total = servers.length;
    const rate = summary && (summary.completedLastHour + summary.failedLastHour) > 0
      ? Math.round(summary.successRate * 100) + '%' : '—';
    mount($('#stats', el), html`
      <div class="stat" data-stat="running"><div class="label">Running servers</div><div class="value">${counts.RUNNING || 0} <span class="muted" style="font-size:1rem">of ${total}</span></div></div>
      <div class="stat" data-stat="price"><div class="label">Cost now</div><div class="value">${money(perHour, 2)}/h</div></div>
      <div class="stat" data-stat="spend"><div class="label">Spent today</div><div class="value">${summary ? money(summary.spentToday, Number(summary.spentToday) < 1 ? 3 : 2) : '—'}</div>
        ${summary ? html`<div class="muted">${money(summary.spentThisMonth, Number(summary.spentThisMonth) < 1 ? 3 : 2)} this month</div>` : ''}
        ${summary && Number(summary.llmSpentThisMonth) > 0 ? html`<div class="muted" data-llm-spend>language models: ${money(summary.llmSpentToday, 4)} today, ${money(summary.llmSpentThisMonth, 4)} this month</div>` : ''}</div>
      <div class="stat" data-stat="queue"><div class="label">Queue depth</div><div class="value">${queue}</div>
        ${summary ? html`<div class="muted">${summary.running} running</div>` : ''}</div>
      <div class="stat" data-stat="last-hour"><div class="label">Generations, last hour</div><div class="value">${summary ? summary.completedLastHour + summary.failedLastHour : '—'}</div>
        ${summary ? html`<div class="muted">${summary.failedLastHour} failed</div>` : ''}</div>
      <div class="stat" data-stat="success"><div class="label">Success rate, last hour</div><div class="value">${rate}</div></div>`);
    const warning = summary && summary.budget && summary.budget.warning;
    mount($('#budget', el), warning ? html`<div class="alert error" role="alert" data-budget>${warning}</div>` : '');
    $('#updated', el).textContent = 'Updated ' + new Date().toLocaleTimeString();

    const Chart = await chartJs().catch(() => null);
    if (Chart) {
      const labels = STATES.filter(s => counts[s]);
      const data = labels.map(s => counts[s]);
      if (!stateChart) {
        stateChart = new Chart($('#by-state', el), {
          type: 'bar',
          data: { labels: labels.map(titleCase), datasets: [{ data, backgroundColor: labels.map(s => COLORS[s]) }] },
          options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } },
            scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
        });
      } else {
        stateChart.data.labels = labels.map(titleCase);
        stateChart.data.datasets[0].data = data;
        stateChart.data.datasets[0].backgroundColor = labels.map(s => COLORS[s]);
        stateChart.update();
      }
    }
    await drawMetrics(Chart);
    await drawFailures(servers);
  }

  /** Two charts from GET /fleet/metrics: completed and failed per hour, and the success rate. */
  async function drawMetrics(Chart) {
    const box = $('#metrics', el), rateBox = $('#success', el);
    if (metricsMissing) return;
    let metrics;
    try {
      metrics = await get('/fleet/metrics?window=24h&step=1h');
    } catch (e) {
      if (e.missing) metricsMissing = true;
      mount(box, errorBox(e)); mount(rateBox, '');
      return;
    }
    const points = Array.isArray(metrics.points) ? metrics.points : [];
    if (!points.some(p => p.completed || p.failed)) {
      mount(box, html`<p class="empty">No generations in the last 24 hours.</p>`);
      mount(rateBox, html`<p class="empty">No generations in the last 24 hours.</p>`);
      destroyCharts();
      return;
    }
    if (!Chart) { mount(box, errorBox({ message: 'The chart library could not be loaded.' })); return; }
    const labels = points.map(p => new Date(p.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    const completed = points.map(p => p.completed), failed = points.map(p => p.failed);
    const rate = points.map(p => (p.completed + p.failed) ? Math.round(p.completed * 1000 / (p.completed + p.failed)) / 10 : null);
    if (!metricsChart) {
      mount(box, html`<div class="chart-box"><canvas id="per-hour" aria-label="Generations per hour"></canvas></div>`);
      metricsChart = new Chart($('#per-hour', el), { type: 'bar',
        data: { labels, datasets: [
          { label: 'Completed', data: completed, backgroundColor: '#1f8a4c' },
          { label: 'Failed', data: failed, backgroundColor: '#c53030' }] },
        options: { animation: false, maintainAspectRatio: false,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } });
      mount(rateBox, html`<div class="chart-box"><canvas id="success-rate" aria-label="Success rate per hour"></canvas></div>`);
      rateChart = new Chart($('#success-rate', el), { type: 'line',
        data: { labels, datasets: [{ label: 'Success rate (%)', data: rate, borderColor: '#2b6cb0', spanGaps: true, tension: .25 }] },
        options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } } } });
    } else {
      metricsChart.data.labels = labels;
      metricsChart.data.datasets[0].data = completed;
      metricsChart.data.datasets[1].data = failed;
      metricsChart.update();
      rateChart.data.labels = labels;
      rateChart.data.datasets[0].data = rate;
      rateChart.update();
    }
  }

  function destroyCharts() {
    if (metricsChart) { metricsChart.destroy(); metricsChart = null; }
    if (rateChart) { rateChart.destroy(); rateChart = null; }
  }

  async function drawFailures(servers) {
    const failed = servers.filter(s => s.status === 'ERROR' || s.health === 'UNREACHABLE')
      .map(s => ({ when: s.stateChangedAt, what: html`Server <a href="#/servers/${s.id}">${s.name}</a>`,
        status: s.status === 'ERROR' ? 'ERROR' : s.health, why: s.statusReason || (s.healthDetail && s.healthDetail.error) || '' }));
    let generationsNote = '';
    try {
      const gens = items(await get('/generations' + query({ status: 'FAILED', size: 5 })));
      for (const g of gens) failed.push({ when: g.finishedAt || g.createdAt,
        what: html`Generation <a href="#/generations/${g.id}">${String(g.id).slice(0, 8)}</a>`, status: 'FAILED',
        why: g.error ? `${g.error.nodeType ? g.error.nodeType + ": " : ""}${g.error.message}` : "" });
    } catch (e) {
      generationsNote = e.missing ? 'Failed generations will be listed here once the generations API is available.' : e.message;
    }
    failed.sort((a, b) => String(b.when).localeCompare(String(a.when)));
    mount($('#failures', el), html`
      ${failed.length ? html`<div class="table-wrap"><table><thead><tr><th>When</th><th>What</th><th>State</th><th>Why</th></tr></thead><tbody>
        ${failed.slice(0, 10).map(f => html`<tr><td>${when(f.when)}</td><td>${f.what}</td><td>${badge(f.status)}</td><td>${f.why}</td></tr>`)}
      </tbody></table></div>` : html`<p class="empty">No failures. All is well.</p>`}
      ${generationsNote ? html`<p class="muted">${generationsNote}</p>` : ''}`);
  }

  const stop = every(5000, refresh);
  return () => { stop(); stateChart && stateChart.destroy(); destroyCharts(); };
}
