// A generation as the API shows it (GenerationView), kept current from socket messages.
import { html, progress } from './ui.js';

export const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];
export const ACTIVE = ['QUEUED', 'RUNNING'];

const STATUS_EVENTS = {
  'generation.queued': 'QUEUED', 'generation.started': 'RUNNING', 'generation.completed': 'COMPLETED',
  'generation.failed': 'FAILED', 'generation.cancelled': 'CANCELLED',
};

/**
 * The generation after a socket message: a copy with the message applied, the message's own view
 * for generation.state, or null when the view must be read again (a status the message cannot
 * describe fully, such as outputs on completion).
 */
export function applyEvent(g, m) {
  if (m.type === 'generation.state' && m.generation) return m.generation;
  if (!g) return null;
  if (m.type === 'generation.progress') {
    return { ...g, status: 'RUNNING', progress: m.progress ?? g.progress, currentNode: m.node || g.currentNode,
      executedNodes: m.executedNodes ?? g.executedNodes, totalNodes: m.totalNodes ?? g.totalNodes,
      step: m.step ?? g.step, maxSteps: m.maxSteps ?? g.maxSteps, queuePosition: null };
  }
  const status = STATUS_EVENTS[m.type] || m.status;
  if (!status) return g;
  if (FINAL.includes(status) || status === 'RUNNING' && !g.serverId) return null;
  return { ...g, status };
}

/** Bars by node (nodes executed of the graph) and by step (sampler steps of the running node). */
export function progressBars(g, compact = false) {
  const done = g.status === 'COMPLETED';
  const nodes = done ? 100 : g.totalNodes ? (100 * (g.executedNodes || 0)) / g.totalNodes : 0;
  const steps = done ? 100 : g.maxSteps ? (100 * (g.step || 0)) / g.maxSteps : 0;
  return html`<div class="bars${compact ? ' compact' : ''}">
    <div class="bar-line"><span class="bar-label">Nodes ${g.totalNodes ? `${g.executedNodes || 0}/${g.totalNodes}` : ''}</span>${progress(nodes, 'Node progress')}</div>
    <div class="bar-line"><span class="bar-label">Steps ${g.maxSteps ? `${g.step || 0}/${g.maxSteps}` : ''}</span>${progress(steps, 'Step progress')}</div>
  </div>`;
}

/** A failure in plain words: where it happened and what ComfyUI said. */
export function errorWords(error) {
  if (!error) return '';
  if (typeof error === 'string') return error;
  const where = error.nodeType ? ` in node ${error.nodeType}${error.nodeId ? ` (#${error.nodeId})` : ''}` : '';
  return `The generation failed${where}: ${error.message || error.type}`;
}
