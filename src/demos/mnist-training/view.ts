/**
 * The live slide's view: controls, progress, backend badge, curves,
 * confusion matrix, the grid of test digits and the drawing pad. `render`
 * draws a LiveState; the view keeps no training state of its own.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { backendLabel, choiceLine, describeChoice, shortChoice } from '../../train/backends/backends.ts';
import { smooth } from '../../train/model/metrics.ts';
import { paintDigit } from '../shared/digits.ts';
import { createChart } from './charts.ts';
import { createConfusion } from './confusion.ts';
import { createDrawPad, type DrawPad } from '../shared/draw-pad.ts';
import { createPanel } from './panel.ts';
import { createTemplates } from './templates.ts';
import { percent } from '../../lib/format.ts';
import { stepsPerEpoch } from '../../train/model/spec.ts';
import { announcement, progressLine } from './narration.ts';
import { lastTestAccuracy, progressFraction, recentAccuracy, recentLoss, type LiveAction, type LiveState } from './state.ts';
import figureCss from '../shared/figure.css?url';
import trainingCss from './training.css?url';

// The figure type scale (tick and label sizes) as well as the slide's own styles.
void demoStyles(figureCss, trainingCss);

/** Digits of the test grid painted per animation frame. */
const GRID_PAINT_SLICE = 4;

