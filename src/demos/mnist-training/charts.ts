/**
 * A training curve: raw values per batch (thin), smoothed (thick), epoch
 * boundaries, optional points (test accuracy per epoch) and a reference line
 * (the Keras 0.98), named in a legend above the plot, and the epochs named
 * under the x axis, so that no label ever covers the data. An accuracy
 * chart zooms to where its data are (after the first steep climb), with the
 * reference line always in view. Drawn with d3 modules into a fixed viewBox
 * that scales with its box, text from the figure type scale. Draws what it
 * is given.
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
  /** Steps in one epoch: the x axis is marked at each epoch's end. */
  perEpoch: number;
  /** x positions where an epoch ends. */
  epochs: number[];
  points?: { x: number; y: number; label: string }[];
  /** Earlier runs, drawn faded behind this one, numbered as in the runs' legend. */
  others?: { number: number; x: number[]; y: number[] }[];
}

export interface ChartOptions {
  title: string;
  /** Fixed y range; the top grows to fit when `growTop` is set. */
  y: [number, number];
  growTop?: boolean;
  format: (y: number) => string;
  /** A dashed line at `y`, named in the legend. */
  reference?: { y: number; label: string };
  /**
   * The curve climbs to the top of the plot (accuracy): the y axis starts
   * where the curve is once past its first climb, and the last point's
   * value is written in the legend, clear of the curve.
   */
  climbs?: boolean;
}

/**
 * Where an accuracy axis starts: a round five per cent a little below the
 * smoothed curve once past its first tenth (the steep climb from chance),
 * and below the points, but never above 90%, so that the reference at 98%
 * has room above. Before any data, one half.
 */
export function zoomedFloor(smooth: number[], points: number[]): number {
  const settled = smooth.slice(Math.floor(smooth.length / 10));
  const values = [...settled, ...points];
  if (values.length === 0) return 0.5;
  return Math.min(0.9, Math.max(0, Math.floor((Math.min(...values) - 0.02) * 20) / 20));
}

const W = 520;
const H = 240;
const M = { top: 52, right: 16, bottom: 44, left: 62 };

