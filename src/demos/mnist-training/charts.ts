/**
 * A training curve: raw values per batch (thin), smoothed (thick), epoch
 * boundaries, optional points (test accuracy per epoch) and a reference line
 * (the Keras 0.98), named in a legend above the plot so that no label ever
 * covers the data. Drawn with d3 modules into a fixed viewBox that scales
 * with its box, text from the figure type scale. Draws what it is given.
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
   * The curve climbs to the top of the plot (accuracy): epoch labels go at
   * its foot and point labels under their points, clear of the curve's end
   * and of each other.
   */
  climbs?: boolean;
}

const W = 520;
const H = 232;
const M = { top: 52, right: 16, bottom: 38, left: 62 };

export function createChart(parent: HTMLElement, options: ChartOptions): (data: CurveData) => void {
  const svg = select(parent)
    .append('svg')
    .attr('class', 'live-chart')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img')
    .attr('aria-label', options.title + (options.reference ? `, with ${options.reference.label}` : ''));
  svg.append('text').attr('class', 'chart-title').attr('x', 4).attr('y', 22).text(options.title);
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
  const plot = svg.append('g');
  const epochs = plot.append('g').attr('class', 'epochs');
  const reference = plot.append('g').attr('class', 'reference');
  const others = plot.append('g').attr('class', 'others');
  const raw = plot.append('path').attr('class', 'curve-raw');
  const smooth = plot.append('path').attr('class', 'curve-smooth');
  const points = plot.append('g').attr('class', 'points');
  const path = line<number>();

  return (data) => {
    const top = options.growTop ? Math.max(options.y[1], ...data.raw.slice(0, 20)) : options.y[1];
    x.domain([0, Math.max(1, data.xMax)]);
    y.domain([options.y[0], top]).nice(4);
    xAxis.call(axisBottom(x).ticks(4).tickSizeOuter(0));
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
      .selectAll('g')
      .data(data.epochs)
      .join((enter) => {
        const g = enter.append('g');
        g.append('line');
        g.append('text');
        return g;
      })
      .call((g) =>
        g
          .select('line')
          .attr('x1', (d) => x(d))
          .attr('x2', (d) => x(d))
          .attr('y1', M.top)
          .attr('y2', H - M.bottom),
      )
      .call((g) =>
        g
          .select('text')
          .attr('x', (d) => x(d) - 4)
          .attr('y', options.climbs ? H - M.bottom - 8 : M.top + 20)
          .attr('text-anchor', 'end')
          // Room for "epoch 1" under five epochs' lines; the numbers alone beyond.
          .text((_, i) => (data.epochs.length <= 3 ? `epoch ${i + 1}` : `${i + 1}`)),
      );
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
      .selectAll('g')
      .data(data.points ?? [])
      .join((enter) => {
        const g = enter.append('g');
        g.append('path').attr('d', 'M-8 0L0 -8L8 0L0 8Z');
        g.append('text')
          .attr('text-anchor', 'end')
          .attr('x', -10)
          .attr('y', options.climbs ? 28 : -10);
        return g;
      })
      .attr('transform', (d) => `translate(${x(d.x)},${y(clamp(d.y))})`)
      .select('text')
      // Only the last epoch's figure is written: five labels would crowd the top of the chart.
      .text((d, i, all) => (i === all.length - 1 || all.length <= 2 ? d.label : ''));
  };
}
