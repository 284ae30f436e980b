/**
 * A pad to draw a digit on, with a mouse, a finger or a pen, and the ten
 * probabilities the network gives it.
 */
import { select } from 'd3-selection';
import { toMnistInput } from '../../train/preprocess.ts';

const SIZE = 280;

export interface DrawPad {
  /** Shows the probabilities for the current drawing. */
  showProbabilities(probabilities: Float32Array | undefined): void;
  setEnabled(enabled: boolean, why: string): void;
  clear(): void;
}

export function createDrawPad(parent: HTMLElement, onDrawing: (input: Float32Array) => void): DrawPad {
  const box = select(parent).append('div').attr('class', 'live-draw');
  box.append('p').attr('class', 'draw-title').text('Draw a digit');
  const row = box.append('div').attr('class', 'draw-row');
  const canvas = row
    .append('canvas')
    .attr('width', SIZE)
    .attr('height', SIZE)
    .attr('class', 'draw-canvas')
    .attr('role', 'img')
    .attr('aria-label', 'Drawing area: draw a digit with the mouse, a finger or a pen')
    .node()!;
  const bars = row.append('div').attr('class', 'draw-bars').attr('aria-live', 'polite');
  const status = box.append('p').attr('class', 'draw-status');
  box
    .append('button')
    .attr('type', 'button')
    .text('Clear')
    .on('click', () => pad.clear());
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let enabled = false;
  let drawing = false;
  let last: { x: number; y: number } | undefined;
  let pending = 0;

  const point = (event: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((event.clientX - r.left) * SIZE) / r.width, y: ((event.clientY - r.top) * SIZE) / r.height };
  };
  const predictSoon = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      const { data } = ctx.getImageData(0, 0, SIZE, SIZE);
      const ink = new Float32Array(SIZE * SIZE);
      for (let i = 0; i < ink.length; i++) ink[i] = data[i * 4 + 3]! / 255;
      onDrawing(toMnistInput(ink, SIZE, SIZE));
    });
  };
  canvas.addEventListener('pointerdown', (event) => {
    if (!enabled) return;
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    ctx.beginPath();
    ctx.arc(last.x, last.y, 9, 0, Math.PI * 2);
    ctx.fill();
    event.preventDefault();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing || !last) return;
    const p = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
    predictSoon();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    predictSoon();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  ctx.lineWidth = 18;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = ctx.fillStyle = '#1b1f24';

  const digits = Array.from({ length: 10 }, (_, i) => i);
  const pad: DrawPad = {
    showProbabilities(probabilities) {
      const best = probabilities ? digits.reduce((a, b) => (probabilities[b]! > probabilities[a]! ? b : a), 0) : -1;
      bars
        .selectAll<HTMLDivElement, number>('div')
        .data(digits)
        .join((enter) => {
          const d = enter.append('div').attr('class', 'bar');
          d.append('span').attr('class', 'bar-digit');
          d.append('span').attr('class', 'bar-track').append('span').attr('class', 'bar-fill');
          d.append('span').attr('class', 'bar-value');
          return d;
        })
        .classed('best', (d) => d === best)
        .call((d) => d.select('.bar-digit').text((i) => i))
        .call((d) => d.select('.bar-fill').style('width', (i) => `${((probabilities?.[i] ?? 0) * 100).toFixed(1)}%`))
        .call((d) => d.select('.bar-value').text((i) => (probabilities ? `${Math.round(probabilities[i]! * 100)}%` : '')));
      box.attr('data-best', best >= 0 ? best : null);
    },
    setEnabled(on, why) {
      enabled = on;
      box.classed('disabled', !on);
      status.text(why);
    },
    clear() {
      ctx.clearRect(0, 0, SIZE, SIZE);
      pad.showProbabilities(undefined);
    },
  };
  pad.showProbabilities(undefined);
  return pad;
}
