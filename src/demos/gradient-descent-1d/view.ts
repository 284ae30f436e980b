/**
 * Gradient descent on one parameter, drawn: the loss curve, the current point
 * with its tangent, the step to the next w (drawn before the point moves),
 * the update rule with its numbers, the loss per step, and the controls.
 * Draws a state; a step forward from the last drawn state is tweened unless
 * motion is reduced.
 */
import { demoStyles } from '../../contract/styles.ts';
import katex from 'katex';
import { scaleLinear } from 'd3-scale';
import { pointer, select } from 'd3-selection';
import { line } from 'd3-shape';
import 'd3-transition';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { button, choice, controlRow } from '../shared/controls.ts';
import { createHistory } from '../shared/history.ts';
import figureCss from '../shared/figure.css?url';
import descentCss from '../shared/descent.css?url';
import { CURVES, DIVERGED, descend1d, PRESETS, type Gd1Action, type Gd1State, type PresetName } from './model.ts';

void demoStyles(figureCss, descentCss);

const W = 760;
const H = 380;
export const PLOT = { left: 40, right: 470, top: 20, bottom: 340 };

export function createView(context: ViewContext<unknown, Gd1Action>): DemoView<Gd1State> {
  const { root, stage, reducedMotion, dispatch } = context;
  const box = select(stage).append('div').attr('class', 'gd gd1');
  const svg = box.append('svg').attr('class', 'gd-svg').attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'img');
  // Coloured by descent.css (.gd-arrowhead): WebKit paints an arrowhead filled with the context stroke black.
  svg
    .append('defs')
    .html(
      '<marker id="gd1-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path class="gd-arrowhead" d="M0 0L10 5L0 10z"/></marker>',
    );
  svg
    .append('clipPath')
    .attr('id', 'gd1-clip')
    .append('rect')
    .attr('x', PLOT.left)
    .attr('y', PLOT.top)
    .attr('width', PLOT.right - PLOT.left)
    .attr('height', PLOT.bottom - PLOT.top);
  const x = scaleLinear().range([PLOT.left, PLOT.right]);
  const y = scaleLinear().range([PLOT.bottom, PLOT.top]);
  svg
    .append('line')
    .attr('class', 'gd-axisline')
    .attr('x1', PLOT.left)
    .attr('x2', PLOT.right)
    .attr('y1', PLOT.bottom)
    .attr('y2', PLOT.bottom);
  svg.append('line').attr('class', 'gd-axisline').attr('x1', PLOT.left).attr('x2', PLOT.left).attr('y1', PLOT.bottom).attr('y2', PLOT.top);
  svg
    .append('text')
    .attr('class', 'fig-label')
    .attr('x', PLOT.right)
    .attr('y', PLOT.bottom + 30)
    .attr('text-anchor', 'end')
    .text('w');
  svg
    .append('text')
    .attr('class', 'fig-label')
    .attr('x', PLOT.left + 8)
    .attr('y', PLOT.top + 18)
    .text('L(w)');
  const plot = svg.append('g').attr('clip-path', 'url(#gd1-clip)');
  const curvePath = plot.append('path').attr('class', 'gd-curve fig-data');
  const trail = plot.append('g').attr('class', 'gd-trail');
  const tangent = plot.append('line').attr('class', 'gd-tangent');
  const stepArrow = plot.append('line').attr('class', 'gd-step').attr('marker-end', 'url(#gd1-arrow)');
  const point = svg.append('circle').attr('class', 'gd-point fig-data').attr('r', 9);
  const offChart = svg.append('text').attr('class', 'gd-offchart').attr('text-anchor', 'middle');
  const history = createHistory(
    svg.append('g').attr('transform', `translate(${PLOT.right + 40},20)`),
    W - PLOT.right - 50,
    220,
    'Loss per step',
  );
  const status = svg
    .append('text')
    .attr('class', 'fig-status')
    .attr('x', PLOT.right + 40)
    .attr('y', 290);

  const formula = box.append('div').attr('class', 'gd-formula').attr('aria-live', 'polite');
  const bar = controlRow(box);
  const setPreset = choice<PresetName>(
    bar,
    'Learning rate',
    (Object.keys(PRESETS) as PresetName[]).map((p) => ({ value: p, text: `${PRESETS[p].label} (η = ${PRESETS[p].eta})` })),
    (preset) => dispatch({ type: 'preset', preset }),
  );
  const setCurve = choice(
    bar,
    'Curve',
    Object.values(CURVES).map((c) => ({ value: c.id, text: c.name })),
    (curve) => dispatch({ type: 'curve', curve }),
  );
  button(bar, 'Step', () => dispatch({ type: 'step' }), 'gd-step-button');
  const play = button(bar, 'Play', () => dispatch({ type: 'toggle-play' }), 'gd-play');
  button(bar, 'Reset', () => dispatch({ type: 'reset' }));

  // Drag (or tap) on the chart to choose where descent starts.
  svg.on('pointerdown', (event: PointerEvent) => {
    const [mx] = pointer(event, svg.node());
    dispatch({ type: 'start-at', w0: x.invert(mx) });
  });

  let drawnCurve = '';
  let lossMax = 1;
  let last: Gd1State | undefined;

  function render(state: Gd1State): void {
    const curve = CURVES[state.curve];
    const { iterates, diverged } = descend1d(curve, state.w0, state.eta, state.step);
    // A single step forward on the same run is animated; anything else is drawn at once.
    const animate =
      !reducedMotion &&
      last !== undefined &&
      last.curve === state.curve &&
      last.eta === state.eta &&
      last.w0 === state.w0 &&
      state.step === last.step + 1;
    last = state;
    if (curve.id !== drawnCurve) {
      drawnCurve = curve.id;
      x.domain(curve.domain);
      const ws = Array.from({ length: 241 }, (_, i) => curve.domain[0] + ((curve.domain[1] - curve.domain[0]) * i) / 240);
      lossMax = Math.max(...ws.map(curve.loss));
      y.domain([Math.min(0, ...ws.map(curve.loss)), lossMax * 1.05]);
      curvePath.attr(
        'd',
        line<number>()
          .x((w) => x(w))
          .y((w) => y(curve.loss(w)))(ws) ?? '',
      );
    }
    const current = iterates.at(-1)!;
    const inside = current.w >= curve.domain[0] && current.w <= curve.domain[1] && current.loss <= lossMax * 1.05;
    const px = x(Math.max(curve.domain[0], Math.min(curve.domain[1], current.w)));
    const py = inside ? y(current.loss) : PLOT.top + 12;

    trail
      .selectAll('circle')
      .data(iterates.slice(0, -1).filter((it) => Math.abs(it.w) < DIVERGED))
      .join('circle')
      .attr('r', 4)
      .attr('cx', (it) => x(it.w))
      .attr('cy', (it) => y(Math.min(it.loss, lossMax * 2)));

    // The tangent at the current point: slope dL/dw.
    const half = (curve.domain[1] - curve.domain[0]) * 0.12;
    tangent
      .attr('x1', x(current.w - half))
      .attr('y1', y(current.loss - current.gradient * half))
      .attr('x2', x(current.w + half))
      .attr('y2', y(current.loss + current.gradient * half))
      .attr('opacity', inside && !diverged ? 1 : 0);

    // The next step, −η·dL/dw along w, drawn on the curve's height.
    const next = current.w - state.eta * current.gradient;
    const nx = x(Math.max(curve.domain[0] - 1, Math.min(curve.domain[1] + 1, next)));
    stepArrow
      .attr('x1', px)
      .attr('y1', py)
      .attr('x2', nx)
      .attr('y2', py)
      .attr('opacity', inside && !diverged ? 1 : 0);

    if (animate) point.transition().delay(450).duration(550).attr('cx', px).attr('cy', py);
    else point.interrupt().attr('cx', px).attr('cy', py);
    offChart
      .attr('x', px)
      .attr('y', PLOT.top + 40)
      .text(inside ? '' : '↑ off the chart');
    status.text(
      diverged
        ? 'Diverged: every step overshoots further.'
        : Math.abs(current.gradient) < 1e-3
          ? 'Converged: the slope is flat.'
          : `Step ${current.step}`,
    );
    svg.attr(
      'aria-label',
      `Loss curve with ${curve.name}. After ${current.step} steps at learning rate ${state.eta}, w is ${fmt(current.w)} and the loss ${fmt(current.loss)}.` +
        (diverged ? ' The run has diverged.' : ''),
    );
    history([{ name: 'loss', className: 'fig-history', losses: iterates.map((it) => it.loss) }], iterates.length - 1);

    katex.render(
      `w_{${current.step + 1}} \\;=\\; w_{${current.step}} - \\eta\\,\\frac{dL}{dw} \\;=\\; ${tex(current.w)} - ${tex(state.eta)} \\times (${tex(current.gradient)}) \\;=\\; ${tex(next)}`,
      formula.node()!,
      { throwOnError: false, output: 'htmlAndMathml' },
    );
    setPreset((Object.keys(PRESETS) as PresetName[]).find((p) => PRESETS[p].eta === state.eta) ?? '');
    setCurve(state.curve);
    play.text(state.playing ? 'Pause' : 'Play').attr('aria-pressed', String(state.playing));
    Object.assign(root.dataset, {
      step: String(current.step),
      w: current.w.toFixed(4),
      loss: current.loss.toFixed(4),
      eta: String(state.eta),
      diverged: String(diverged),
    });
  }

  return { render };
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toExponential(2) : v.toFixed(3);
}

function tex(v: number): string {
  return fmt(v).replace(/e\+?(-?\d+)/, '\\times 10^{$1}');
}
