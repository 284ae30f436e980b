/** A small chart of loss per step, for one or more runs. Draws what it is given. */
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear, scaleLog } from 'd3-scale';
import type { Selection } from 'd3-selection';
import { line } from 'd3-shape';

export interface HistorySeries {
  name: string;
  className: string;
  losses: number[];
}

export function createHistory(parent: Selection<SVGGElement, unknown, null, undefined>, width: number, height: number, title: string) {
  const m = { top: 26, right: 8, bottom: 28, left: 44 };
  parent.append('text').attr('class', 'fig-title').attr('x', 0).attr('y', 14).text(title);
  const x = scaleLinear().range([m.left, width - m.right]);
  const y = scaleLog()
    .range([height - m.bottom, m.top])
    .clamp(true);
  const xAxis = parent
    .append('g')
    .attr('class', 'fig-axis')
    .attr('transform', `translate(0,${height - m.bottom})`);
  const yAxis = parent.append('g').attr('class', 'fig-axis').attr('transform', `translate(${m.left},0)`);
  const paths = parent.append('g');
  return (series: HistorySeries[], maxStep: number) => {
    const all = series.flatMap((s) => s.losses).filter((v) => v > 0 && Number.isFinite(v));
    const lo = Math.max(1e-3, Math.min(...all, 1));
    const hi = Math.max(...all, lo * 10);
    x.domain([0, Math.max(5, maxStep)]);
    y.domain([lo, Math.min(hi, 1e6)]);
    xAxis.call(
      axisBottom(x)
        .ticks(5)
        .tickFormat((v) => String(v)),
    );
    yAxis.call(axisLeft(y).ticks(3, '~g'));
    paths
      .selectAll('path')
      .data(series)
      .join('path')
      .attr('class', (s) => `${s.className} fig-data`)
      .attr(
        'd',
        (s) =>
          line<number>()
            .x((_, i) => x(i))
            .y((v) => y(Math.max(lo, Math.min(v, 1e6))))(s.losses) ?? '',
      );
  };
}
