/**
 * A training curve: raw values per batch (thin), smoothed (thick), epoch
 * boundaries, optional points (test accuracy per epoch) and a reference line
 * (the Keras 0.98). Drawn with d3 modules into a fixed viewBox that scales
 * with its box. Draws what it is given.
 */
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { line } from 'd3-shape';

export interface CurveData {
  x: number[];
  raw: number[];
  smooth: number[];
  xMax: number;
  /** x positions where an epoch ends. */
  epochs: number[];
  points?: { x: number; y: number; label: string }[];
}

export interface ChartOptions {
  title: string;
  /** Fixed y range; the top grows to fit when `growTop` is set. */
  y: [number, number];
  growTop?: boolean;
  format: (y: number) => string;
  reference?: { y: number; label: string };
  /**
   * The curve climbs to the top of the plot (accuracy): epoch labels go at
   * its foot and point labels under their points, clear of the curve's end,
   * the reference line and each other.
   */
  climbs?: boolean;
}

const W = 520;
const H = 230;
const M = { top: 30, right: 14, bottom: 30, left: 48 };

export function createChart(parent: HTMLElement, options: ChartOptions): (data: CurveData) => void {
  const svg = select(parent)
    .append('svg')
    .attr('class', 'live-chart')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img')
    .attr('aria-label', options.title);
  svg.append('text').attr('class', 'chart-title').attr('x', M.left).attr('y', 18).text(options.title);
  const x = scaleLinear().range([M.left, W - M.right]);
  const y = scaleLinear().range([H - M.bottom, M.top]);
  const xAxis = svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - M.bottom})`);
  const yAxis = svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`);
  const plot = svg.append('g');
  const epochs = plot.append('g').attr('class', 'epochs');
  const raw = plot.append('path').attr('class', 'curve-raw');
  const smooth = plot.append('path').attr('class', 'curve-smooth');
  // Above the curves, so that its label's halo keeps it readable where the curve crosses it.
  const reference = plot.append('g').attr('class', 'reference');
  const points = plot.append('g').attr('class', 'points');
  const path = line<number>();

  return (data) => {
    const top = options.growTop ? Math.max(options.y[1], ...data.raw.slice(0, 20)) : options.y[1];
    x.domain([0, Math.max(1, data.xMax)]);
    y.domain([options.y[0], top]).nice(4);
    xAxis.call(axisBottom(x).ticks(5).tickSizeOuter(0));
    yAxis.call(axisLeft(y).ticks(4).tickFormat((v) => options.format(Number(v))));
    const clamp = (v: number) => Math.min(y.domain()[1]!, Math.max(y.domain()[0]!, v));
    raw.attr('d', path.x((_, i) => x(data.x[i]!)).y((v) => y(clamp(v)))(data.raw) ?? '');
    smooth.attr('d', path.x((_, i) => x(data.x[i]!)).y((v) => y(clamp(v)))(data.smooth) ?? '');
    epochs
      .selectAll('g')
      .data(data.epochs)
      .join((enter) => {
        const g = enter.append('g');
        g.append('line');
        g.append('text');
        return g;
      })
      .call((g) => g.select('line').attr('x1', (d) => x(d)).attr('x2', (d) => x(d)).attr('y1', M.top).attr('y2', H - M.bottom))
      .call((g) =>
        g
          .select('text')
          .attr('x', (d) => x(d) - 4)
          .attr('y', options.climbs ? H - M.bottom - 6 : M.top + 12)
          .attr('text-anchor', 'end')
          .text((_, i) => `epoch ${i + 1}`),
      );
    if (options.reference) {
      const ref = options.reference;
      reference
        .selectAll('line')
        .data([ref])
        .join('line')
        .attr('x1', M.left)
        .attr('x2', W - M.right)
        .attr('y1', y(ref.y))
        .attr('y2', y(ref.y));
      reference
        .selectAll('text')
        .data([ref])
        .join('text')
        // At the left, where the curve starts low; the points sit at the right of each epoch.
        .attr('x', M.left + 6)
        .attr('y', y(ref.y) + 16)
        .attr('text-anchor', 'start')
        .text(ref.label);
    }
    points
      .selectAll('g')
      .data(data.points ?? [])
      .join((enter) => {
        const g = enter.append('g');
        g.append('path').attr('d', 'M-7 0L0 -7L7 0L0 7Z');
        g.append('text')
          .attr('text-anchor', 'end')
          .attr('x', -9)
          .attr('y', options.climbs ? 20 : -8);
        return g;
      })
      .attr('transform', (d) => `translate(${x(d.x)},${y(clamp(d.y))})`)
      .select('text')
      .text((d) => d.label);
  };
}
