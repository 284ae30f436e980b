/**
 * "The change of coordinates": two classes that no rule on x or y alone
 * separates, and the rotation of the axes after which the rule is simply
 * "black points have x > 0". The clicker (or the button) turns the axes.
 */
import { easeCubicInOut } from 'd3-ease';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { interpolateNumber } from 'd3-interpolate';
import 'd3-transition';
import type { MountDemo } from '../../deck/demo.ts';
import { mulberry32 } from '../../train/random.ts';
import './representations.css';

/** The angle between the original axes and the ones where the rule is x > 0. */
export const THETA = (40 * Math.PI) / 180;

/** Points in the "good" coordinates (u, v): black has u > 0. Seeded. */
export function makeCoordinatePoints(seed: number, n = 60): { u: number; v: number; black: boolean }[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({ u: (0.15 + 0.85 * random()) * (i % 2 === 0 ? 1 : -1), v: 2 * random() - 1, black: i % 2 === 0 }));
}

/** Coordinates of a point when the axes are turned by `angle` of THETA (0 = original axes, 1 = new axes). */
export function coordinatesAt(p: { u: number; v: number }, t: number): [number, number] {
  // Original coordinates are (u, v) rotated by THETA; turning the axes by t·THETA undoes t of it.
  const a = THETA * (1 - t);
  return [p.u * Math.cos(a) - p.v * Math.sin(a), p.u * Math.sin(a) + p.v * Math.cos(a)];
}

export const mount: MountDemo = ({ root, stage, steps, print, reducedMotion }) => {
  const points = makeCoordinatePoints(7);
  const size = 420;
  const box = select(stage).append('div').attr('class', 'rep rep-coords');
  const svg = box.append('svg').attr('viewBox', `0 0 ${size + 340} ${size}`).attr('role', 'img');
  const s = scaleLinear().domain([-1.5, 1.5]).range([10, size - 10]);
  const sy = scaleLinear().domain([-1.5, 1.5]).range([size - 10, 10]);
  const half = svg.append('rect').attr('class', 'co-half').attr('x', s(0)).attr('y', 10).attr('width', size / 2 - 10).attr('height', size - 20);
  svg.append('line').attr('class', 'co-axis').attr('x1', 10).attr('x2', size - 10).attr('y1', sy(0)).attr('y2', sy(0));
  svg.append('line').attr('class', 'co-axis').attr('x1', s(0)).attr('x2', s(0)).attr('y1', 10).attr('y2', size - 10);
  svg.append('text').attr('class', 'co-label').attr('x', size - 14).attr('y', sy(0) + 24).attr('text-anchor', 'end').text('x');
  svg.append('text').attr('class', 'co-label').attr('x', s(0) + 10).attr('y', 28).text('y');
  const dots = svg
    .append('g')
    .selectAll('circle')
    .data(points)
    .join('circle')
    .attr('r', 8)
    .attr('class', (p) => (p.black ? 'co-black' : 'co-white'));
  const text = svg.append('g').attr('transform', `translate(${size + 30},40)`);
  const title = text.append('text').attr('class', 'co-title');
  const rule = text.append('text').attr('class', 'co-rule').attr('y', 50);
  const legend = text.append('g').attr('transform', 'translate(0,120)');
  legend.append('circle').attr('class', 'co-black').attr('r', 8).attr('cx', 8);
  legend.append('text').attr('x', 24).attr('y', 6).text('black points');
  legend.append('circle').attr('class', 'co-white').attr('r', 8).attr('cx', 8).attr('cy', 30);
  legend.append('text').attr('x', 24).attr('y', 36).text('white points');
  const controls = box.append('div').attr('class', 'rep-controls');
  const toggle = controls.append('button').attr('type', 'button');
  let t = 0;

  const place = (value: number) => {
    t = value;
    dots.attr('cx', (p) => s(coordinatesAt(p, value)[0])).attr('cy', (p) => sy(coordinatesAt(p, value)[1]));
    half.attr('opacity', value > 0.999 ? 0.5 : 0);
  };
  const show = (turned: boolean, animate: boolean) => {
    title.text(turned ? 'New coordinates' : 'Original coordinates');
    rule.text(turned ? 'Rule: black points have x > 0.' : 'No rule on x or y alone separates them.');
    toggle.text(turned ? 'Back to the original axes' : 'Change coordinates');
    root.dataset.turned = String(turned);
    svg.attr('aria-label', turned ? 'The same points after turning the axes by 40 degrees: all black points now have x greater than 0, all white points x less than 0.' : 'Black and white points mixed so that no rule on x or y alone separates them.');
    const target = turned ? 1 : 0;
    if (!animate || reducedMotion) {
      svg.interrupt();
      place(target);
      return;
    }
    const from = t;
    svg.transition().duration(1400).ease(easeCubicInOut).tween('turn', () => {
      const i = interpolateNumber(from, target);
      return (k: number) => place(i(k));
    });
  };
  toggle.on('click', () => show(t < 0.5, true));
  show(print && steps > 0, false);
  return { step: (n) => show(print ? steps > 0 : n > 0, !print) };
};
