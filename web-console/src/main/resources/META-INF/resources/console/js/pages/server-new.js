import { get, post, items, query } from '../api.js';
import { html, mount, $, money, errorBox, formValues, numberOrNull, flash } from '../ui.js';

const GPUS = ['RTX 4090', 'RTX 3090', 'RTX A6000', 'A100 SXM4', 'H100 SXM', 'RTX 4080', 'L40S'];

export async function render(el, _params, { go }) {
  mount(el, html`
    <div class="page-head"><h1>New server</h1></div>
    <form id="server-form" class="panel" novalidate>
      <div id="form-error"></div>
      <div class="row">
        <label>Name <input name="name" required placeholder="gpu-1" autofocus></label>
        <label>GPU <input name="gpu" list="gpu-names" value="RTX 4090"></label>
        <label>GPUs <input name="gpuCount" type="number" min="1" max="8" value="1"></label>
        <label>CPU cores (min) <input name="cpuCores" type="number" min="1" max="256" placeholder="any"></label>
        <label>RAM GB (min) <input name="ram" type="number" min="1" max="2048" placeholder="any"></label>
        <label>Disk GB <input name="disk" type="number" min="10" max="4096" value="40"></label>
        <label>Location <input name="location" placeholder="any, e.g. US"></label>
        <label>Max $/h <input name="maxPricePerHour" type="number" step="0.01" min="0.01" value="1.00"></label>
        <label>Min reliability <input name="minReliability" type="number" step="0.01" min="0" max="1" placeholder="any, e.g. 0.95"></label>
        <label>Setup script <select name="setupScriptId" id="script-select"><option value="">The default</option></select></label>
      </div>
      <datalist id="gpu-names">${GPUS.map(g => html`<option value="${g}">`)}</datalist>
      <p><label class="check"><input type="checkbox" name="autoSetup" checked> Run setup when it first comes up</label></p>
      <h2>Matching offers</h2>
      <p class="muted">Best first by price per reliable hour. Leave “Best match” to rent the best one when you create.</p>
      <div id="offers" aria-live="polite"><p class="muted">Loading offers…</p></div>
      <div class="form-actions">
        <button class="btn" type="submit">Create server</button>
        <button class="btn secondary" type="button" id="refresh-offers">Refresh offers</button>
        <a class="btn secondary" href="#/servers">Cancel</a>
      </div>
    </form>`);
  const form = $('#server-form', el);

  get('/setup-scripts').then(answer => {
    const select = $('#script-select', el);
    for (const s of items(answer)) {
      const o = document.createElement('option');
      o.value = s.id; o.textContent = s.name;
      select.appendChild(o);
    }
  }).catch(() => { /* scripts come with the setup API; the default is used until then */ });

  function spec() {
    const v = formValues(form);
    return {
      name: v.name, gpu: v.gpu || null, gpuCount: numberOrNull(v.gpuCount), cpuCores: numberOrNull(v.cpuCores),
      ram: numberOrNull(v.ram), disk: numberOrNull(v.disk), location: v.location || null,
      maxPricePerHour: numberOrNull(v.maxPricePerHour), minReliability: numberOrNull(v.minReliability),
      setupScriptId: v.setupScriptId || null, autoSetup: v.autoSetup,
      offerId: v.offer && v.offer !== 'best' ? Number(v.offer) : null,
    };
  }

  let seq = 0;
  async function preview() {
    const s = spec(), mine = ++seq;
    const box = $('#offers', el);
    try {
      const offers = await get('/offers' + query({ gpu: s.gpu, gpuCount: s.gpuCount, cpuCores: s.cpuCores, ram: s.ram,
        disk: s.disk, location: s.location, maxPricePerHour: s.maxPricePerHour, minReliability: s.minReliability, limit: 8 }));
      if (mine !== seq) return;
      mount(box, offers.length ? html`<div class="table-wrap"><table id="offer-table">
        <thead><tr><th>Pick</th><th>GPU</th><th class="num">VRAM</th><th class="num">CPU</th><th class="num">RAM</th><th class="num">Disk</th><th>Location</th><th class="num">Reliability</th><th class="num">$/h</th></tr></thead>
        <tbody>
          <tr><td><label class="check"><input type="radio" name="offer" value="best" checked> Best match</label></td><td colspan="8" class="muted">the first offer below when the server is created</td></tr>
          ${offers.map(o => html`<tr data-offer="${o.id}">
          <td><label class="check"><input type="radio" name="offer" value="${o.id}"> <span class="mono">#${o.id}</span></label></td>
          <td>${o.gpuCount > 1 ? `${o.gpuCount}× ` : ''}${o.gpu}</td><td class="num">${Math.round(o.gpuRamGb)} GB</td>
          <td class="num">${Math.round(o.cpuCores)}</td><td class="num">${Math.round(o.ramGb)} GB</td><td class="num">${Math.round(o.diskGb)} GB</td>
          <td>${o.location || '—'}</td><td class="num">${(o.reliability * 100).toFixed(1)}%</td><td class="num">${money(o.pricePerHour)}</td></tr>`)}
        </tbody></table></div><p class="muted" data-offer-count>${offers.length} matching offer${offers.length === 1 ? '' : 's'}</p>`
        : html`<div class="alert notice" role="status">No offer matches this spec. Raise the price limit or relax the spec.</div>`);
    } catch (e) {
      if (mine === seq) mount(box, errorBox(e));
    }
  }

  let timer;
  form.addEventListener('input', (event) => {
    if (event.target.name === 'offer' || event.target.name === 'name' || event.target.name === 'autoSetup') return;
    clearTimeout(timer); timer = setTimeout(preview, 350);
  });
  $('#refresh-offers', el).addEventListener('click', preview);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const s = spec();
    if (!s.name) { mount($('#form-error', el), errorBox({ message: 'Give the server a name.' })); form.name.focus(); return; }
    const body = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== null && v !== ''));
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const created = await post('/servers', body);
      flash(`Server ${created.name} is being rented.`);
      go(`/servers/${created.id}`);
    } catch (e) {
      mount($('#form-error', el), errorBox(e));
      el.scrollIntoView();
    } finally {
      button.disabled = false;
    }
  });
  await preview();
  return () => clearTimeout(timer);
}
