/**
 * Gradient descent on two parameters: contour lines of the regression loss
 * over (w, b) from d3-contour, the full-batch path (solid) and the mini-batch
 * path (dashed), the gradient at the current mini-batch point, and the loss
 * per step of both. Draws a state.
 */
import { contours } from 'd3-contour';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { line } from 'd3-shape';
import { createHistory } from './history.ts';
import { lossGrid, type Dataset, type Point2d } from './model.ts';

export const EXTENT = { w: [-2.5, 5.5] as [number, number], b: [-4, 3] as [number, number] };
const W = 760;
const H = 400;
const PLOT = { left: 36, top: 10, size: 380 };
const GRID = 80;

export interface View2dState {
  full: Point2d[];
  sgd: Point2d[];
  diverged: boolean;
  batchSize: number;
  n: number;
}

export function createView2d(stage: HTMLElement, data: Dataset) {
  const svg = select(stage).append('svg').attr('class', 'gd-svg').attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'img');
  svg.append('defs').html(
    '<marker id="gd2-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0L10 5L0 10z" fill="#b3471d"/></marker>',
  );
  svg.append('clipPath').attr('id', 'gd2-clip').append('rect').attr('x', PLOT.left).attr('y', PLOT.top).attr('width', PLOT.size).attr('height', PLOT.size);
  const x = scaleLinear().domain(EXTENT.w).range([PLOT.left, PLOT.left + PLOT.size]);
  const y = scaleLinear().domain(EXTENT.b).range([PLOT.top + PLOT.size, PLOT.top]);
  svg.append('rect').attr('class', 'gd-frame').attr('x', PLOT.left).attr('y', PLOT.top).attr('width', PLOT.size).attr('height', PLOT.size);
  const plot = svg.append('g').attr('clip-path', 'url(#gd2-clip)');

  // Contour lines of the full-batch loss, thresholds spaced geometrically.
  const values = lossGrid(data, EXTENT, GRID);
  const min = Math.min(...values);
  const thresholds = Array.from({ length: 12 }, (_, i) => min * 1.05 + (0.05 * 1.55 ** i));
  const toSvg = (gx: number, gy: number): [number, number] => [PLOT.left + (gx / (GRID - 1)) * PLOT.size, PLOT.top + (gy / (GRID - 1)) * PLOT.size];
  plot
    .append('g')
    .attr('class', 'gd-contours')
    .selectAll('path')
    .data(contours().size([GRID, GRID]).thresholds(thresholds)(Array.from(values)))
    .join('path')
    .attr('d', (c) =>
      c.coordinates
        .flatMap((polygon) => polygon.map((ring) => 'M' + ring.map(([gx, gy]) => toSvg(gx! - 0.5, gy! - 0.5).map((v) => v.toFixed(1)).join(' ')).join('L') + 'Z'))
        .join(''),
    );
  svg.append('text').attr('class', 'gd-label').attr('x', PLOT.left + PLOT.size - 4).attr('y', PLOT.top + PLOT.size + 22).attr('text-anchor', 'end').text('w (slope)');
  svg.append('text').attr('class', 'gd-label').attr('x', PLOT.left - 8).attr('y', PLOT.top + 14).attr('text-anchor', 'end').text('b');
  const fullPath = plot.append('path').attr('class', 'gd-path-full');
  const sgdPath = plot.append('path').attr('class', 'gd-path-sgd');
  const gradient = plot.append('line').attr('class', 'gd-step').attr('marker-end', 'url(#gd2-arrow)');
  const fullPoint = svg.append('circle').attr('class', 'gd-point-full').attr('r', 7);
  const sgdPoint = svg.append('rect').attr('class', 'gd-point-sgd').attr('width', 12).attr('height', 12);
  const start = svg.append('circle').attr('class', 'gd-start').attr('r', 6);
  const legend = svg.append('g').attr('transform', `translate(${PLOT.left + PLOT.size + 40},${H - 110})`).attr('class', 'gd-legend');
  legend.append('line').attr('class', 'gd-path-full').attr('x1', 0).attr('x2', 36).attr('y1', 0).attr('y2', 0);
  legend.append('text').attr('x', 44).attr('y', 5).text('full batch (●)');
  legend.append('line').attr('class', 'gd-path-sgd').attr('x1', 0).attr('x2', 36).attr('y1', 26).attr('y2', 26);
  const sgdLegend = legend.append('text').attr('x', 44).attr('y', 31);
  const status = legend.append('text').attr('class', 'gd-status').attr('x', 0).attr('y', 62);
  const history = createHistory(svg.append('g').attr('transform', `translate(${PLOT.left + PLOT.size + 40},10)`), W - PLOT.left - PLOT.size - 50, 200, 'Loss per step (whole data set)');

  const clampX = (w: number) => Math.max(EXTENT.w[0] - 1, Math.min(EXTENT.w[1] + 1, w));
  const clampY = (b: number) => Math.max(EXTENT.b[0] - 1, Math.min(EXTENT.b[1] + 1, b));
  const path = line<Point2d>()
    .x((p) => x(clampX(p.w)))
    .y((p) => y(clampY(p.b)));

  function draw(s: View2dState) {
    fullPath.attr('d', path(s.full) ?? '');
    sgdPath.attr('d', path(s.sgd) ?? '');
    const f = s.full.at(-1)!;
    const g = s.sgd.at(-1)!;
    const first = s.full[0]!;
    start.attr('cx', x(first.w)).attr('cy', y(first.b));
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
    sgdLegend.text(s.batchSize >= s.n ? 'mini-batch = full batch (■)' : `mini-batch of ${s.batchSize} (■)`);
    status.text(s.diverged ? 'Diverged: the learning rate is too large.' : `Step ${g.step}`);
    svg.attr(
      'aria-label',
      `Contour lines of a regression loss over the slope w and intercept b. After ${g.step} steps, full-batch descent is at w ${f.w.toFixed(2)}, b ${f.b.toFixed(2)}, loss ${f.loss.toFixed(3)}; mini-batch descent at w ${g.w.toFixed(2)}, b ${g.b.toFixed(2)}, loss ${g.loss.toFixed(3)}.`,
    );
    history(
      [
        { name: 'full', className: 'gd-history', losses: s.full.map((p) => p.loss) },
        { name: 'sgd', className: 'gd-history-sgd', losses: s.sgd.map((p) => p.loss) },
      ],
      Math.max(s.full.length, s.sgd.length) - 1,
    );
  }

  return { draw, x, y, svg };
}
