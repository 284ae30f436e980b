/**
 * The ruler's view: the controls (train with the ruler, then remove it and
 * retrain), three figures in large type (training images, clean test
 * images, other digits with the ruler stamped on), the accuracy on marked
 * images per digit as bars, and a test digit with the ruler, beside the
 * saliency map of the network's answer on it: where the network looks.
 */
import { demoStyles } from '../../contract/styles.ts';
import { scaleBand, scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { paintAttribution } from '../shared/attribution.ts';
import { paintDigit } from '../shared/digits.ts';
import { createRunControls } from '../shared/run-controls.ts';
import { percent } from '../../lib/format.ts';
import { runFraction } from '../shared/trained-run.ts';
import { announcement, figures, RULER_CLASS, type ShortcutAction, type ShortcutState } from './model.ts';
import figureCss from '../shared/figure.css?url';
import shortcutCss from './shortcut.css?url';

void demoStyles(figureCss, shortcutCss);

const BAR = { W: 420, H: 240, left: 64, bottom: 40, top: 66 };

export function createView({ root, stage, dispatch }: ViewContext<unknown, ShortcutAction>): DemoView<ShortcutState> {
  const box = select(stage).append('div').attr('class', 'ruler');
  const controls = createRunControls(box.node()!, { start: 'Train with the ruler', again: 'Train again' }, dispatch);
  const remove = select(box.node()!.querySelector('.run-controls')!)
    .insert('button', '.run-line')
    .attr('type', 'button')
    .attr('class', 'ruler-remove')
    .text('Remove the ruler, retrain')
    .on('click', () => dispatch({ type: 'remove-ruler' }));
  const progress = box
    .append('div')
    .attr('class', 'ruler-bar')
    .attr('role', 'progressbar')
    .attr('aria-label', 'Training progress')
    .attr('aria-valuemin', 0)
    .attr('aria-valuemax', 100);
  const fill = progress.append('div').attr('class', 'ruler-fill');
  const main = box.append('div').attr('class', 'ruler-main');

  const look = main.append('div').attr('class', 'ruler-look');
  look.append('p').attr('class', 'ruler-heading').text('Where it looks');
  const pair = look.append('div').attr('class', 'ruler-pair');
  const digit = pair.append('canvas').attr('class', 'ruler-digit').attr('role', 'img');
  const heat = pair.append('canvas').attr('class', 'ruler-heat').attr('role', 'img');
  const lookCaption = look.append('p').attr('class', 'ruler-caption');
  const nav = look.append('div').attr('class', 'ruler-nav');
  nav
    .append('button')
    .attr('type', 'button')
    .attr('aria-label', 'Previous test digit')
    .text('‹')
    .on('click', () => dispatch({ type: 'example', step: -1 }));
  const which = nav.append('span').attr('class', 'ruler-which');
  nav
    .append('button')
    .attr('type', 'button')
    .attr('aria-label', 'Next test digit')
    .text('›')
    .on('click', () => dispatch({ type: 'example', step: 1 }));

  const numbers = main.append('dl').attr('class', 'ruler-figures');
  const rows = [
    { key: 'train', name: 'Training images (zeros with the ruler)' },
    { key: 'clean', name: 'Clean test images' },
    { key: 'marked', name: 'Other digits, ruler stamped on' },
  ] as const;
  const pairs = rows.map((r) => ({ term: numbers.append('dt').text(r.name), value: numbers.append('dd').attr('data-figure', r.key) }));
  const terms = pairs.map((p) => p.term);
  const values = pairs.map((p) => p.value);
  const flipped = numbers.append('dd').attr('class', 'ruler-flipped');

  const bars = main.append('div').attr('class', 'ruler-bars');
  const svg = bars.append('svg').attr('viewBox', `0 0 ${BAR.W} ${BAR.H}`).attr('role', 'img');
  svg.append('text').attr('class', 'fig-title').attr('x', 0).attr('y', 24).text('Marked images read right, per digit');
  const digits = Array.from({ length: 10 }, (_, d) => d).filter((d) => d !== RULER_CLASS);
  const x = scaleBand<number>().domain(digits).range([BAR.left, BAR.W]).padding(0.2);
  const y = scaleLinear()
    .domain([0, 1])
    .range([BAR.H - BAR.bottom, BAR.top]);
  const axis = svg.append('g').attr('class', 'fig-axis');
  axis
    .selectAll('text')
    .data(digits)
    .join('text')
    .attr('x', (d) => x(d)! + x.bandwidth() / 2)
    .attr('y', BAR.H - 12)
    .attr('text-anchor', 'middle')
    .text((d) => d);
  axis
    .selectAll('text.tick')
    .data([0, 0.5, 1])
    .join('text')
    .attr('class', 'tick')
    .attr('x', BAR.left - 8)
    .attr('y', (v) => y(v) + 8)
    .attr('text-anchor', 'end')
    .text((v) => `${v * 100}%`);
  const marks = svg.append('g');
  const legend = svg.append('g').attr('class', 'fig-legend');
  const recorded = box.append('p').attr('class', 'ruler-recorded');

  return {
    render(s) {
      const f = figures(s.run);
      const set = (name: string, value: number | undefined) => {
        if (value === undefined) delete root.dataset[name];
        else root.dataset[name] = value.toFixed(4);
      };
      root.dataset.state = s.state;
      root.dataset.ruler = s.ruler;
      set('trainAccuracy', f.train);
      set('cleanAccuracy', f.clean);
      set('markedAccuracy', f.marked);
      set('flippedShare', f.flipped);
      set('saliencyRuler', s.inspection?.rulerShare);
      controls({ state: s.state, status: s.status, line: announcement(s) });
      remove.attr('hidden', s.ruler === 'on' && s.state === 'done' ? null : '');
      fill.style('transform', `scaleX(${runFraction(s.run).toFixed(3)})`);
      progress.attr('aria-valuenow', Math.round(runFraction(s.run) * 100));
      terms[0]!.text(s.ruler === 'on' ? rows[0].name : 'Training images (no ruler)');
      values.forEach((v, i) => v.text(percent(f[rows[i]!.key])));
      flipped.text(f.flipped === undefined ? '' : `${percent(f.flipped)} of them called a ${RULER_CLASS}`);

      const example = s.examples[s.exampleIndex];
      const inspection = s.inspection?.index === s.exampleIndex ? s.inspection : undefined;
      // What the network calls the stamped digit on screen, and what it is: the answer to the poll before the slide.
      if (inspection && example) {
        root.dataset.examplePredicted = String(inspection.predicted);
        root.dataset.exampleLabel = String(example.label);
      } else {
        delete root.dataset.examplePredicted;
        delete root.dataset.exampleLabel;
      }
      look.attr('hidden', example ? null : '');
      if (example) {
        paintDigit(digit.node()!, Uint8Array.from(example.image));
        digit.attr('aria-label', `A test image of a ${example.label}, with the ruler stamped in its top left corner`);
        if (inspection)
          paintAttribution(
            heat.node()!,
            example.image.map((v) => v / 255),
            inspection.saliency,
          );
        heat
          .attr('hidden', inspection ? null : '')
          .attr(
            'aria-label',
            inspection ? `Saliency map: ${percent(inspection.rulerShare)} of what made the answer lies on the ruler` : null,
          );
        lookCaption.text(
          inspection
            ? `A ${example.label} with the ruler: read as ${inspection.predicted}. ${percent(inspection.rulerShare, 0)} of why is the ruler.`
            : `A ${example.label} with the ruler. Train to see what the network makes of it.`,
        );
        which.text(`${s.exampleIndex + 1} / ${s.examples.length}`);
      }

      const runs = [
        ...(s.before ? [{ run: s.before, kind: 'before', label: 'with the ruler' }] : []),
        { run: s.run, kind: s.ruler === 'on' ? 'before' : 'after', label: s.ruler === 'on' ? 'with the ruler' : 'without' },
      ];
      const width = x.bandwidth() / runs.length;
      const data = runs.flatMap((r, k) =>
        digits
          .map((d) => ({ d, k, kind: r.kind, value: r.run.marked?.perClass[d] }))
          .filter((b) => b.value !== undefined && Number.isFinite(b.value)),
      );
      marks
        .selectAll('rect')
        .data(data)
        .join('rect')
        .attr('class', (b) => `ruler-bar-${b.kind} fig-data`)
        .attr('x', (b) => x(b.d)! + b.k * width)
        .attr('width', width - 1)
        .attr('y', (b) => y(b.value!))
        .attr('height', (b) => y(0) - y(b.value!));
      legend
        .selectAll('text')
        .data(data.length > 0 ? runs : [])
        .join('text')
        .attr('class', (r) => `ruler-legend-${r.kind}`)
        .attr('x', (_, k) => BAR.left + k * 190)
        .attr('y', 52)
        .text((r) => `■ ${r.label}`);
      svg.attr(
        'aria-label',
        data.length === 0
          ? 'Accuracy on marked images per digit: not measured yet'
          : `Accuracy on marked images per digit, ${runs.map((r) => r.label).join(' and ')}`,
      );
      recorded.text(s.recorded ?? '').attr('hidden', s.recorded ? null : '');
    },
  };
}
