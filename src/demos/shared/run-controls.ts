/**
 * The controls every demo that trains in the worker shares: a start, pause
 * and resume button (key T), Reset (R), a line saying where training is, the
 * backend in use, and the worker's notices and errors with the way out of
 * each. Sends actions; draws what it is given.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import { backendLabel } from '../../train/backends/backends.ts';
import type { WorkerStatus } from './trained-run.ts';
import runControlsCss from './run-controls.css?url';

void demoStyles(runControlsCss);

export type RunDemoState = 'idle' | 'training' | 'paused' | 'done' | 'error';

export interface RunControlsView {
  state: RunDemoState;
  status: WorkerStatus;
  /** Where training is, in a few words. */
  line: string;
}

export function createRunControls(
  parent: HTMLElement,
  labels: { start: string; again: string },
  dispatch: (action: { type: 'toggle' } | { type: 'reset' } | { type: 'retry' }) => void,
): (view: RunControlsView) => void {
  const row = select(parent).append('div').attr('class', 'run-controls');
  const toggle = row
    .append('button')
    .attr('type', 'button')
    .attr('class', 'run-toggle')
    .attr('title', 'Start, pause or resume (T)')
    .on('click', () => dispatch({ type: 'toggle' }));
  row
    .append('button')
    .attr('type', 'button')
    .attr('class', 'run-reset')
    .attr('title', 'Start again (R)')
    .text('Reset')
    .on('click', () => dispatch({ type: 'reset' }));
  const line = row.append('p').attr('class', 'run-line').attr('aria-live', 'polite');
  const badge = row.append('p').attr('class', 'run-backend');
  const messages = select(parent).append('div').attr('class', 'run-messages');
  return ({ state, status, line: text }) => {
    toggle
      .text(state === 'training' ? 'Pause' : state === 'paused' ? 'Resume' : state === 'done' ? labels.again : labels.start)
      .attr('aria-pressed', state === 'training' ? 'true' : 'false')
      .property('disabled', state === 'error' && status.error?.retry === 'reload');
    line.text(text);
    badge
      .attr('data-backend', status.backend ?? null)
      .text(
        status.backend
          ? `${backendLabel(status.backend)}${status.backend === 'wasm' ? ` · ${status.threads} thread${status.threads === 1 ? '' : 's'}` : ''}`
          : '',
      )
      .attr('hidden', status.backend ? null : '');
    const items = [
      ...status.notices.map((message) => ({ kind: 'notice', message })),
      ...(status.error ? [{ kind: 'error', message: status.error.message }] : []),
    ];
    messages
      .selectAll('p')
      .data(items)
      .join('p')
      .attr('class', (d) => `run-${d.kind}`)
      .attr('role', (d) => (d.kind === 'error' ? 'alert' : 'status'))
      .text((d) => d.message);
    messages
      .selectAll('button')
      .data(status.error ? [status.error.retry] : [])
      .join('button')
      .attr('type', 'button')
      .text((retry) => (retry === 'reload' ? 'Reload the page' : 'Try again'))
      .on('click', (_, retry) => (retry === 'reload' ? location.reload() : dispatch({ type: 'retry' })));
  };
}
