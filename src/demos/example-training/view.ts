/** Draws the example run: its progress and its test accuracy, and reports both on the figure. Draws a state, nothing else. */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { percent } from '../../lib/format.ts';
import { button, controlRow } from '../shared/controls.ts';
import figureCss from '../shared/figure.css?url';
import { runProgress } from '../shared/trained-run.ts';
import type { ExampleTrainingAction, ExampleTrainingState } from './model.ts';

void demoStyles(figureCss);

export function createView({ root, stage, dispatch }: ViewContext<unknown, ExampleTrainingAction>): DemoView<ExampleTrainingState> {
  const line = select(stage).append('p').attr('class', 'fig-label').attr('aria-live', 'polite');
  const row = controlRow(select(stage));
  const train = button(row, 'Train', () => dispatch({ type: 'toggle' }));
  return {
    render(s) {
      line.text(s.status.error ? s.status.error.message : `${runProgress(s.run)} · test accuracy ${percent(s.run.testAccuracy)}`);
      train.text(s.state === 'training' ? 'Pause' : s.state === 'paused' ? 'Resume' : 'Train');
      Object.assign(root.dataset, { state: s.state, testAccuracy: s.run.testAccuracy?.toFixed(4) ?? '' });
    },
  };
}
