/**
 * Gradient descent on two parameters, drawn: contour lines of the regression
 * loss over (w, b) from d3-contour, the full-batch path (solid) and the
 * mini-batch path (dashed), the gradient at the current mini-batch point,
 * the loss per step of both, and the controls. Draws a state.
 */
import { demoStyles } from '../../contract/styles.ts';
import { contours } from 'd3-contour';
import { scaleLinear } from 'd3-scale';
import { pointer, select } from 'd3-selection';
import { line } from 'd3-shape';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { button, choice, controlRow, slider } from '../shared/controls.ts';
import { createHistory } from '../shared/history.ts';
import figureCss from '../shared/figure.css?url';
import descentCss from '../shared/descent.css?url';
import {
  BATCHES,
  ETA_RANGE,
  EXTENT,
  lossGrid,
  MOMENTA,
  regressionData,
  runs,
  type Gd2Action,
  type Gd2State,
  type Point2d,
} from './model.ts';

void demoStyles(figureCss, descentCss);

const W = 760;
const H = 400;
const PLOT = { left: 36, top: 10, size: 380 };
const GRID = 80;

export function createView(context: ViewContext<unknown, Gd2Action>): DemoView<Gd2State> {
  const { root, stage, dispatch } = context;
  const data = regressionData();
  const n = data.x.length;
  const box = select(stage).append('div').attr('class', 'gd gd2');
  const svg = box.append('svg').attr('class', 'gd-svg').attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'img');
  // Coloured by descent.css (.gd-arrowhead): WebKit paints an arrowhead filled with the context stroke black.
  svg
    .append('defs')
    .html(
      '<marker id="gd2-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path class="gd-arrowhead" d="M0 0L10 5L0 10z"/></marker>',
    );
  svg
    .append('clipPath')
    .attr('id', 'gd2-clip')
    .append('rect')
    .attr('x', PLOT.left)
    .attr('y', PLOT.top)
    .attr('width', PLOT.size)
    .attr('height', PLOT.size);
  const x = scaleLinear()
    .domain(EXTENT.w)
    .range([PLOT.left, PLOT.left + PLOT.size]);
  const y = scaleLinear()
    .domain(EXTENT.b)
    .range([PLOT.top + PLOT.size, PLOT.top]);
  svg.append('rect').attr('class', 'gd-frame').attr('x', PLOT.left).attr('y', PLOT.top).attr('width', PLOT.size).attr('height', PLOT.size);
  const plot = svg.append('g').attr('clip-path', 'url(#gd2-clip)');

  // Contour lines of the full-batch loss, thresholds spaced geometrically.
  const values = lossGrid(data, EXTENT, GRID);
  const min = Math.min(...values);
  const thresholds = Array.from({ length: 12 }, (_, i) => min * 1.05 + 0.05 * 1.55 ** i);
  const toSvg = (gx: number, gy: number): [number, number] => [
    PLOT.left + (gx / (GRID - 1)) * PLOT.size,
    PLOT.top + (gy / (GRID - 1)) * PLOT.size,
  ];
  plot
    .append('g')
    .attr('class', 'gd-contours')
    .selectAll('path')
    .data(contours().size([GRID, GRID]).thresholds(thresholds)(Array.from(values)))
    .join('path')
    .attr('d', (c) =>
      c.coordinates
        .flatMap((polygon) =>
          polygon.map(
            (ring) =>
              'M' +
              ring
                .map(([gx, gy]) =>
                  toSvg(gx! - 0.5, gy! - 0.5)
                    .map((v) => v.toFixed(1))
                    .join(' '),
                )
                .join('L') +
              'Z',
          ),
        )
        .join(''),
    );
  svg
    .append('text')
    .attr('class', 'fig-label')
    .attr('x', PLOT.left + PLOT.size - 4)
    .attr('y', PLOT.top + PLOT.size - 10)
    .attr('text-anchor', 'end')
    .text('w (slope) →');
  svg
    .append('text')
    .attr('class', 'fig-label')
    .attr('x', PLOT.left - 8)
    .attr('y', PLOT.top + 18)
    .attr('text-anchor', 'end')
    .text('b');
  const fullPath = plot.append('path').attr('class', 'gd-path-full fig-data');
  const sgdPath = plot.append('path').attr('class', 'gd-path-sgd fig-data');
  const gradient = plot.append('line').attr('class', 'gd-step').attr('marker-end', 'url(#gd2-arrow)');
  const fullPoint = svg.append('circle').attr('class', 'gd-point-full fig-data').attr('r', 7);
  const sgdPoint = svg.append('rect').attr('class', 'gd-point-sgd').attr('width', 12).attr('height', 12);
  const start = svg.append('circle').attr('class', 'gd-start').attr('r', 6);
  const legend = svg
    .append('g')
    .attr('transform', `translate(${PLOT.left + PLOT.size + 40},${H - 110})`)
    .attr('class', 'fig-legend');
  legend.append('line').attr('class', 'gd-path-full fig-data').attr('x1', 0).attr('x2', 36).attr('y1', 0).attr('y2', 0);
  legend.append('text').attr('x', 44).attr('y', 6).text('full batch (●)');
  legend.append('line').attr('class', 'gd-path-sgd fig-data').attr('x1', 0).attr('x2', 36).attr('y1', 30).attr('y2', 30);
  const sgdLegend = legend.append('text').attr('x', 44).attr('y', 36);
  const status = legend.append('text').attr('class', 'fig-status').attr('x', 0).attr('y', 70);
  const history = createHistory(
    svg.append('g').attr('transform', `translate(${PLOT.left + PLOT.size + 40},10)`),
    W - PLOT.left - PLOT.size - 50,
    200,
    'Loss per step (whole data set)',
  );

  const bar = controlRow(box);
  const setEta = slider(
    bar,
    'Learning rate η',
    ETA_RANGE,
    (v) => v.toFixed(2),
    (eta) => dispatch({ type: 'eta', eta }),
    'gd-rate',
  );
  const setBatch = choice(
    bar,
    'Batch',
    BATCHES.map((b) => ({ value: String(b), text: b === n ? `all ${n}` : String(b) })),
    (b) => dispatch({ type: 'batch', batchSize: Number(b) }),
  );
  const setMomentum = choice(
    bar,
    'Momentum',
    MOMENTA.map((m) => ({ value: String(m), text: m === 0 ? 'off' : String(m) })),
    (m) => dispatch({ type: 'momentum', momentum: Number(m) }),
  );
  const actions = controlRow(box);
  button(actions, 'Step', () => dispatch({ type: 'step' }));
  const play = button(actions, 'Play', () => dispatch({ type: 'toggle-play' }), 'gd-play');
  button(actions, 'Reset', () => dispatch({ type: 'reset' }));
  button(actions, 'New mini-batches', () => dispatch({ type: 'reseed' }));

  // Tap the plot to start elsewhere.
  svg.on('pointerdown', (event: PointerEvent) => {
    const [mx, my] = pointer(event, svg.node());
    dispatch({ type: 'start-at', w0: x.invert(mx), b0: y.invert(my) });
  });

  const clampX = (w: number) => Math.max(EXTENT.w[0] - 1, Math.min(EXTENT.w[1] + 1, w));
  const clampY = (b: number) => Math.max(EXTENT.b[0] - 1, Math.min(EXTENT.b[1] + 1, b));
  const path = line<Point2d>()
    .x((p) => x(clampX(p.w)))
    .y((p) => y(clampY(p.b)));

  function render(state: Gd2State): void {
    const { full, sgd, diverged } = runs(data, state);
    fullPath.attr('d', path(full) ?? '');
    sgdPath.attr('d', path(sgd) ?? '');
    const f = full.at(-1)!;
    const g = sgd.at(-1)!;
    start.attr('cx', x(state.start[0])).attr('cy', y(state.start[1]));
    fullPoint.attr('cx', x(clampX(f.w))).attr('cy', y(clampY(f.b)));
    sgdPoint.attr('x', x(clampX(g.w)) - 6).attr('y', y(clampY(g.b)) - 6);
    // The direction of steepest descent at the mini-batch point, −∇L on its batch.
    const [gw, gb] = g.gradient;
    const length = Math.hypot(gw, gb) || 1;
    const scale = 0.6 * Math.min(1, length);
    gradient
      .attr('x1', x(clampX(g.w)))
      .attr('y1', y(clampY(g.b)))
      .attr('x2', x(clampX(g.w - (gw / length) * scale)))
      .attr('y2', y(clampY(g.b - (gb / length) * scale)));
    sgdLegend.text(state.batchSize >= n ? 'mini-batch = full batch (■)' : `mini-batch of ${state.batchSize} (■)`);
    status.text(diverged ? 'Diverged: the learning rate is too large.' : `Step ${g.step}`);
    svg.attr(
      'aria-label',
      `Contour lines of a regression loss over the slope w and intercept b. After ${g.step} steps, full-batch descent is at w ${f.w.toFixed(2)}, b ${f.b.toFixed(2)}, loss ${f.loss.toFixed(3)}; mini-batch descent at w ${g.w.toFixed(2)}, b ${g.b.toFixed(2)}, loss ${g.loss.toFixed(3)}.`,
    );
    history(
      [
        { name: 'full', className: 'fig-history', losses: full.map((p) => p.loss) },
        { name: 'sgd', className: 'fig-history-sgd', losses: sgd.map((p) => p.loss) },
      ],
      Math.max(full.length, sgd.length) - 1,
    );
    setEta(state.eta);
    setBatch(String(state.batchSize));
    setMomentum(String(state.momentum));
    play.text(state.playing ? 'Pause' : 'Play').attr('aria-pressed', String(state.playing));
    Object.assign(root.dataset, {
      step: String(g.step),
      w: g.w.toFixed(4),
      b: g.b.toFixed(4),
      loss: g.loss.toFixed(4),
      diverged: String(diverged),
    });
  }

  return { render };
}
