/** "Anatomy of training", drawn: the diagram with the lit step and its caption. Draws a state. */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import representationsCss from '../shared/representations.css?url';
import { EDGES, NODES, STEPS, type AnatomyAction, type AnatomyState } from './model.ts';

void demoStyles(representationsCss);

export function createView({ root, stage }: ViewContext<unknown, AnatomyAction>): DemoView<AnatomyState> {
  const box = select(stage).append('div').attr('class', 'rep rep-anatomy');
  const svg = box.append('svg').attr('viewBox', '0 0 900 450').attr('role', 'img');
  // One arrowhead per colour of line (representations.css, .an-arrowhead): WebKit paints an arrowhead filled with the context stroke black.
  // Sized in the figure's units, not the line's width, so that a lit (thicker) edge keeps a head of about the same size.
  const arrowhead = (id: string, tone: string, size: number) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="${size}" markerHeight="${size}" orient="auto"><path class="an-arrowhead ${tone}" d="M0 0L10 5L0 10z"/></marker>`;
  svg.append('defs').html(arrowhead('an-a', 'soft', 17) + arrowhead('an-a-warm', 'warm', 17) + arrowhead('an-a-lit', 'warm', 22));
  /** The warm arrowhead for the warm edges (the weight update's), and a slightly larger one for those of the lit step. */
  const marker = (back: boolean | undefined, lit: boolean) => (lit ? 'url(#an-a-lit)' : back ? 'url(#an-a-warm)' : 'url(#an-a)');
  const edges = svg
    .append('g')
    .selectAll('path')
    .data(EDGES)
    .join('path')
    .attr('class', (e) => `an-edge${e.back ? ' back' : ''}`)
    .attr('d', (e) => e.d)
    .attr('marker-end', (e) => marker(e.back, false));
  const nodes = svg
    .append('g')
    .selectAll('g')
    .data(NODES)
    .join('g')
    .attr('class', (n) => `an-node ${n.kind}`)
    .attr('data-node', (n) => n.id)
    .attr('transform', (n) => `translate(${n.x},${n.y})`);
  nodes
    .append('rect')
    .attr('width', (n) => n.w)
    .attr('height', (n) => n.h)
    .attr('rx', 10);
  nodes
    .append('text')
    .attr('x', (n) => n.w / 2)
    .attr('y', (n) => (n.sub ? n.h / 2 - 4 : n.h / 2 + 8))
    .text((n) => n.label);
  nodes
    .filter((n) => Boolean(n.sub))
    .append('text')
    .attr('class', 'an-sub')
    .attr('x', (n) => n.w / 2)
    .attr('y', (n) => n.h / 2 + 20)
    .text((n) => n.sub!);
  svg.append('text').attr('class', 'an-update').attr('x', 22).attr('y', 300).attr('transform', 'rotate(-90 22 300)').text('weight update');
  const caption = box.append('p').attr('class', 'an-caption').attr('aria-live', 'polite');

  return {
    render({ step }) {
      const lit = STEPS[step]!;
      nodes.classed('lit', (n) => lit.nodes.includes(n.id));
      edges.classed('lit', (_, i) => lit.edges.includes(i)).attr('marker-end', (e, i) => marker(e.back, lit.edges.includes(i)));
      caption.text(lit.text);
      root.dataset.step = String(step);
      svg.attr(
        'aria-label',
        `Diagram of training: input, two layers with weights, predictions, true targets, loss function, optimizer and weight update. ${lit.text}`,
      );
    },
  };
}