export function createChart(parent: HTMLElement, options: ChartOptions): (data: CurveData) => void {
  const svg = select(parent)
    .append('svg')
    .attr('class', 'live-chart')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img')
    .attr('aria-label', options.title + (options.reference ? `, with ${options.reference.label}` : ''));
  const title = svg.append('text').attr('class', 'chart-title').attr('x', 4).attr('y', 22);
  title.append('tspan').text(options.title);
  const titleValue = title.append('tspan').attr('class', 'chart-title-value');
  if (options.reference) {
    // The legend: a short dashed line and its name, at the right of the title.
    const legend = svg
      .append('g')
      .attr('class', 'chart-legend-box')
      .attr('transform', `translate(${W - M.right},22)`);
    const name = legend.append('text').attr('class', 'chart-legend').attr('text-anchor', 'end').text(options.reference.label);
    const width = options.reference.label.length * 12;
    legend
      .append('line')
      .attr('class', 'chart-legend-line')
      .attr('x1', -width - 40)
      .attr('x2', -width - 8)
      .attr('y1', -7)
      .attr('y2', -7);
    name.attr('x', 0);
  }
  const x = scaleLinear().range([M.left, W - M.right]);
  const y = scaleLinear().range([H - M.bottom, M.top]);
  const xAxis = svg
    .append('g')
    .attr('class', 'fig-axis')
    .attr('transform', `translate(0,${H - M.bottom})`);
  const yAxis = svg.append('g').attr('class', 'fig-axis').attr('transform', `translate(${M.left},0)`);
  svg
    .append('text')
    .attr('class', 'chart-axis-name')
    .attr('x', M.left - 10)
    .attr('y', H - 10)
    .attr('text-anchor', 'end')
    .text('epoch');
  const plot = svg.append('g');
  const epochs = plot.append('g').attr('class', 'epochs');
  const reference = plot.append('g').attr('class', 'reference');
  const others = plot.append('g').attr('class', 'others');
  const raw = plot.append('path').attr('class', 'curve-raw fig-data');
  const smooth = plot.append('path').attr('class', 'curve-smooth fig-data');
  const points = plot.append('g').attr('class', 'points');
  const path = line<number>();

  return (data) => {
    const top = options.growTop ? Math.max(options.y[1], ...data.raw.slice(0, 20)) : options.y[1];
    const bottom = options.climbs
      ? zoomedFloor(
          data.smooth,
          (data.points ?? []).map((p) => p.y),
        )
      : options.y[0];
    x.domain([0, Math.max(1, data.xMax)]);
    y.domain([bottom, top]);
    if (!options.climbs) y.nice(4);
    // The x axis counts epochs, not steps: each epoch's end is marked and numbered under the axis.
    const epochCount = Math.max(1, Math.round(data.xMax / Math.max(1, data.perEpoch)));
    xAxis.call(
      axisBottom(x)
        .tickValues(Array.from({ length: epochCount + 1 }, (_, k) => k * data.perEpoch))
        .tickFormat((v) => (Number(v) === 0 ? '' : String(Math.round(Number(v) / Math.max(1, data.perEpoch)))))
        .tickSizeOuter(0),
    );
    yAxis.call(
      axisLeft(y)
        .ticks(3)
        .tickFormat((v) => options.format(Number(v))),
    );
    const clamp = (v: number) => Math.min(y.domain()[1]!, Math.max(y.domain()[0]!, v));
    // Earlier runs on their own x scale (steps of a run of their length), ending where they ended.
    const runs = data.others ?? [];
    const g = others
      .selectAll<SVGGElement, (typeof runs)[number]>('g')
      .data(runs, (r) => String(r.number))
      .join((enter) => {
        const run = enter.append('g');
        run.append('path').attr('class', 'curve-other');
        run.append('text').attr('class', 'other-label');
        return run;
      });
    g.attr('data-run', (r) => r.number);
    g.select('path').attr(
      'd',
      (r) =>
        line<number>()
          .x((_, i) => x(Math.min(data.xMax, r.x[i]!)))
          .y((v) => y(clamp(v)))(r.y) ?? '',
    );
    g.select('text')
      .attr('x', (r) => x(Math.min(data.xMax, r.x.at(-1) ?? 0)) + 4)
      .attr('y', (r) => y(clamp(r.y.at(-1) ?? 0)) + 7)
      .text((r) => r.number);
    raw.attr('d', path.x((_, i) => x(data.x[i]!)).y((v) => y(clamp(v)))(data.raw) ?? '');
    smooth.attr('d', path.x((_, i) => x(data.x[i]!)).y((v) => y(clamp(v)))(data.smooth) ?? '');
    epochs
      .selectAll('line')
      .data(data.epochs)
      .join('line')
      .attr('x1', (d) => x(d))
      .attr('x2', (d) => x(d))
      .attr('y1', M.top)
      .attr('y2', H - M.bottom);
    if (options.reference) {
      reference
        .selectAll('line')
        .data([options.reference])
        .join('line')
        .attr('x1', M.left)
        .attr('x2', W - M.right)
        .attr('y1', (r) => y(r.y))
        .attr('y2', (r) => y(r.y));
    }
    points
      .selectAll('path')
      .data(data.points ?? [])
      .join('path')
      .attr('class', 'fig-data')
      .attr('d', 'M-8 0L0 -8L8 0L0 8Z')
      .attr('transform', (d) => `translate(${x(d.x)},${y(clamp(d.y))})`);
    // The last point's value, in the title's line: inside the plot it would sit on the curve it measures.
    titleValue.text(data.points?.length ? ` ${data.points.at(-1)!.label}` : '');
  };
}
