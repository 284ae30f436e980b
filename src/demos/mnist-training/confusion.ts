/** The 10 × 10 confusion matrix of the last evaluation: true digit by row, prediction by column. */
import { select } from 'd3-selection';

const CELL = 30;
const PAD = 30;

export function createConfusion(parent: HTMLElement): (matrix: number[][] | undefined, epoch: number) => void {
  const box = select(parent).append('div').attr('class', 'live-confusion');
  const caption = box.append('p').attr('class', 'confusion-caption');
  const svg = box
    .append('svg')
    .attr('viewBox', `0 0 ${PAD + CELL * 10 + 4} ${PAD + CELL * 10 + 4}`)
    .attr('role', 'img');
  const digits = Array.from({ length: 10 }, (_, i) => i);
  svg
    .append('g')
    .attr('class', 'confusion-axis')
    .selectAll('text')
    .data(digits)
    .join('text')
    .attr('x', (d) => PAD + d * CELL + CELL / 2)
    .attr('y', PAD - 8)
    .text((d) => d);
  svg
    .append('g')
    .attr('class', 'confusion-axis')
    .selectAll('text')
    .data(digits)
    .join('text')
    .attr('x', PAD - 8)
    .attr('y', (d) => PAD + d * CELL + CELL / 2 + 5)
    .attr('text-anchor', 'end')
    .text((d) => d);
  const cells = svg.append('g');

  return (matrix, epoch) => {
    box.attr('hidden', matrix ? null : '');
    if (!matrix) return;
    caption.text(`Confusion matrix after epoch ${epoch}: rows are the true digit, columns the prediction.`);
    const mistakes = matrix.flatMap((row, i) => row.map((n, j) => ({ i, j, n }))).filter((c) => c.i !== c.j && c.n > 0);
    const worst = mistakes.sort((a, b) => b.n - a.n)[0];
    svg.attr(
      'aria-label',
      `Confusion matrix after epoch ${epoch}. ${matrix.reduce((s, row, i) => s + row[i]!, 0)} test images on the diagonal (right).` +
        (worst ? ` The most common mistake: ${worst.n} images of a ${worst.i} read as ${worst.j}.` : ''),
    );
    const data = matrix.flatMap((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      return row.map((n, j) => ({ i, j, n, share: n / total }));
    });
    cells
      .selectAll('g')
      .data(data)
      .join((enter) => {
        const g = enter.append('g');
        g.append('rect').attr('width', CELL - 2).attr('height', CELL - 2);
        g.append('text').attr('x', CELL / 2 - 1).attr('y', CELL / 2 + 4);
        return g;
      })
      .attr('transform', (d) => `translate(${PAD + d.j * CELL},${PAD + d.i * CELL})`)
      .attr('class', (d) => (d.i === d.j ? 'diagonal' : d.n > 0 ? 'mistake' : 'empty'))
      .call((g) => g.select('rect').style('--share', (d) => String(Math.sqrt(d.share))))
      .call((g) => g.select('text').text((d) => (d.n > 0 ? d.n : '')));
  };
}