export function createView({ root, stage, dispatch }: ViewContext<unknown, LiveAction>): DemoView<LiveState> {
  const live = select(stage).append('div').attr('class', 'live');
  const top = live.append('div').attr('class', 'live-top');
  const controls = top.append('div').attr('class', 'live-controls');
  const toggle = controls
    .append('button')
    .attr('type', 'button')
    .attr('class', 'live-toggle')
    .on('click', () => dispatch({ type: 'toggle' }));
  controls
    .append('button')
    .attr('type', 'button')
    .attr('class', 'live-reset')
    .text('Reset')
    .attr('title', 'New weights, new run (R)')
    .on('click', () => dispatch({ type: 'reset' }));
  const progress = top.append('div').attr('class', 'live-progress');
  const bar = progress
    .append('div')
    .attr('class', 'progress-bar')
    .attr('role', 'progressbar')
    .attr('aria-label', 'Training progress')
    .attr('aria-valuemin', 0)
    .attr('aria-valuemax', 100);
  const fill = bar.append('div').attr('class', 'progress-fill');
  const line = progress.append('p').attr('class', 'progress-text');
  const badgeBox = top.append('div').attr('class', 'live-badges');
  const badge = badgeBox.append('p').attr('class', 'live-backend');
  // The badge says the backend and its threads, in one short line; why it was chosen, and why one thread, are its
  // tooltip and its accessible description: a sentence beside it pushed the badge off a 1,280 px slide.
  // The slide embeds one live figure per page (and the speaker view's frames are pages of their own): the id is unique.
  const why = badgeBox.append('p').attr('class', 'live-choice sr-only').attr('id', 'live-choice');

  const messages = live.append('div').attr('class', 'live-messages');
  const main = live.append('div').attr('class', 'live-main');
  const charts = main.append('div').attr('class', 'live-charts');
  const lossChart = createChart(charts.node()!, { title: 'Loss per batch', y: [0, 2.5], growTop: true, format: (v) => v.toFixed(1) });
  const accuracyChart = createChart(charts.node()!, {
    title: 'Accuracy · ◆ test',
    y: [0, 1],
    format: (v) => `${Math.round(v * 100)}%`,
    reference: { y: 0.98, label: 'Keras 0.98' },
    climbs: true,
  });
  const middle = main.append('div').attr('class', 'live-middle');
  const confusion = createConfusion(middle.node()!);
  const figures = middle.append('div').attr('class', 'live-figures');
  figures.append('p').attr('class', 'figures-placeholder').text('The confusion matrix appears after the first epoch.');
  const side = main.append('div').attr('class', 'live-side');
  // The grid of test digits and the drawing pad share one place; the first layer's templates sit below.
  const place = side.append('div').attr('class', 'live-place');
  const grid = place.append('div').attr('class', 'live-grid');
  grid.append('p').attr('class', 'grid-title').text('Test digits, the network’s guesses');
  const gridCells = grid.append('div').attr('class', 'grid-cells').attr('role', 'list');
  const pad: DrawPad = createDrawPad(
    place.node()!,
    (strokes) => dispatch({ type: 'draw', strokes }),
    () => dispatch({ type: 'clear' }),
  );
  const templates = createTemplates(side.node()!);
  const panel = createPanel(live.node()!, dispatch);
  const announcer = live.append('p').attr('class', 'sr-only').attr('aria-live', 'polite');
  let announced = 0;
  let lastAnnouncement = '';
  let drawnImages: Uint8Array | undefined;

  function render(s: LiveState): void {
    // The contract for tests and the lecturer: data-… on the demo's root.
    const attrs: Record<string, string | undefined> = {
      state: s.state,
      backend: s.backend,
      epoch: String(s.epoch),
      step: String(s.steps.at(-1) ?? 0),
      loss: fmt(recentLoss(s)),
      accuracy: fmt(recentAccuracy(s)),
      testAccuracy: fmt(lastTestAccuracy(s)),
      examplesPerSecond: s.examplesPerSecond ? s.examplesPerSecond.toFixed(1) : undefined,
      tensors: s.tensors === undefined ? undefined : String(s.tensors),
      threads: s.backend ? String(s.threads) : undefined,
      backendChoice: s.choice && s.backend ? choiceLine(s.choice, s.backend, s.config.backends[0]) : undefined,
      runs: String(s.history.length + (s.run ? 1 : 0)),
      seconds: s.seconds === undefined ? undefined : s.seconds.toFixed(1),
    };
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined) delete root.dataset[key];
      else root.dataset[key] = value;
    }

    const running = s.state === 'training' || s.state === 'loading' || s.state === 'queued';
    toggle
      .text(running ? 'Pause' : s.state === 'paused' ? 'Resume' : s.state === 'done' ? 'Train next' : 'Start training')
      .attr('title', 'Start, pause or resume (T)')
      .attr('aria-pressed', running ? 'true' : 'false')
      .property('disabled', s.state === 'error' && s.error?.retry === 'reload');
    const fraction = progressFraction(s);
    fill.style('transform', `scaleX(${fraction.toFixed(3)})`);
    bar.attr('aria-valuenow', Math.round(fraction * 100));
    line.text(progressLine(s));
    const threads = s.backend === 'wasm' ? ` · ${s.threads} thread${s.threads === 1 ? '' : 's'}` : '';
    badge
      .attr('data-backend', s.backend ?? null)
      .text(s.backend ? `${backendLabel(s.backend)}${threads}` : s.state === 'idle' ? 'Backend: chosen at start' : 'Backend: choosing…');
    // The line under the badge, hidden: screen readers hear it as the badge's description, tests read it; the tooltip
    // says the same with every figure measured (also in data-backend-choice).
    const how = s.choice?.how === 'measured' ? shortChoice(s.choice) : s.choice?.how === 'forced' ? 'Chosen by the address' : '';
    // One thread where the browser allows no more is fine, provided the badge says why.
    const oneThread = s.backend === 'wasm' && s.oneThread ? `one thread: ${s.oneThread}` : '';
    const measured = s.choice?.how === 'measured' ? `Measured: ${describeChoice(s.choice)}` : '';
    const choice = [how, oneThread].filter(Boolean).join(' · ');
    why.text(choice).attr('title', measured || null);
    const tip = [
      measured || (how && capitalise(how)),
      oneThread && capitalise(oneThread),
      s.backendNotes.length > 0 ? `Passed over: ${s.backendNotes.join('; ')}` : '',
    ].filter(Boolean);
    badge.attr('title', tip.length > 0 ? tip.join('\n') : null).attr('aria-describedby', choice ? 'live-choice' : null);

    const items = [
      ...s.notices.map((text) => ({ kind: 'notice', text })),
      ...(s.backend &&
      s.choice?.how !== 'measured' &&
      s.backend !== s.config.backends[0] &&
      s.notices.length === 0 &&
      s.backendNotes.length > 0
        ? [{ kind: 'notice', text: `Using ${backendLabel(s.backend)}: ${s.backendNotes.join('; ')}.` }]
        : []),
      ...(s.error ? [{ kind: 'error', text: s.error.message }] : []),
    ];
    messages
      .selectAll('p')
      .data(items)
      .join('p')
      .attr('class', (d) => `live-${d.kind}`)
      .attr('role', (d) => (d.kind === 'error' ? 'alert' : 'status'))
      .text((d) => d.text);
    messages
      .selectAll('button')
      .data(s.error ? [s.error.retry] : [])
      .join('button')
      .attr('type', 'button')
      .text((retry) => (retry === 'start' ? 'Try again' : retry === 'reset' ? 'Reset and try again' : 'Reload the page'))
      .on('click', (_, kind) => dispatch({ type: 'retry', kind }));

    const perEpoch = stepsPerEpoch(s.config);
    const xMax = perEpoch * s.config.epochs;
    const epochsDone = s.epochs.map((e) => e.epoch * perEpoch);
    const number = (i: number) => i + 1;
    lossChart({
      x: s.steps,
      raw: s.losses,
      smooth: smooth(s.losses, 0.95),
      xMax,
      perEpoch,
      epochs: epochsDone,
      others: s.history.map((r, i) => ({ number: number(i), x: r.x, y: r.loss })),
    });
    accuracyChart({
      x: s.steps,
      raw: s.accuracies,
      smooth: smooth(s.accuracies, 0.95),
      xMax,
      perEpoch,
      epochs: epochsDone,
      others: s.history.map((r, i) => ({ number: number(i), x: r.x, y: r.accuracy })),
      points: s.epochs.map((e) => ({ x: e.epoch * perEpoch, y: e.accuracy, label: percent(e.accuracy) })),
    });
    const last = s.epochs.at(-1);
    templates(s.templates, s.config.model.layers.length === 0);
    confusion(last?.confusion, last?.epoch ?? 0);
    panel(s);
    figures.attr('hidden', last ? '' : null);

    // While training: the grid of test digits. Paused or done: the drawing pad.
    const drawing = s.state === 'paused' || s.state === 'done';
    // Both stay in the layout (one hidden), so that pausing moves nothing on the slide.
    grid.attr('data-off', drawing ? '' : null).attr('aria-hidden', drawing ? 'true' : null);
    place
      .select('.live-draw')
      .attr('data-off', drawing ? null : '')
      .attr('aria-hidden', drawing ? null : 'true');
    pad.render(s.strokes, s.probabilities, drawing, drawing ? 'Bars: how sure the network is.' : 'Pause training to draw.');
    if (s.grid) renderGrid(s.grid);

    const now = performance.now();
    const sentence = announcement(s);
    const important = s.state !== 'training';
    if (sentence !== lastAnnouncement && (important || now - announced > 8000)) {
      announcer.text(sentence);
      lastAnnouncement = sentence;
      announced = now;
    }
  }

  function renderGrid(g: NonNullable<LiveState['grid']>): void {
    const cells = gridCells
      .selectAll<HTMLDivElement, number>('div')
      .data(g.indices)
      .join((enter) => {
        const cell = enter.append('div').attr('class', 'grid-cell').attr('role', 'listitem');
        cell.append('canvas');
        cell.append('span').attr('class', 'guess');
        return cell;
      });
    if (drawnImages !== g.images) {
      drawnImages = g.images;
      paintInSlices(cells.select<HTMLCanvasElement>('canvas').nodes(), g.images, 0);
    }
    cells
      .attr('data-label', (_, k) => g.labels[k]!)
      .attr('data-guess', (_, k) => (g.predicted[k] === undefined ? null : g.predicted[k]!))
      .attr('class', (_, k) =>
        g.predicted[k] === undefined ? 'grid-cell' : g.predicted[k] === g.labels[k] ? 'grid-cell right' : 'grid-cell wrong',
      )
      .attr('aria-label', (_, k) =>
        g.predicted[k] === undefined
          ? `A test image of a ${g.labels[k]}`
          : g.predicted[k] === g.labels[k]
            ? `A ${g.labels[k]}, read correctly`
            : `A ${g.labels[k]}, read as ${g.predicted[k]}: wrong`,
      )
      .select('.guess')
      .text((_, k) =>
        g.predicted[k] === undefined ? '?' : g.predicted[k] === g.labels[k] ? `${g.predicted[k]} ✓` : `${g.predicted[k]} ✗`,
      );
  }

  /**
   * Paints the grid's digits a few per frame: the grid first appears in the
   * middle of training, and creating two dozen canvas contexts at once made
   * a task of over 50 ms on a busy two-core machine.
   */
  function paintInSlices(canvases: HTMLCanvasElement[], images: Uint8Array, from: number): void {
    if (drawnImages !== images) return;
    const to = Math.min(canvases.length, from + GRID_PAINT_SLICE);
    for (let k = from; k < to; k++) paintDigit(canvases[k]!, images.subarray(k * 784, (k + 1) * 784));
    if (to < canvases.length) requestAnimationFrame(() => paintInSlices(canvases, images, to));
  }

  return { render };
}

function fmt(value: number | undefined): string | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : value.toFixed(4);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
