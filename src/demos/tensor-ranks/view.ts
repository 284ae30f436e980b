/**
 * "From a number to a video", drawn: tensors of rank 0 to 5, each with a
 * real example and its shape; then MNIST itself, (60000, 28, 28), one image,
 * and the reshape to (60000, 784) animated pixel row by pixel row, as
 * `reshape` reads it. Printed, the figure shows the whole progression from
 * rank 0 to rank 5 at once, since paper has no clicker. Draws a state.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select, type Selection } from 'd3-selection';
import 'd3-transition';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import representationsCss from '../shared/representations.css?url';
import { cellsFor, STAGES, type Cell, type TensorsAction, type TensorsState } from './model.ts';

void demoStyles(representationsCss);

/** The ranks a printed page shows side by side. */
const PRINTED = [0, 1, 2, 3, 4, 5];

export function createView({ root, stage, print, reducedMotion }: ViewContext<unknown, TensorsAction>): DemoView<TensorsState> {
  const box = select(stage).append('div').attr('class', 'rep rep-tensors');
  if (print) return printedView(root, box);
  const header = box.append('p').attr('class', 'te-header');
  const svg = box.append('svg').attr('viewBox', '0 0 760 360').attr('role', 'img');
  const layer = svg.append('g');
  const note = box.append('p').attr('class', 'te-note');
  let drawn: TensorsState | undefined;

  return {
    render(state) {
      const previous = drawn;
      drawn = state;
      const info = STAGES[state.stage]!;
      header.html('');
      header.append('strong').text(`${info.name}, rank ${info.rank}: `);
      header.append('span').text(`${info.example}. Shape `);
      header.append('code').text(info.shape);
      root.dataset.stage = String(state.stage);
      root.dataset.shape = info.shape;
      svg.attr('aria-label', `A ${info.name}: ${info.example}, shape ${info.shape}.`);
      const animate = !reducedMotion && previous !== undefined && previous.stage !== state.stage;
      const reshape = animate && state.stage === 8 && previous.stage === 7;
      drawCells(layer, cellsFor(state.stage, state.digit instanceof Uint8Array ? state.digit : undefined), animate, reshape);
      note.text(
        state.digit === 'error' && state.stage >= 6
          ? 'The MNIST digit could not be loaded; the shapes are the same.'
          : state.stage === 8
            ? 'Row 0 of the image comes first, then row 1, … : the 784 values of one row of the (60000, 784) matrix.'
            : '',
      );
    },
  };
}

/** Paper: the six ranks in a grid, each with its name and shape. */
function printedView(root: HTMLElement, box: Selection<HTMLDivElement, unknown, null, undefined>): DemoView<TensorsState> {
  box.classed('te-printed', true);
  const panels = box.append('div').attr('class', 'te-panels').selectAll('figure').data(PRINTED).join('figure').attr('class', 'te-panel');
  panels
    .append('svg')
    .attr('viewBox', '0 0 760 360')
    .attr('role', 'img')
    .attr('aria-label', (k) => `A ${STAGES[k]!.name}, shape ${STAGES[k]!.shape}`)
    .each(function (k) {
      drawCells(select(this as SVGSVGElement).append('g'), cellsFor(k, undefined), false, false);
    });
  panels.append('figcaption').html((k) => `<strong>rank ${STAGES[k]!.rank}</strong> ${STAGES[k]!.name} <code>${STAGES[k]!.shape}</code>`);
  return {
    render() {
      root.dataset.stage = String(PRINTED.at(-1));
      root.dataset.printed = PRINTED.join(',');
    },
  };
}

function drawCells(layer: Selection<SVGGElement, unknown, null, undefined>, cells: Cell[], animate: boolean, reshape: boolean): void {
  const join = layer
    .selectAll<SVGGElement, Cell>('g')
    .data(cells, (c) => c.key)
    .join(
      (enter) => {
        const g = enter.append('g').attr('opacity', animate ? 0 : 1);
        g.append('rect').attr('stroke-width', 1);
        g.append('text').attr('text-anchor', 'middle');
        return g;
      },
      (update) => update,
      (exit) => exit.remove(),
    );
  join
    .select('text')
    .text((c) => c.text ?? '')
    .attr('x', (c) => c.x + c.w / 2)
    .attr('y', (c) => c.y + c.h / 2 + 8);
  // Pixel cells have no outline, so the digit reads as an image.
  const rects = join
    .select('rect')
    .attr('stroke-width', (c) => (c.key.startsWith('p') ? 0 : 1.5))
    .style('fill', (c) => c.fill);
  if (reshape) {
    // Row by row, as reshape reads the image: row r slides into place after row r − 1.
    rects
      .transition()
      .delay((c) => Math.floor(Number(c.key.slice(1)) / 28) * 90)
      .duration(600)
      .attr('x', (c) => c.x)
      .attr('y', (c) => c.y)
      .attr('width', (c) => c.w)
      .attr('height', (c) => c.h);
  } else {
    rects
      .interrupt()
      .attr('x', (c) => c.x)
      .attr('y', (c) => c.y)
      .attr('width', (c) => c.w)
      .attr('height', (c) => c.h);
  }
  if (animate) join.transition().duration(400).attr('opacity', 1);
  else join.attr('opacity', 1);
}
