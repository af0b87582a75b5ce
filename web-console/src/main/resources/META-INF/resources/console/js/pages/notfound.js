import { html, mount } from '../ui.js';

export function render(el, [path]) {
  mount(el, html`<h1>Nothing here</h1><p>There is no page at <code>${path}</code>. <a href="#/">Go to the dashboard</a>.</p>`);
}
