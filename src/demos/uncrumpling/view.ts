/**
 * "Uncrumpling": a tiny network (four hidden layers of 2 tanh units and a
 * logistic output) trains live on two interleaved half-moons. On the left,
 * the data and a grid of the plane as a chosen layer has transformed them;
 * at the last layer a straight line separates the classes. On the right, the
 * decision regions in the input space. Train, pause, reset, and a slider to
 * move through the layers. Plain TypeScript: starts at once, downloads nothing.
 */
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { line } from 'd3-shape';
import type { MountDemo } from '../../deck/demo.ts';
import { accuracy, Adam, initParams, makeMoons, predict, representations, train, type Params } from './network.ts';
import './representations.css';

const HIDDEN = 4;
const SEED = 1;
const STEPS_PER_FRAME = 4;
const MAX_STEPS = 1500;
const SIZE = 360;
const RES = 48;

export const mount: MountDemo = ({ root, stage, print, reducedMotion, bindKey }) => {
  const points = makeMoons(SEED);
  let params: Params = initParams(SEED, HIDDEN);
  let optimizer = new Adam(params, 0.02);
  let step = 0;
  let layer = HIDDEN;
  let running = false;
  let frame = 0;

  const box = select(stage).append('div').attr('class', 'rep rep-uncrumple');
  const panels = box.append('div').attr('class', 'un-panels');
  const left = panels.append('figure').attr('class', 'un-panel');
  const leftTitle = left.append('figcaption');
  const layerSvg = left.append('svg').attr('viewBox', `0 0 ${SIZE} ${SIZE}`).attr('role', 'img');
  const right = panels.append('figure').attr('class', 'un-panel');
  right.append('figcaption').text('Decision regions in the input space');
  const regionBox = right.append('div').attr('class', 'un-region');
  const canvas = regionBox.append('canvas').attr('width', RES).attr('height', RES).node()!;
  const inputSvg = regionBox.append('svg').attr('viewBox', `0 0 ${SIZE} ${SIZE}`).attr('role', 'img');
  const controls = box.append('div').attr('class', 'rep-controls');
  const toggle = controls.append('button').attr('type', 'button').on('click', () => (running ? pause() : play()));
  controls.append('button').attr('type', 'button').text('Reset').on('click', () => reset());
  const sliderLabel = controls.append('label').attr('class', 'un-slider');
  sliderLabel.append('span').text('Layer ');
  const slider = sliderLabel
    .append('input')
    .attr('type', 'range')
    .attr('min', 0)
    .attr('max', HIDDEN)
    .attr('step', 1)
    .attr('aria-label', 'Which layer to show: 0 is the input')
    .on('input', function () {
      layer = Number((this as HTMLInputElement).value);
      draw();
    });
  const readout = controls.append('output').attr('class', 'un-readout');

  const inputScale = scaleLinear().domain([-2, 2]).range([0, SIZE]);
  const inputScaleY = scaleLinear().domain([-2, 2]).range([SIZE, 0]);
  const hiddenScale = scaleLinear().domain([-1.05, 1.05]).range([0, SIZE]);
  const hiddenScaleY = scaleLinear().domain([-1.05, 1.05]).range([SIZE, 0]);
  // A grid of the input plane, to see how each layer bends space.
  const gridLines: [number, number][][] = [];
  for (let k = -2; k <= 2; k += 0.5) {
    gridLines.push(Array.from({ length: 41 }, (_, i) => [-2 + i * 0.1, k] as [number, number]));
    gridLines.push(Array.from({ length: 41 }, (_, i) => [k, -2 + i * 0.1] as [number, number]));
  }
  const grid = layerSvg.append('g').attr('class', 'un-grid');
  const boundary = layerSvg.append('line').attr('class', 'un-boundary');
  const dots = layerSvg.append('g');
  const inputDots = inputSvg.append('g');
  const n = points.label.length;
  const indices = Array.from({ length: n }, (_, i) => i);

  function draw(): void {
    const hidden = layer > 0;
    const sx = hidden ? hiddenScale : inputScale;
    const sy = hidden ? hiddenScaleY : inputScaleY;
    const reps = indices.map((i) => representations(params, points.xy[2 * i]!, points.xy[2 * i + 1]!)[layer]!);
    grid
      .selectAll('path')
      .data(gridLines)
      .join('path')
      .attr('d', (pts) => line<[number, number]>().x((p) => sx(p[0])).y((p) => sy(p[1]))(pts.map((p) => representations(params, p[0], p[1])[layer]!)) ?? '');
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
      .attr('x1', sx(-1.05))
      .attr('y1', sy(last ? (-c - w0! * -1.05) / w1! : 0))
      .attr('x2', sx(1.05))
      .attr('y2', sy(last ? (-c - w0! * 1.05) / w1! : 0));
    leftTitle.text(layer === 0 ? 'Layer 0: the input, crumpled' : layer === HIDDEN ? `Layer ${layer}: the last representation — a line separates the classes` : `Layer ${layer} of ${HIDDEN}: a little less crumpled`);

    const context = canvas.getContext('2d')!;
    const image = context.createImageData(RES, RES);
    for (let row = 0; row < RES; row++) {
      for (let col = 0; col < RES; col++) {
        const p = predict(params, inputScale.invert(((col + 0.5) * SIZE) / RES), inputScaleY.invert(((row + 0.5) * SIZE) / RES));
        // Blue for one class, orange for the other; paler where the network is unsure.
        const k = (row * RES + col) * 4;
        image.data.set(p > 0.5 ? [255 - 70 * (p - 0.5) * 2, 255 - 45 * (p - 0.5) * 2, 255, 255] : [255, 255 - 60 * (0.5 - p) * 2, 255 - 110 * (0.5 - p) * 2, 255], k);
      }
    }
    context.putImageData(image, 0, 0);
    inputDots
      .selectAll('circle')
      .data(indices)
      .join('circle')
      .attr('r', 4.5)
      .attr('class', (i) => (points.label[i] ? 'un-b' : 'un-a'))
      .attr('cx', (i) => inputScale(points.xy[2 * i]!))
      .attr('cy', (i) => inputScaleY(points.xy[2 * i + 1]!));

    const acc = accuracy(params, points);
    readout.text(`step ${step} · training accuracy ${(acc * 100).toFixed(1)}%`);
    toggle.text(running ? 'Pause' : step > 0 ? 'Resume training' : 'Train');
    Object.assign(root.dataset, { step: String(step), accuracy: acc.toFixed(4), layer: String(layer), state: running ? 'training' : 'paused' });
    layerSvg.attr('aria-label', `Two classes of points and a grid, as layer ${layer} of the network represents them. Training accuracy ${(acc * 100).toFixed(0)} percent after ${step} steps.`);
    inputSvg.attr('aria-label', 'The input points over the regions where the network predicts each class.');
    slider.property('value', layer);
  }

  function tick(): void {
    if (!running) return;
    train(params, points, optimizer, reducedMotion ? STEPS_PER_FRAME * 5 : STEPS_PER_FRAME);
    step += reducedMotion ? STEPS_PER_FRAME * 5 : STEPS_PER_FRAME;
    if (step >= MAX_STEPS) running = false;
    draw();
    // With reduced motion, fewer and bigger updates instead of a continuous animation.
    if (running) frame = reducedMotion ? window.setTimeout(tick, 500) : requestAnimationFrame(tick);
  }
  function play(): void {
    if (running) return;
    running = true;
    tick();
  }
  function pause(): void {
    running = false;
    cancelAnimationFrame(frame);
    clearTimeout(frame);
    draw();
  }
  function reset(): void {
    pause();
    params = initParams(SEED + Math.floor(Math.random() * 1000), HIDDEN);
    optimizer = new Adam(params, 0.02);
    step = 0;
    draw();
  }
  bindKey('A', 'Animate: train or pause the uncrumpling network', () => (running ? pause() : play()));

  if (print) {
    // A still frame: the trained network, its last representation.
    train(params, points, optimizer, 600);
    step = 600;
  }
  draw();
  return { hide: pause, dispose: pause };
};
