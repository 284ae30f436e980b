/**
 * The two runs side by side after training: for each, its training
 * accuracy (a filled orange dot) and its test accuracy (an open blue ring)
 * on one accuracy axis, the gap between them bracketed and named. Beside
 * the epoch chart of the small run, it compares what the two runs end with
 * on the same scale, which two epoch charts could not: the runs have 40
 * and 2 epochs. Drawn with d3 modules into the epoch chart's viewBox, so
 * the two charts' axes line up; text from the figure type scale.
 */
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { spread } from '../shared/epoch-chart.ts';

export interface GapColumn {
  /** Under the column: "500 images". */
  title: string;
  train: number | undefined;
  test: number | undefined;
}

const W = 520;
const H = 300;
const M = { top: 44, bottom: 50 };

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function createGapChart(parent: HTMLElement, title: string): (columns: GapColumn[], yMin: number) => void {
  const svg = select(parent)
    .append('svg')
    .attr('class', 'epoch-chart gap-chart')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img')
    .attr('aria-label', title);
  svg.append('text').attr('class', 'fig-title').attr('x', 0).attr('y', 26).text(title);
  // A legend beside the title: the dots are labelled with their values only.
  const legend = svg.append('g').attr('class', 'fig-legend').attr('transform', 'translate(250,18)');
  legend.append('circle').attr('class', 'gap-dot series-train').attr('r', 8).attr('cx', 8);
  legend.append('text').attr('x', 24).attr('y', 8).text('training');
  legend.append('circle').attr('class', 'gap-dot series-test').attr('r', 8).attr('cx', 140);
  legend.append('text').attr('x', 156).attr('y', 8).text('test');
  const columns = svg.append('g');

  return (data, yMin) => {
    // The epoch chart's scale, so that a height means the same accuracy in both charts.
    const y = scaleLinear()
      .domain([yMin, 1])
      .range([H - M.bottom, M.top]);
    const step = W / data.length;
    const column = columns
      .selectAll<SVGGElement, GapColumn>('g.gap-column')
      .data(data)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'gap-column');
        g.append('text').attr('class', 'gap-title fig-label');
        g.append('path').attr('class', 'gap-bracket');
        g.append('circle').attr('class', 'gap-dot fig-data series-train').attr('r', 9);
        g.append('circle').attr('class', 'gap-dot fig-data series-test').attr('r', 9);
        g.append('text').attr('class', 'series-label series-train fig-halo gap-value-train').attr('text-anchor', 'end');
        g.append('text').attr('class', 'series-label series-test fig-halo gap-value-test').attr('text-anchor', 'end');
        g.append('text').attr('class', 'gap-size gap-size-word fig-halo');
        g.append('text').attr('class', 'gap-size gap-size-value fig-halo');
        return g;
      })
      .attr('transform', (_, i) => `translate(${step * i + 110},0)`);
    column
      .select('.gap-title')
      .attr('y', H - 12)
      .attr('text-anchor', 'middle')
      .text((c) => c.title);
    const ready = (c: GapColumn) => c.train !== undefined && c.test !== undefined;
    column
      .select('.series-train.gap-dot')
      .attr('cy', (c) => (c.train === undefined ? null : y(c.train)))
      .attr('visibility', (c) => (ready(c) ? null : 'hidden'));
    column
      .select('.series-test.gap-dot')
      .attr('cy', (c) => (c.test === undefined ? null : y(c.test)))
      .attr('visibility', (c) => (ready(c) ? null : 'hidden'));
    column.select('.gap-bracket').attr('d', (c) => (ready(c) ? `M16,${y(c.train!)}H26V${y(c.test!)}H16` : null));
    // The two values to the left of their dots, moved apart when they are close; the gap to the right of its bracket.
    column.each(function (c) {
      const g = select(this);
      const [trainY, testY] = ready(c) ? spread([y(c.train!), y(c.test!)], 28) : [0, 0];
      const middle = ready(c) ? (y(c.train!) + y(c.test!)) / 2 : 0;
      g.select('.gap-value-train')
        .attr('x', -18)
        .attr('y', trainY! + 8)
        .text(ready(c) ? pct(c.train!) : '');
      g.select('.gap-value-test')
        .attr('x', -18)
        .attr('y', testY! + 8)
        .text(ready(c) ? pct(c.test!) : '');
      g.select('.gap-size-word')
        .attr('x', 34)
        .attr('y', middle - 4)
        .text(ready(c) ? 'gap' : '');
      g.select('.gap-size-value')
        .attr('x', 34)
        .attr('y', middle + 22)
        .text(ready(c) ? `${((c.train! - c.test!) * 100).toFixed(1)} pts` : '');
    });
  };
}
