/**
 * The model comparison's view: one card per model, side by side, each with
 * what the model is, its progress, its test accuracy in large type, how many
 * test images it gets wrong, and how long it trained. The error counts make
 * the differences visible: 92% and 99% right are 8 and 1 wrong in a hundred.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { createRunControls } from '../shared/run-controls.ts';
import { percent } from '../../lib/format.ts';
import { runFraction, runProgress } from '../shared/trained-run.ts';
import { announcement, best, current, errors, MODELS, wrongSquares, type ComparisonAction, type ComparisonState } from './model.ts';
import comparisonCss from './comparison.css?url';

void demoStyles(comparisonCss);

const number = new Intl.NumberFormat('en');

export function createView({ root, stage, dispatch }: ViewContext<unknown, ComparisonAction>): DemoView<ComparisonState> {
  const box = select(stage).append('div').attr('class', 'cmp');
  const controls = createRunControls(box.node()!, { start: 'Train the three', again: 'Train again' }, dispatch);
  const cards = box
    .append('ol')
    .attr('class', 'cmp-cards')
    .selectAll('li')
    .data(MODELS)
    .join('li')
    .attr('class', 'cmp-card')
    .attr('data-model', (m) => m.key);
  cards
    .append('p')
    .attr('class', 'cmp-name')
    .text((m) => m.name);
  cards
    .append('p')
    .attr('class', 'cmp-detail')
    .text((m) => m.detail);
  const bar = cards
    .append('div')
    .attr('class', 'cmp-bar')
    .attr('role', 'progressbar')
    .attr('aria-valuemin', 0)
    .attr('aria-valuemax', 100)
    .attr('aria-label', (m) => `${m.name}: progress`);
  bar.append('div').attr('class', 'cmp-fill');
  cards.append('p').attr('class', 'cmp-progress');
  const outcome = cards.append('div').attr('class', 'cmp-outcome');
  const result = outcome.append('p').attr('class', 'cmp-result');
  result.append('span').attr('class', 'cmp-accuracy');
  result.append('span').attr('class', 'cmp-unit').text(' right');
  // A hundred squares, one per 1% of the test images: the wrong ones in red, so 8 against 1 reads from the back row.
  const waffle = outcome.append('svg').attr('class', 'cmp-waffle').attr('viewBox', '0 0 100 100').attr('aria-hidden', 'true');
  waffle
    .selectAll('rect')
    .data(Array.from({ length: 100 }, (_, i) => i))
    .join('rect')
    .attr('x', (i) => (i % 10) * 10 + 1)
    .attr('y', (i) => Math.floor(i / 10) * 10 + 1)
    .attr('width', 8)
    .attr('height', 8);
  cards.append('p').attr('class', 'cmp-wrong');
  const recorded = box.append('p').attr('class', 'cmp-recorded');

  return {
    render(s) {
      for (const m of MODELS) {
        const run = s.runs[m.key];
        const key = m.key.charAt(0).toUpperCase() + m.key.slice(1);
        if (run.testAccuracy === undefined) delete root.dataset[`testAccuracy${key}`];
        else root.dataset[`testAccuracy${key}`] = run.testAccuracy.toFixed(4);
        if (run.seconds === undefined) delete root.dataset[`seconds${key}`];
        else root.dataset[`seconds${key}`] = run.seconds.toFixed(1);
      }
      root.dataset.state = s.state;
      const winner = best(s);
      if (winner) root.dataset.best = winner;
      else delete root.dataset.best;
      if (s.status.backend) root.dataset.backend = s.status.backend;
      const now = current(s);
      controls({ state: s.state, status: s.status, line: announcement(s) });
      cards.attr('data-state', (m) => s.runs[m.key].state).classed('current', (m) => m.key === now);
      cards.select('.cmp-fill').style('transform', (m) => `scaleX(${runFraction(s.runs[m.key]).toFixed(3)})`);
      cards.select('.cmp-bar').attr('aria-valuenow', (m) => Math.round(runFraction(s.runs[m.key]) * 100));
      cards.select('.cmp-progress').text((m) => runProgress(s.runs[m.key]));
      cards.select('.cmp-accuracy').text((m) => percent(s.runs[m.key].testAccuracy));
      cards.each(function (m) {
        // The wrong squares fill from the bottom right, the last squares to be read.
        const red = wrongSquares(s.runs[m.key].testAccuracy);
        select(this)
          .selectAll<SVGRectElement, number>('.cmp-waffle rect')
          .attr('class', (i) => (s.runs[m.key].testAccuracy === undefined ? null : i >= 100 - red ? 'wrong' : 'right'));
      });
      cards.select('.cmp-unit').attr('hidden', (m) => (s.runs[m.key].testAccuracy === undefined ? '' : null));
      cards.select('.cmp-wrong').text((m) => {
        const run = s.runs[m.key];
        const wrong = errors(run.testAccuracy, s.testSize);
        if (wrong === undefined)
          return `${number.format(run.spec.trainSize)} images × ${run.spec.epochs} epoch${run.spec.epochs === 1 ? '' : 's'}`;
        return `${number.format(wrong)} of ${number.format(s.testSize)} test images wrong${run.state === 'done' ? '' : ' so far'}`;
      });
      recorded.text(s.recorded ?? '').attr('hidden', s.recorded ? null : '');
    },
  };
}
