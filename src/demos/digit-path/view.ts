/**
 * A digit's path, drawn left to right as the network computes it: the pad
 * (or a test digit) and the input as the network sees it with the saliency
 * of its answer; the 512 hidden units as a grid, the most active outlined,
 * with their templates; and the ten probabilities beside the pad.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { paintAttribution } from '../shared/attribution.ts';
import { paintDigit } from '../shared/digits.ts';
import { createDrawPad } from '../shared/draw-pad.ts';
import { createRunControls } from '../shared/run-controls.ts';
import { paintTemplate } from '../shared/templates.ts';
import { percent } from '../../lib/format.ts';
import { activeUnits, announcement, type PathAction, type PathState } from './model.ts';
import pathCss from './path.css?url';

void demoStyles(pathCss);

const GRID_COLUMNS = 32;

export function createView({ root, stage, dispatch }: ViewContext<unknown, PathAction>): DemoView<PathState> {
  const box = select(stage).append('div').attr('class', 'path');
  const controls = createRunControls(box.node()!, { start: 'Train (10 s)', again: 'Train again' }, dispatch);
  const main = box.append('div').attr('class', 'path-main');

  const first = main.append('div').attr('class', 'path-step path-in');
  const pad = createDrawPad(
    first.node()!,
    (strokes) => dispatch({ type: 'draw', strokes }),
    () => dispatch({ type: 'clear' }),
  );
  const nav = first.append('div').attr('class', 'path-nav');
  nav.append('span').text('or a test digit');
  nav
    .append('button')
    .attr('type', 'button')
    .attr('aria-label', 'Previous test digit')
    .text('‹')
    .on('click', () => dispatch({ type: 'test', step: -1 }));
  const which = nav.append('span').attr('class', 'path-which');
  nav
    .append('button')
    .attr('type', 'button')
    .attr('aria-label', 'Next test digit')
    .text('›')
    .on('click', () => dispatch({ type: 'test', step: 1 }));

  const seen = main.append('div').attr('class', 'path-step path-seen');
  seen.append('p').attr('class', 'path-title').text('What it sees, where it looks');
  const pair = seen.append('div').attr('class', 'path-pair');
  const input = pair.append('canvas').attr('class', 'path-input').attr('role', 'img');
  const heat = pair.append('canvas').attr('class', 'path-heat').attr('role', 'img');
  const seenCaption = seen.append('p').attr('class', 'path-caption');

  const hidden = main.append('div').attr('class', 'path-step path-hidden');
  const hiddenTitle = hidden.append('p').attr('class', 'path-title');
  const size = 12;
  const svg = hidden
    .append('svg')
    .attr('class', 'path-units')
    .attr('viewBox', `0 0 ${GRID_COLUMNS * size} ${16 * size}`)
    .attr('role', 'img');
  const cells = svg.append('g');
  const top = hidden.append('div').attr('class', 'path-templates').attr('role', 'list');
  const recorded = box.append('p').attr('class', 'path-recorded');

  return {
    render(s) {
      const i = s.inspection;
      root.dataset.state = s.state;
      root.dataset.source = s.source;
      if (i) {
        root.dataset.predicted = String(i.classIndex);
        root.dataset.activeUnits = String(activeUnits(i.hidden));
        root.dataset.topUnits = i.top.join(',');
      } else {
        for (const k of ['predicted', 'activeUnits', 'topUnits']) delete root.dataset[k];
      }
      controls({ state: s.state, status: s.status, line: announcement(s) });
      const ready = s.state === 'done';
      pad.render(
        s.strokes,
        s.source === 'drawn' ? i?.probabilities : i?.probabilities,
        ready,
        ready ? 'Draw, or pick a test digit below.' : 'Train the network first (T).',
      );
      which.text(s.tests.length > 0 ? `${s.testIndex + 1} / ${s.tests.length}` : '–');
      nav.selectAll('button').property('disabled', !ready || s.tests.length === 0);

      seen.attr('data-empty', i ? null : '');
      if (i) {
        paintDigit(
          input.node()!,
          Uint8Array.from(i.input, (v) => Math.round(v * 255)),
        );
        paintAttribution(heat.node()!, i.input, i.saliency);
      }
      input.attr('aria-label', i ? 'The input as the network sees it: 28 by 28 pixels, centred and scaled as MNIST’s digits were' : null);
      heat.attr(
        'aria-label',
        i ? `Saliency map of the answer ${i.classIndex}: in red, the strokes whose ink weighs most in its score` : null,
      );
      seenCaption.text(
        i
          ? `It says ${i.classIndex} (${percent(i.probabilities[i.classIndex])}). Red: the ink that weighs most in that answer.`
          : 'The input and its saliency map appear once the network is trained.',
      );

      const largest = i ? Math.max(1e-9, ...i.hidden) : 1;
      hiddenTitle.text(
        i ? `${activeUnits(i.hidden)} of ${i.hidden.length} hidden units respond; the ${i.top.length} strongest:` : 'The 512 hidden units',
      );
      const topSet = new Set(i?.top ?? []);
      cells
        .selectAll('rect')
        .data(i ? i.hidden : [])
        .join('rect')
        .attr('x', (_, k) => (k % GRID_COLUMNS) * size)
        .attr('y', (_, k) => Math.floor(k / GRID_COLUMNS) * size)
        .attr('width', size - 1)
        .attr('height', size - 1)
        .attr('class', (_, k) => (topSet.has(k) ? 'top' : null))
        .style('--a', (v) => String(Math.max(0, v) / largest));
      svg.attr(
        'aria-label',
        i
          ? `The hidden layer's ${i.hidden.length} units as a grid, darker where a unit responds more; the strongest are units ${i.top.join(', ')}`
          : 'The hidden layer, not computed yet',
      );
      const t = top
        .selectAll<HTMLDivElement, number>('div')
        .data(i ? i.top : [])
        .join((enter) => {
          const d = enter.append('div').attr('class', 'path-template').attr('role', 'listitem');
          d.append('canvas').attr('aria-hidden', 'true');
          d.append('span');
          return d;
        })
        .attr('aria-label', (u) => `Hidden unit ${u}: its incoming weights, blue where ink raises it, orange where ink lowers it`);
      t.select('span').text((u) => `#${u}`);
      recorded.text(s.recorded ?? '').attr('hidden', s.recorded ? null : '');
      if (i)
        t.select<HTMLCanvasElement>('canvas').each(function (_, k) {
          paintTemplate(this, Float32Array.from(i.templates.slice(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES)), i.limit);
        });
    },
  };
}
