/**
 * What the first layer learned: each chosen hidden unit's 784 incoming
 * weights drawn as a 28 × 28 image, in a diverging colour map with zero as
 * the paper's colour: blue where ink raises the unit, orange where it lowers
 * it. The legend says so in words and signs, not in colour alone. Redrawn as
 * the worker reports them, so the class sees noise turn into strokes.
 */
import { select } from 'd3-selection';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { paintTemplate } from '../shared/templates.ts';

export function createTemplates(
  parent: HTMLElement,
): (templates: { units: number[]; images: Float32Array; limit: number } | undefined, classes: boolean) => void {
  const box = select(parent).append('div').attr('class', 'live-templates').attr('hidden', '');
  const title = box.append('p').attr('class', 'templates-title');
  const cells = box.append('div').attr('class', 'templates-cells').attr('role', 'list');
  let drawn: Float32Array | undefined;
  return (templates, classes) => {
    box.attr('hidden', templates ? null : '');
    if (!templates) return;
    // Four hidden units, one row, each large enough to show its strokes; a linear model's ten digits in two rows of five.
    const units = classes ? templates.units : templates.units.slice(0, 4);
    title
      .html(
        `${classes ? 'Each digit’s weights' : 'Layer 1 weights'}: <span class="plus">blue +</span>, <span class="minus">orange −</span>`,
      )
      .attr(
        'title',
        classes
          ? 'Weights from each pixel to each digit’s score: ink on blue raises the score, ink on orange lowers it.'
          : `The incoming weights of ${units.length} hidden units: ink on blue raises the unit, ink on orange lowers it.`,
      );
    cells.style('--n', String(classes ? 5 : 4)).classed('classes', classes);
    const cell = cells
      .selectAll<HTMLDivElement, number>('div')
      .data(units)
      .join((enter) => {
        const d = enter.append('div').attr('class', 'template').attr('role', 'listitem');
        d.append('canvas').attr('aria-hidden', 'true');
        d.append('span');
        return d;
      })
      .attr('aria-label', (u) => (classes ? `The weights of digit ${u}` : `The incoming weights of hidden unit ${u}`));
    cell.select('span').text((u) => String(u));
    if (drawn !== templates.images) {
      drawn = templates.images;
      cell.select<HTMLCanvasElement>('canvas').each(function (unit) {
        const k = templates.units.indexOf(unit);
        paintTemplate(this, templates.images.subarray(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES), templates.limit);
      });
    }
    box.attr('data-limit', templates.limit.toFixed(4));
  };
}
