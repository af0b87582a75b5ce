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
    <div class="grid cols-4" id="stats"></div>
    <div class="grid cols-2" style="margin-top:1rem">
      <section class="panel"><h2>Servers by state</h2><div class="chart-box"><canvas id="by-state" aria-label="Servers by state"></canvas></div></section>
      <section class="panel"><h2>Activity</h2><div id="metrics"><p class="muted">Loading…</p></div></section>
    </div>
    <section class="panel"><h2>Recent failures</h2><div id="failures"><p class="muted">Loading…</p></div></section>`);
  let stateChart = null, metricsChart = null, metricsMissing = false, summaryMissing = false;

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
    mount($('#stats', el), html`
      <div class="stat" data-stat="running"><div class="label">Running servers</div><div class="value">${counts.RUNNING || 0} <span class="muted" style="font-size:1rem">of ${total}</span></div></div>
      <div class="stat" data-stat="price"><div class="label">Cost now</div><div class="value">${money(perHour, 2)}/h</div></div>
      <div class="stat" data-stat="queue"><div class="label">Queue depth</div><div class="value">${queue}</div></div>
      <div class="stat" data-stat="spend"><div class="label">${summary && summary.spentToday != null ? 'Spent today' : 'Errors'}</div>
        <div class="value">${summary && summary.spentToday != null ? money(summary.spentToday, 2) : (counts.ERROR || 0)}</div></div>`);
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

  async function drawMetrics(Chart) {
    const box = $('#metrics', el);
    if (metricsMissing) return;
    let metrics;
    try {
      metrics = await get('/fleet/metrics?window=24h');
    } catch (e) {
      if (e.missing) metricsMissing = true;
      mount(box, html`<p class="muted" data-unavailable>Charts of throughput and cost over time appear here once the fleet metrics API is available. ${e.message}</p>`);
      return;
    }
    const series = Array.isArray(metrics.series) ? metrics.series : [];
    if (!Chart || !series.length) { mount(box, html`<p class="muted">No activity recorded yet.</p>`); return; }
    const labels = (series[0].points || []).map(p => new Date(p.t || p.time || p.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    const datasets = series.map(s => ({ label: s.label || s.name, data: (s.points || []).map(p => p.v ?? p.value), tension: .25, pointRadius: 0 }));
    if (!metricsChart) {
      mount(box, html`<div class="chart-box"><canvas aria-label="Fleet activity"></canvas></div>`);
      metricsChart = new Chart(box.querySelector('canvas'), { type: 'line', data: { labels, datasets },
        options: { animation: false, maintainAspectRatio: false } });
    } else {
      metricsChart.data.labels = labels; metricsChart.data.datasets = datasets; metricsChart.update();
    }
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
  return () => { stop(); stateChart && stateChart.destroy(); metricsChart && metricsChart.destroy(); };
}
