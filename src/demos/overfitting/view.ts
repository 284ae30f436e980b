/**
 * Overfitting's view: two charts side by side, 500 images and 60,000, each
 * with training accuracy (orange, solid) and test accuracy (blue, dashed)
 * after every epoch, and the gap between them marked at the last epoch.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { createEpochChart } from '../shared/epoch-chart.ts';
import { createRunControls } from '../shared/run-controls.ts';
import { runProgress } from '../shared/trained-run.ts';
import { announcement, gap, RUNS, smallTrainBand, type OverfitAction, type OverfitState } from './model.ts';
import overfittingCss from './overfitting.css?url';

void demoStyles(overfittingCss);

export function createView({ root, stage, dispatch }: ViewContext<unknown, OverfitAction>): DemoView<OverfitState> {
  const box = select(stage).append('div').attr('class', 'overfit');
  const controls = createRunControls(box.node()!, { start: 'Train both', again: 'Train again' }, dispatch);
  const panels = box.append('div').attr('class', 'overfit-panels');
  const charts = RUNS.map((r) => {
    const panel = panels.append('div').attr('class', 'overfit-panel').attr('data-run', r.key);
    const draw = createEpochChart(panel.node()!, r.title);
    const progress = panel.append('p').attr('class', 'overfit-progress');
    return { r, draw, progress };
  });
  const recorded = box.append('p').attr('class', 'overfit-recorded');

  return {
    render(s) {
      root.dataset.state = s.state;
      const band = smallTrainBand(s);
      if (band) root.dataset.smallTrainBand = band;
      else delete root.dataset.smallTrainBand;
      controls({ state: s.state, status: s.status, line: announcement(s) });
      for (const { r, draw, progress } of charts) {
        const run = s.runs[r.key];
        const last = run.curve.at(-1);
        const key = r.key === 'small' ? 'Small' : 'Full';
        const set = (name: string, value: number | undefined) => {
          if (value === undefined) delete root.dataset[name];
          else root.dataset[name] = value.toFixed(4);
        };
        set(`trainAccuracy${key}`, last?.train);
        set(`testAccuracy${key}`, last?.test);
        set(`gap${key}`, gap(run));
        const g = gap(run);
        draw({
          xMax: run.spec.epochs,
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
        progress.text(runProgress(run));
      }
      recorded.text(s.recorded ?? '').attr('hidden', s.recorded ? null : '');
    },
  };
}
