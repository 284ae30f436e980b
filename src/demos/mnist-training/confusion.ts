/**
 * The 10 × 10 confusion matrix of the last evaluation: true digit by row,
 * prediction by column. Each cell shows its share of the row in percent
 * (counts up to 1,135 would not fit a cell at a size the back row reads);
 * the counts are in each cell's tooltip and in the text alternative.
 */
import { select } from 'd3-selection';

const CELL = 34;
const PAD = 40;

/** Each cell's share of its row, in whole percent; rows that are empty give zeros. */
export function rowPercents(matrix: number[][]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((n) => (total === 0 ? 0 : Math.round((100 * n) / total)));
  });
}

export function createConfusion(parent: HTMLElement): (matrix: number[][] | undefined, epoch: number) => void {
  const box = select(parent).append('div').attr('class', 'live-confusion');
  const caption = box.append('p').attr('class', 'confusion-caption');
  const size = PAD + CELL * 10 + 4;
  const svg = box.append('svg').attr('viewBox', `0 0 ${size} ${size}`).attr('role', 'img');
  const digits = Array.from({ length: 10 }, (_, i) => i);
  const axes = svg.append('g').attr('class', 'confusion-axis');
  axes
    .selectAll('text.col')
    .data(digits)
    .join('text')
    .attr('class', 'col')
    .attr('x', (d) => PAD + d * CELL + CELL / 2)
    .attr('y', PAD - 10)
    .text((d) => d);
  axes
    .selectAll('text.row')
    .data(digits)
    .join('text')
    .attr('class', 'row')
    .attr('x', PAD - 14)
    .attr('y', (d) => PAD + d * CELL + CELL / 2 + 7)
    .text((d) => d);
  const cells = svg.append('g');

  return (matrix, epoch) => {
    box.attr('hidden', matrix ? null : '');
    if (!matrix) return;
    caption.text(`Epoch ${epoch}: true digit (row) read as (column), % of row`);
    const mistakes = matrix.flatMap((row, i) => row.map((n, j) => ({ i, j, n }))).filter((c) => c.i !== c.j && c.n > 0);
    const worst = mistakes.sort((a, b) => b.n - a.n)[0];
    svg.attr(
      'aria-label',
      `Confusion matrix after epoch ${epoch}. ${matrix.reduce((s, row, i) => s + row[i]!, 0)} test images on the diagonal (right).` +
        (worst ? ` The most common mistake: ${worst.n} images of a ${worst.i} read as ${worst.j}.` : ''),
    );
    const percents = rowPercents(matrix);
    const data = matrix.flatMap((row, i) => row.map((n, j) => ({ i, j, n, percent: percents[i]![j]! })));
    cells
      .selectAll('g')
      .data(data)
      .join((enter) => {
        const g = enter.append('g');
        g.append('rect')
          .attr('width', CELL - 2)
          .attr('height', CELL - 2);
        g.append('text')
          .attr('x', CELL / 2 - 1)
          .attr('y', CELL / 2 + 6);
        g.append('title');
        return g;
      })
      .attr('transform', (d) => `translate(${PAD + d.j * CELL},${PAD + d.i * CELL})`)
      .attr('class', (d) => `${d.i === d.j ? 'diagonal' : d.n > 0 ? 'mistake' : 'empty'}${d.percent >= 40 ? ' strong' : ''}`)
      .call((g) => g.select('rect').style('--share', (d) => String(Math.sqrt(d.percent / 100))))
      .call((g) => g.select('text').text((d) => (d.percent > 0 ? d.percent : d.n > 0 ? '·' : '')))
      .call((g) => g.select('title').text((d) => `${d.n} images of a ${d.i} read as ${d.j}`));
  };
}
