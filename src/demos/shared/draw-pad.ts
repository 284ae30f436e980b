/**
 * A pad to draw a digit on, with a mouse, a finger or a pen, and the ten
 * probabilities the network gives it. The drawing is state: its strokes are
 * sent as actions, so a digit drawn in the speaker view appears on the
 * projector too, and the network's answer comes back to both.
 */
import { demoStyles } from '../../contract/styles.ts';
import { select } from 'd3-selection';
import { toMnistInput } from '../../train/page/preprocess.ts';
import drawPadCss from './draw-pad.css?url';

void demoStyles(drawPadCss);

/** Pad pixels per side. */
export const PAD_SIZE = 280;
const LINE_WIDTH = 18;
// palette-exempt: the pad is a white sheet in both themes (--sheet), and what is drawn on it is the network's input.
const INK = '#1b1f24';

export interface DrawPad {
  /** Draws the strokes and the probabilities of a state, and whether drawing is possible now. */
  render(strokes: number[][], probabilities: readonly number[] | undefined, enabled: boolean, why: string): void;
}

/** Paints strokes (x, y pairs in pad pixels) onto a 2D context. */
export function paintStrokes(ctx: CanvasRenderingContext2D, strokes: readonly number[][]): void {
  ctx.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
  ctx.lineWidth = LINE_WIDTH;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = ctx.fillStyle = INK;
  for (const stroke of strokes) {
    if (stroke.length < 2) continue;
    ctx.beginPath();
    ctx.arc(stroke[0]!, stroke[1]!, LINE_WIDTH / 2, 0, Math.PI * 2);
    ctx.fill();
    ctx.beginPath();
    ctx.moveTo(stroke[0]!, stroke[1]!);
    for (let i = 2; i + 1 < stroke.length; i += 2) ctx.lineTo(stroke[i]!, stroke[i + 1]!);
    ctx.stroke();
  }
}

/** The network's input for a drawing: the strokes rasterised, then prepared as MNIST's digits were (preprocess.ts). */
export function inputFromStrokes(strokes: readonly number[][]): Float32Array {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = PAD_SIZE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return new Float32Array(784);
  paintStrokes(ctx, strokes);
  const { data } = ctx.getImageData(0, 0, PAD_SIZE, PAD_SIZE);
  const ink = new Float32Array(PAD_SIZE * PAD_SIZE);
  for (let i = 0; i < ink.length; i++) ink[i] = data[i * 4 + 3]! / 255;
  return toMnistInput(ink, PAD_SIZE, PAD_SIZE);
}

export function createDrawPad(parent: HTMLElement, onDraw: (strokes: number[][]) => void, onClear: () => void): DrawPad {
  const box = select(parent).append('div').attr('class', 'live-draw draw-pad');
  const head = box.append('div').attr('class', 'draw-head');
  head.append('p').attr('class', 'draw-title').text('Draw a digit');
  head.append('button').attr('type', 'button').text('Clear').on('click', onClear);
  const row = box.append('div').attr('class', 'draw-row');
  const canvas = row
    .append('canvas')
    .attr('width', PAD_SIZE)
    .attr('height', PAD_SIZE)
    .attr('class', 'draw-canvas')
    .attr('role', 'img')
    .attr('aria-label', 'Drawing area: draw a digit with the mouse, a finger or a pen')
    .node()!;
  const bars = row.append('div').attr('class', 'draw-bars').attr('aria-live', 'polite');
  const status = box.append('p').attr('class', 'draw-status');
  const ctx = canvas.getContext('2d');
  let enabled = false;
  /** Strokes of the last state drawn, and the one under the pointer now (drawn here at once, sent once a frame). */
  let strokes: number[][] = [];
  let current: number[] | undefined;
  const withCurrent = () => (current ? [...strokes, [...current]] : strokes);
  let pending = 0;

  const paint = () => ctx && paintStrokes(ctx, withCurrent());
  const point = (event: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return [Math.round(((event.clientX - r.left) * PAD_SIZE) / r.width), Math.round(((event.clientY - r.top) * PAD_SIZE) / r.height)];
  };
  // At most one drawing action per frame: the network answers as the digit takes shape.
  const sendSoon = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => onDraw(withCurrent()));
  };
  canvas.addEventListener('pointerdown', (event) => {
    if (!enabled) return;
    canvas.setPointerCapture(event.pointerId);
    current = point(event);
    paint();
    event.preventDefault();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!current) return;
    current.push(...point(event));
    paint();
    sendSoon();
  });
  const end = () => {
    if (!current) return;
    strokes = [...strokes, current];
    current = undefined;
    sendSoon();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  const digits = Array.from({ length: 10 }, (_, i) => i);
  return {
    render(next, probabilities, on, why) {
      enabled = on;
      box.classed('disabled', !on);
      status.text(why);
      // While a stroke is under the pointer, this window's drawing wins; the state catches up on release.
      if (next !== strokes && !current) {
        strokes = next;
        paint();
      }
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
  };
}
