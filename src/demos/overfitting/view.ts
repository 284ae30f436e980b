/**
 * Overfitting's view: two charts side by side on one accuracy scale. Left,
 * the run on 500 images, with training accuracy (orange, solid) and test
 * accuracy (blue, dashed) after every epoch, and the gap between them marked
 * at the last epoch. Right, both runs after training, 500 images and 60,000,
 * their training and test accuracy and the gap: the runs have 40 and 2
 * epochs, so their curves could not share an epoch axis, but their ends
 * share the accuracy axis.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { createEpochChart, floorOf } from '../shared/epoch-chart.ts';
import { createGapChart } from './gaps.ts';
import { createRunControls } from '../shared/run-controls.ts';
import { runProgress } from '../shared/trained-run.ts';
import { announcement, gap, RUNS, smallTrainBand, type OverfitAction, type OverfitState } from './model.ts';
import overfittingCss from './overfitting.css?url';

void demoStyles(overfittingCss);

export function createView({ root, stage, dispatch }: ViewContext<unknown, OverfitAction>): DemoView<OverfitState> {
  const box = select(stage).append('div').attr('class', 'overfit');
  const controls = createRunControls(box.node()!, { start: 'Train both', again: 'Train again' }, dispatch);
  const panels = box.append('div').attr('class', 'overfit-panels');
  const small = RUNS[0];
  const smallPanel = panels.append('div').attr('class', 'overfit-panel').attr('data-run', small.key);
  const drawSmall = createEpochChart(smallPanel.node()!, `${small.title}, ${small.spec.epochs} epochs`);
  const gapPanel = panels.append('div').attr('class', 'overfit-panel').attr('data-run', 'both');
  const drawGaps = createGapChart(gapPanel.node()!, 'After training');
  const progress = box.append('p').attr('class', 'overfit-progress');
  const recorded = box.append('p').attr('class', 'overfit-recorded');

  return {
    render(s) {
      root.dataset.state = s.state;
      const band = smallTrainBand(s);
      if (band) root.dataset.smallTrainBand = band;
      else delete root.dataset.smallTrainBand;
      controls({ state: s.state, status: s.status, line: announcement(s) });
      const set = (name: string, value: number | undefined) => {
        if (value === undefined) delete root.dataset[name];
        else root.dataset[name] = value.toFixed(4);
      };
      for (const r of RUNS) {
        const run = s.runs[r.key];
        const key = r.key === 'small' ? 'Small' : 'Full';
        set(`trainAccuracy${key}`, run.curve.at(-1)?.train);
        set(`testAccuracy${key}`, run.curve.at(-1)?.test);
        set(`gap${key}`, gap(run));
      }
      // One accuracy scale for both charts, from where the data of either are.
      const yMin = floorOf(RUNS.flatMap((r) => s.runs[r.key].curve.flatMap((p) => (p.train === undefined ? [p.test] : [p.train, p.test]))));
      const run = s.runs[small.key];
      const last = run.curve.at(-1);
      const g = gap(run);
      drawSmall({
        xMax: run.spec.epochs,
        yMin,
        series: [
          {
            kind: 'train',
            label: 'training',
            points: run.curve.filter((p) => p.train !== undefined).map((p) => ({ x: p.epoch, y: p.train! })),
          },
          { kind: 'test', label: 'test', dashed: true, points: run.curve.map((p) => ({ x: p.epoch, y: p.test })) },
        ],
        ...(last?.train !== undefined && g !== undefined
          ? { gap: { x: last.epoch, from: last.train, to: last.test, label: `gap ${(g * 100).toFixed(1)} pts` } }
          : {}),
      });
      drawGaps(
        RUNS.map((r) => ({
          title: r.key === 'small' ? '500 images' : '60,000 images',
          train: s.runs[r.key].curve.at(-1)?.train,
          test: s.runs[r.key].curve.at(-1)?.test,
        })),
        yMin,
      );
      // While training, each run's progress; once done, the line above the charts says it all.
      progress
        .text(RUNS.map((r) => `${r.title}: ${runProgress(s.runs[r.key])}`).join(' · '))
        .attr('hidden', s.state === 'done' ? '' : null);
      recorded.text(s.recorded ?? '').attr('hidden', s.recorded ? null : '');
    },
  };
}
