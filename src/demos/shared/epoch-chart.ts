/**
 * Accuracy after each epoch, for one or more series (training and test, or
 * one model each), on one chart, with an optional bracket marking the gap
 * between two values. Drawn with d3 modules into a fixed viewBox that scales
 * with its box; text from the figure type scale (figure.css). Draws what it
 * is given, nothing else.
 */
import { demoStyles } from '../../contract/styles.ts';
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { line } from 'd3-shape';
import figureCss from './figure.css?url';
import epochChartCss from './epoch-chart.css?url';

void demoStyles(figureCss, epochChartCss);

export interface Series {
  /** For the legend and the class of its line: `series-<kind>`. */
  kind: string;
  label: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}

export interface ChartData {
  series: Series[];
  /** Epochs in the run, for the x axis. */
  xMax: number;
  /** The accuracy axis's lower end, when charts side by side share it; by default, where this chart's data are. */
  yMin?: number;
  /** A bracket between two accuracies at epoch x, e.g. the gap between training and test. */
  gap?: { x: number; from: number; to: number; label: string };
}

const W = 520;
const H = 300;
const M = { top: 44, right: 96, bottom: 50, left: 66 };

/**
 * The lowest accuracy shown: a round five per cent a little below the data,
 * so that the chart zooms to where the data are (a curve that runs from 83%
 * to 100% is not drawn flat against the top of a 0–100% axis). Without data,
 * one half.
 */
export function floorOf(values: number[]): number {
  if (values.length === 0) return 0.5;
  const least = Math.min(...values) - 0.02;
  return Math.min(0.9, Math.max(0, Math.floor(least * 20) / 20));
}

export function createEpochChart(parent: HTMLElement, title: string): (data: ChartData) => void {
  const svg = select(parent)
    .append('svg')
    .attr('class', 'epoch-chart')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img')
    .attr('aria-label', title);
  svg.append('text').attr('class', 'fig-title').attr('x', 0).attr('y', 26).text(title);
  const plot = svg.append('g');
  const xAxis = svg
    .append('g')
    .attr('class', 'fig-axis')
    .attr('transform', `translate(0,${H - M.bottom})`);
  const yAxis = svg.append('g').attr('class', 'fig-axis').attr('transform', `translate(${M.left},0)`);
  // The axis's name in the corner left of its first tick, where no tick label can meet it.
  svg
    .append('text')
    .attr('class', 'fig-label')
    .attr('x', M.left - 14)
    .attr('y', H - 6)
    .attr('text-anchor', 'end')
    .text('epoch');
  const lines = plot.append('g');
  const labels = plot.append('g');
  const bracket = plot.append('g').attr('class', 'epoch-gap');

  return ({ series, xMax, gap, yMin }) => {
    const x = scaleLinear()
      .domain([0, Math.max(1, xMax)])
      .range([M.left, W - M.right]);
    const y = scaleLinear()
      .domain([yMin ?? floorOf(series.flatMap((s) => s.points.map((p) => p.y))), 1])
      .range([H - M.bottom, M.top]);
    xAxis.call(
      axisBottom(x)
        .ticks(Math.min(5, xMax))
        .tickFormat((v) => String(v))
        .tickSizeOuter(0),
    );
    yAxis.call(
      axisLeft(y)
        .ticks(3)
        .tickFormat((v) => `${Math.round(Number(v) * 100)}%`)
        .tickSizeOuter(0),
    );
    const path = line<{ x: number; y: number }>()
      .x((p) => x(p.x))
      .y((p) => y(p.y));
    lines
      .selectAll('path')
      .data(series)
      .join('path')
      .attr('class', (s) => `series series-${s.kind}${s.dashed ? ' dashed' : ''} fig-data`)
      .attr('d', (s) => (s.points.length > 0 ? path(s.points) : null));
    // Each series is named at its end, right of the plot, so no legend covers a line.
    const ends = series.filter((s) => s.points.length > 0).map((s) => ({ s, end: s.points.at(-1)! }));
    const placed = spread(
      ends.map((e) => y(e.end.y)),
      26,
    );
    labels
      .selectAll('text')
      .data(ends)
      .join('text')
      .attr('class', (e) => `series-label series-${e.s.kind} fig-halo`)
      .attr('x', W - M.right + 8)
      .attr('y', (_, i) => placed[i]! + 8)
      .text((e) => e.s.label);
    bracket
      .selectAll('path')
      .data(gap ? [gap] : [])
      .join('path')
      .attr('d', (g) => `M${x(g.x) - 10},${y(g.from)}H${x(g.x) - 18}V${y(g.to)}H${x(g.x) - 10}`);
    // The gap's label sits under the lower line, where the plot is empty, never on the lines themselves;
    // above the upper one when the lower line runs along the axis.
    const labelY = (g: NonNullable<ChartData['gap']>) => {
      const below = y(Math.min(g.from, g.to)) + 40;
      return below <= H - M.bottom - 8 ? below : y(Math.max(g.from, g.to)) - 14;
    };
    bracket
      .selectAll('text')
      .data(gap ? [gap] : [])
      .join('text')
      .attr('class', 'fig-halo')
      .attr('x', (g) => x(g.x) - 4)
      .attr('y', labelY)
      .attr('text-anchor', 'end')
      .text((g) => g.label);
  };
}

/** Moves label positions apart to at least `gap` units, keeping their order. */
export function spread(positions: number[], gap: number): number[] {
  const order = positions.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  for (let k = 1; k < order.length; k++) order[k]!.p = Math.max(order[k]!.p, order[k - 1]!.p + gap);
  const out: number[] = [];
  for (const o of order) out[o.i] = o.p;
  return out;
}
