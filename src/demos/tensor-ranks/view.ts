/**
 * "From a number to a video": tensors of rank 0 to 5, each with a real
 * example and its shape, built up step by step; then MNIST itself,
 * (60000, 28, 28), one image, and the reshape to (60000, 784) animated pixel
 * row by pixel row, as `reshape` reads it.
 */
import { select } from 'd3-selection';
import 'd3-transition';
import type { MountDemo } from '../../deck/demo.ts';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { MnistLoader } from '../../mnist/loader.ts';
import { mnistManifestUrl } from '../../mnist/url.ts';
import './representations.css';

export const STAGES = [
  { rank: 0, name: 'scalar', example: 'a price: 7.5', shape: '()' },
  { rank: 1, name: 'vector', example: 'one house: rooms, baths, m², year, distance', shape: '(5,)' },
  { rank: 2, name: 'matrix', example: 'a table of houses: (samples, features)', shape: '(4, 5)' },
  { rank: 3, name: '3D tensor', example: 'time series: (samples, timesteps, features)', shape: '(3, 4, 5)' },
  { rank: 4, name: '4D tensor', example: 'colour images: (samples, height, width, channels), or channels first', shape: '(3, 28, 28, 3) or (3, 3, 28, 28)' },
  { rank: 5, name: '5D tensor', example: 'videos: (samples, frames, height, width, channels)', shape: '(2, 3, 28, 28, 3)' },
  { rank: 3, name: 'MNIST', example: '60,000 grey images of 28 × 28 pixels', shape: '(60000, 28, 28)' },
  { rank: 2, name: 'one image', example: 'train_images[0]: 784 values from 0 to 255', shape: '(28, 28)' },
  { rank: 2, name: 'reshaped', example: '.reshape((60000, 784)): each image one row of 784 values', shape: '(60000, 784)' },
] as const;

interface Cell {
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  text?: string;
}

const BLUE = '#dbe9f7';
const EDGE = '#0b5cad';
const CH = ['#f4c7c3', '#cfe8d3', '#cadcf2'];

