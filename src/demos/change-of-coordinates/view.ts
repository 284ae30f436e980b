/**
 * "The change of coordinates", drawn: the points, the axes, and the rule in
 * words. A change of state turns the axes in a tween (at once with reduced
 * motion). Draws a state.
 */
import { demoStyles } from '../../contract/styles.ts';
import { easeCubicInOut } from 'd3-ease';
import { interpolateNumber } from 'd3-interpolate';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import 'd3-transition';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { button, controlRow } from '../shared/controls.ts';
import representationsCss from '../shared/representations.css?url';
import { coordinatesAt, makeCoordinatePoints, POINTS_SEED, type CoordinatesAction, type CoordinatesState } from './model.ts';

void demoStyles(representationsCss);

const SIZE = 420;

export function createView({
  root,
  stage,
  reducedMotion,
  print,
  dispatch,
}: ViewContext<unknown, CoordinatesAction>): DemoView<CoordinatesState> {
  const points = makeCoordinatePoints(POINTS_SEED);
  const box = select(stage).append('div').attr('class', 'rep rep-coords');
  const svg = box
    .append('svg')
    .attr('viewBox', `0 0 ${SIZE + 340} ${SIZE}`)
    .attr('role', 'img');
  const s = scaleLinear()
    .domain([-1.5, 1.5])
    .range([10, SIZE - 10]);
  const sy = scaleLinear()
    .domain([-1.5, 1.5])
    .range([SIZE - 10, 10]);
  const half = svg
    .append('rect')
    .attr('class', 'co-half')
    .attr('x', s(0))
    .attr('y', 10)
    .attr('width', SIZE / 2 - 10)
    .attr('height', SIZE - 20);
  svg
    .append('line')
    .attr('class', 'co-axis')
    .attr('x1', 10)
    .attr('x2', SIZE - 10)
    .attr('y1', sy(0))
    .attr('y2', sy(0));
  svg
    .append('line')
    .attr('class', 'co-axis')
    .attr('x1', s(0))
    .attr('x2', s(0))
    .attr('y1', 10)
    .attr('y2', SIZE - 10);
  svg
    .append('text')
    .attr('class', 'fig-label')
    .attr('x', SIZE - 14)
    .attr('y', sy(0) + 26)
    .attr('text-anchor', 'end')
    .text('x');
  svg
    .append('text')
    .attr('class', 'fig-label')
    .attr('x', s(0) + 10)
    .attr('y', 30)
    .text('y');
  const dots = svg
    .append('g')
    .selectAll('circle')
    .data(points)
    .join('circle')
    .attr('r', 8)
    .attr('class', (p) => (p.filled ? 'co-filled' : 'co-open'));
  const text = svg.append('g').attr('transform', `translate(${SIZE + 30},40)`);
  const title = text.append('text').attr('class', 'co-title');
  const rule = text.append('text').attr('class', 'co-rule').attr('y', 50);
  const legend = text.append('g').attr('class', 'fig-legend').attr('transform', 'translate(0,120)');
  legend.append('circle').attr('class', 'co-filled').attr('r', 8).attr('cx', 8);
  legend.append('text').attr('x', 24).attr('y', 6).text('filled points');
  legend.append('circle').attr('class', 'co-open').attr('r', 8).attr('cx', 8).attr('cy', 32);
  legend.append('text').attr('x', 24).attr('y', 38).text('open points');
  const toggle = button(controlRow(box), '', () => dispatch({ type: 'toggle' }));
  let t = -1;

  const place = (value: number) => {
    t = value;
    dots.attr('cx', (p) => s(coordinatesAt(p, value)[0])).attr('cy', (p) => sy(coordinatesAt(p, value)[1]));
    half.attr('opacity', value > 0.999 ? 0.5 : 0);
  };

  return {
    render({ turned }) {
      title.text(turned ? 'New coordinates' : 'Original coordinates');
      rule.text(turned ? 'Rule: filled points have x > 0.' : 'No rule on x or y alone separates them.');
      toggle.text(turned ? 'Back to the original axes' : 'Change coordinates');
      root.dataset.turned = String(turned);
      svg.attr(
        'aria-label',
        turned
          ? 'The same points after turning the axes by 40 degrees: all filled points now have x greater than 0, all open points x less than 0.'
          : 'Filled and open points mixed so that no rule on x or y alone separates them.',
      );
      const target = turned ? 1 : 0;
      if (t < 0 || reducedMotion || print) {
        svg.interrupt();
        place(target);
        return;
      }
      const from = t;
      svg
        .transition()
        .duration(1400)
        .ease(easeCubicInOut)
        .tween('turn', () => {
          const i = interpolateNumber(from, target);
          return (k: number) => place(i(k));
        });
    },
  };
}
