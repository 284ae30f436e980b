/**
 * "Uncrumpling", drawn: on the left, the data and a grid of the plane as a
 * chosen layer has transformed them (at the last layer a straight line
 * separates the classes); on the right, the decision regions in the input
 * space; train, pause, reset, and a slider through the layers. Draws a state.
 */
import { demoStyles } from '../../contract/styles.ts';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { line } from 'd3-shape';
import type { DemoView, ViewContext } from '../../contract/demo.ts';
import { button, controlRow, slider } from '../shared/controls.ts';
import representationsCss from '../shared/representations.css?url';
import { accuracy, HIDDEN, makeMoons, POINTS_SEED, predict, representations, type UncrumpleAction, type UncrumpleState } from './model.ts';

void demoStyles(representationsCss);

const SIZE = 360;
/** Pixels per side of the decision-region image. */
const RES = 48;

export function createView({ root, stage, dispatch }: ViewContext<unknown, UncrumpleAction>): DemoView<UncrumpleState> {
  const points = makeMoons(POINTS_SEED);
  const box = select(stage).append('div').attr('class', 'rep rep-uncrumple');
  const panels = box.append('div').attr('class', 'un-panels');
  // Beside the two panels: the controls, the training accuracy and what to look for.
  const side = box.append('div').attr('class', 'un-side');
  const left = panels.append('figure').attr('class', 'un-panel');
  const leftTitle = left.append('figcaption');
  const layerSvg = left.append('svg').attr('viewBox', `0 0 ${SIZE} ${SIZE}`).attr('role', 'img');
  const right = panels.append('figure').attr('class', 'un-panel');
  right.append('figcaption').text('Decision regions in the input space');
  const regionBox = right.append('div').attr('class', 'un-region');
  const canvas = regionBox.append('canvas').attr('width', RES).attr('height', RES).node()!;
  const inputSvg = regionBox
    .append('svg')
    .attr('viewBox', `0 0 ${SIZE} ${SIZE}`)
    .attr('role', 'img')
    .attr('aria-label', 'The input points over the regions where the network predicts each class.');
  const controls = controlRow(side);
  const toggle = button(controls, 'Train', () => dispatch({ type: 'toggle' }));
  button(controls, 'Reset', () => dispatch({ type: 'reset' }));
  const setLayer = slider(
    controls,
    'Layer',
    { min: 0, max: HIDDEN, step: 1 },
    (v) => String(v),
    (layer) => dispatch({ type: 'layer', layer }),
    'un-slider',
  );
  controls.select('.un-slider input').attr('aria-label', 'Which layer to show: 0 is the input');
  const readout = side.append('output').attr('class', 'un-readout');
  const hint = side.append('p').attr('class', 'un-hint');

  // The moons reach ±2.4 across and ±1.2 up and down; a tanh layer stays within ±1. Both with a margin, so no point is cut at an edge.
  const inputScale = scaleLinear().domain([-2.7, 2.7]).range([0, SIZE]);
  const inputScaleY = scaleLinear().domain([-2.7, 2.7]).range([SIZE, 0]);
  const hiddenScale = scaleLinear().domain([-1.15, 1.15]).range([0, SIZE]);
  const hiddenScaleY = scaleLinear().domain([-1.15, 1.15]).range([SIZE, 0]);
  // A grid of the input plane, to see how each layer bends space.
  const gridLines: [number, number][][] = [];
  for (let k = -2.5; k <= 2.5; k += 0.5) {
    gridLines.push(Array.from({ length: 51 }, (_, i) => [-2.5 + i * 0.1, k] as [number, number]));
    gridLines.push(Array.from({ length: 51 }, (_, i) => [k, -2.5 + i * 0.1] as [number, number]));
  }
  const grid = layerSvg.append('g').attr('class', 'un-grid');
  const boundary = layerSvg.append('line').attr('class', 'un-boundary');
  const dots = layerSvg.append('g');
  const n = points.label.length;
  const indices = Array.from({ length: n }, (_, i) => i);
  inputSvg
    .append('g')
    .selectAll('circle')
    .data(indices)
    .join('circle')
    .attr('r', 4.5)
    .attr('class', (i) => (points.label[i] ? 'un-b' : 'un-a'))
    .attr('cx', (i) => inputScale(points.xy[2 * i]!))
    .attr('cy', (i) => inputScaleY(points.xy[2 * i + 1]!));

  function render(state: UncrumpleState): void {
    const { params, layer } = state;
    const hidden = layer > 0;
    const sx = hidden ? hiddenScale : inputScale;
    const sy = hidden ? hiddenScaleY : inputScaleY;
    const reps = indices.map((i) => representations(params, points.xy[2 * i]!, points.xy[2 * i + 1]!)[layer]!);
    grid
      .selectAll('path')
      .data(gridLines)
      .join('path')
      .attr(
        'd',
        (pts) =>
          line<[number, number]>()
            .x((p) => sx(p[0]))
            .y((p) => sy(p[1]))(pts.map((p) => representations(params, p[0], p[1])[layer]!)) ?? '',
      );
    dots
      .selectAll('circle')
      .data(indices)
      .join('circle')
      .attr('r', 4.5)
      .attr('class', (i) => (points.label[i] ? 'un-b' : 'un-a'))
      .attr('cx', (i) => sx(reps[i]![0]))
      .attr('cy', (i) => sy(reps[i]![1]));
    // At the last layer the output unit is a straight line: w·h + c = 0.
    const [w0, w1] = params.out.w;
    const c = params.out.c;
    const last = layer === HIDDEN && Math.abs(w1!) > 1e-6;
    boundary
      .attr('opacity', last ? 1 : 0)
      .attr('x1', sx(-1.15))
      .attr('y1', sy(last ? (-c - w0! * -1.15) / w1! : 0))
      .attr('x2', sx(1.15))
      .attr('y2', sy(last ? (-c - w0! * 1.15) / w1! : 0));
    // The caption says what the figure shows now: a line separates the classes only once training has made it so.
    const acc = accuracy(params, points);
    const separated = acc >= 0.99;
    leftTitle.text(
      layer === 0
        ? 'Layer 0: the input, crumpled'
        : layer === HIDDEN
          ? separated
            ? `Layer ${layer}, the last: a straight line separates the classes`
            : `Layer ${layer}, the last: not yet separated`
          : state.step === 0
            ? `Layer ${layer} of ${HIDDEN}: random weights, still crumpled`
            : `Layer ${layer} of ${HIDDEN}: a little less crumpled`,
    );
    hint.text(
      state.step === 0
        ? 'Untrained, the layers bend the plane at random. Press Train.'
        : separated
          ? 'Move the slider from 0 to 4: each layer unfolds the two moons a little more, until a line parts them.'
          : 'Training: each step moves the weights, and with them every layer’s picture.',
    );

    const context = canvas.getContext('2d');
    if (context) {
      const image = context.createImageData(RES, RES);
      for (let row = 0; row < RES; row++) {
        for (let col = 0; col < RES; col++) {
          const p = predict(params, inputScale.invert(((col + 0.5) * SIZE) / RES), inputScaleY.invert(((row + 0.5) * SIZE) / RES));
          // Blue for one class, orange for the other, more transparent where the network is unsure:
          // the page shows through, so the regions read on either theme's paper.
          const k = (row * RES + col) * 4;
          const sure = Math.abs(p - 0.5) * 2;
          image.data.set(p > 0.5 ? [59, 130, 196, Math.round(110 * sure)] : [217, 121, 58, Math.round(110 * sure)], k);
        }
      }
      context.putImageData(image, 0, 0);
    }

    readout.text(`step ${state.step} · training accuracy ${(acc * 100).toFixed(1)}%`);
    toggle.text(state.running ? 'Pause' : state.step > 0 ? 'Resume training' : 'Train');
    setLayer(layer);
    Object.assign(root.dataset, {
      step: String(state.step),
      accuracy: acc.toFixed(4),
      layer: String(layer),
      state: state.running ? 'training' : 'paused',
    });
    layerSvg.attr(
      'aria-label',
      `Two classes of points and a grid, as layer ${layer} of the network represents them. Training accuracy ${(acc * 100).toFixed(0)} percent after ${state.step} steps.`,
    );
  }

  return { render };
}
