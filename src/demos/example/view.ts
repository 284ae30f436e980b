/** Draws a counter: its number, in an SVG, and two buttons. Draws a state, nothing else. */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { button, controlRow } from '../shared/controls.ts';
import figureCss from '../shared/figure.css?url';
import type { CounterAction, CounterState } from './model.ts';

void demoStyles(figureCss);

export function createView({ root, stage, dispatch }: ViewContext<unknown, CounterAction>): DemoView<CounterState> {
  const svg = select(stage).append('svg').attr('class', 'example-svg').attr('viewBox', '0 0 200 80').attr('role', 'img');
  const text = svg.append('text').attr('class', 'fig-title').attr('x', 100).attr('y', 50).attr('text-anchor', 'middle');
  const row = controlRow(select(stage));
  button(row, 'Add one', () => dispatch({ type: 'add', by: 1 }));
  button(row, 'Reset', () => dispatch({ type: 'reset' }));
  return {
    render({ count }) {
      text.text(`count: ${count}`);
      svg.attr('aria-label', `A counter at ${count}`);
      root.dataset.count = String(count);
    },
  };
}