function grid(key: string, x: number, y: number, rows: number, cols: number, size: number, fill = BLUE, values?: (r: number, c: number) => string): Cell[] {
  const out: Cell[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out.push({ key: `${key}-${r}-${c}`, x: x + c * size, y: y + r * size, w: size, h: size, fill, text: values?.(r, c) });
  return out;
}

/** The cells that draw each stage, in a 760 × 360 box. */
export function cellsFor(stage: number, digit: Uint8Array | undefined): Cell[] {
  const v = (r: number, c: number) => String(((r * 7 + c * 3) % 9) + 1);
  switch (stage) {
    case 0:
      return [{ key: 's', x: 340, y: 140, w: 80, h: 80, fill: BLUE, text: '7.5' }];
    case 1:
      return grid('v', 180, 150, 1, 5, 80, BLUE, (_, c) => ['3', '2', '120', '1998', '0.4'][c]!);
    case 2:
      return grid('m', 230, 60, 4, 5, 60, BLUE, v);
    case 3:
      return [2, 1, 0].flatMap((k) => grid(`t${k}`, 200 + k * 50, 40 + k * 50, 4, 5, 44, k === 0 ? BLUE : '#eef4fb', k === 0 ? v : undefined));
    case 4:
      return [0, 1, 2].flatMap((s) => [2, 1, 0].map((c) => ({ key: `i${s}-${c}`, x: 60 + s * 230 + c * 14, y: 80 + c * 14, w: 150, h: 150, fill: CH[c]! })));
    case 5:
      return [0, 1].flatMap((s) => [0, 1, 2].flatMap((f) => [2, 1, 0].map((c) => ({ key: `f${s}-${f}-${c}`, x: 40 + s * 370 + f * 100 + c * 8, y: 110 + c * 8, w: 80, h: 80, fill: CH[c]! }))));
    case 6:
      return Array.from({ length: 6 }, (_, k) => ({ key: `d${k}`, x: 250 + k * 22, y: 40 + k * 22, w: 190, h: 190, fill: k === 5 ? '#ffffff' : '#eef4fb' }));
    case 7:
    case 8: {
      const size = 11;
      return Array.from({ length: IMAGE_BYTES }, (_, i) => {
        const r = Math.floor(i / 28);
        const c = i % 28;
        const value = digit?.[i] ?? 0;
        const shade = 255 - value;
        const fill = `rgb(${shade},${shade},${shade})`;
        return stage === 7
          ? { key: `p${i}`, x: 226 + c * size, y: 20 + r * size, w: size, h: size, fill }
          : { key: `p${i}`, x: 0 + i * (760 / IMAGE_BYTES), y: 170, w: 760 / IMAGE_BYTES + 0.3, h: 40, fill };
      }).concat(stage === 8 ? [{ key: 'strip', x: 0, y: 170, w: 760, h: 40, fill: 'none' }] : []);
    }
    default:
      return [];
  }
}

export const mount: MountDemo = ({ root, stage, steps, print, reducedMotion, signal }) => {
  const box = select(stage).append('div').attr('class', 'rep rep-tensors');
  const header = box.append('p').attr('class', 'te-header');
  const svg = box.append('svg').attr('viewBox', '0 0 760 360').attr('role', 'img');
  const layer = svg.append('g');
  const note = box.append('p').attr('class', 'te-note');
  let digit: Uint8Array | undefined;
  let current = -1;
  let loading: Promise<void> | undefined;

  const loadDigit = () =>
    (loading ??= (async () => {
      const loader = new MnistLoader({ manifestUrl: mnistManifestUrl(), signal });
      const first = await loader.shards('train').next();
      if (!first.done) digit = first.value.images.slice(0, IMAGE_BYTES);
      if (current >= 7) show(current, false);
    })().catch(() => {
      note.text('The MNIST digit could not be loaded; the shapes are the same.');
    }));

  function show(k: number, animate: boolean): void {
    const s = Math.max(0, Math.min(STAGES.length - 1, k));
    const previous = current;
    current = s;
    const info = STAGES[s]!;
    if (s >= 6) void loadDigit();
    header.html('');
    header.append('strong').text(`${info.name}, rank ${info.rank}: `);
    header.append('span').text(`${info.example}. Shape `);
    header.append('code').text(info.shape);
    root.dataset.stage = String(s);
    root.dataset.shape = info.shape;
    svg.attr('aria-label', `A ${info.name}: ${info.example}, shape ${info.shape}.`);
    const cells = cellsFor(s, digit);
    const reshape = s === 8 && previous === 7 && animate && !reducedMotion;
    const join = layer
      .selectAll<SVGGElement, Cell>('g')
      .data(cells, (c) => c.key)
      .join(
        (enter) => {
          const g = enter.append('g').attr('opacity', animate && !reducedMotion ? 0 : 1);
          g.append('rect').attr('stroke', EDGE).attr('stroke-width', 1);
          g.append('text').attr('text-anchor', 'middle');
          return g;
        },
        (update) => update,
        (exit) => exit.remove(),
      );
    join.select('text').text((c) => c.text ?? '').attr('x', (c) => c.x + c.w / 2).attr('y', (c) => c.y + c.h / 2 + 7);
    // Pixel cells have no outline, so the digit reads as an image.
    const rects = join.select('rect').attr('stroke-width', (c) => (c.key.startsWith('p') ? 0 : 1.5)).attr('fill', (c) => c.fill);
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
      rects.interrupt().attr('x', (c) => c.x).attr('y', (c) => c.y).attr('width', (c) => c.w).attr('height', (c) => c.h);
    }
    if (animate && !reducedMotion) join.transition().duration(400).attr('opacity', 1);
    else join.attr('opacity', 1);
    note.text(s === 8 ? 'Row 0 of the image comes first, then row 1, … : the 784 values of one row of the (60000, 784) matrix.' : '');
  }

  show(print ? Math.min(steps, STAGES.length - 1) : 0, false);
  if (print) void loadDigit();
  return { step: (n) => show(print ? steps : n, true) };
};
