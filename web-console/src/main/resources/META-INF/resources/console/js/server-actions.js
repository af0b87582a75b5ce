// Start, stop (drain) and destroy, each behind a confirmation where it loses work or money.
import { post, del } from './api.js';
import { html, confirmDialog, flash } from './ui.js';

export function actionButtons(s) {
  const canStart = s.status === 'STOPPED';
  const canStop = s.status === 'RUNNING' || s.status === 'LOADING' || s.status === 'STARTING';
  const canDestroy = s.status !== 'DESTROYED' && s.status !== 'DESTROYING';
  return html`<span class="actions">
    ${canStart ? html`<button class="btn small" type="button" data-action="start" data-id="${s.id}" data-name="${s.name}">Start</button>` : ''}
    ${canStop ? html`<button class="btn small secondary" type="button" data-action="stop" data-id="${s.id}" data-name="${s.name}">Stop</button>` : ''}
    ${canDestroy ? html`<button class="btn small danger" type="button" data-action="destroy" data-id="${s.id}" data-name="${s.name}">Destroy</button>` : ''}
  </span>`;
}

/** Handles clicks on action buttons inside root; calls after() when something changed. */
export function wireActions(root, after) {
  root.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button || !root.contains(button)) return;
    const { action, id, name } = button.dataset;
    try {
      if (action === 'start') {
        await post(`/servers/${id}/start`);
        flash(`Starting ${name}.`);
      } else if (action === 'stop') {
        const answer = await confirmDialog({
          title: `Stop ${name}?`,
          body: html`<p>Generations that are running finish first (the server drains), then it stops.
            A stopped server keeps its disk and costs only storage.</p>`,
          extra: html`<label class="check"><input type="checkbox" name="now"> Stop at once, without draining</label>`,
          confirm: 'Stop server', tone: 'secondary',
        });
        if (!answer) return;
        await post(`/servers/${id}/stop${answer.now ? '?drain=false' : ''}`);
        flash(`Stopping ${name}.`);
      } else if (action === 'destroy') {
        const answer = await confirmDialog({
          title: `Destroy ${name}?`,
          body: html`<p>The rented machine is given back and <strong>its disk is lost</strong>. This cannot be undone.</p>`,
          confirm: 'Destroy server',
        });
        if (!answer) return;
        await del(`/servers/${id}`);
        flash(`Destroying ${name}.`);
      }
      after();
    } catch (e) {
      flash(e.message, 'error');
    }
  });
}
