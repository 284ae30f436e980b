/**
 * "Tensor ranks" as data: the stages from a scalar to a 5D tensor, then
 * MNIST's (60000, 28, 28), its first image, and the reshape to
 * (60000, 784); and the cells that draw each stage. Pure.
 */
import { IMAGE_BYTES } from '../../mnist/format.ts';

export const STAGES = [
  { rank: 0, name: 'scalar', example: 'a price: 7.5', shape: '()' },
  { rank: 1, name: 'vector', example: 'one house: rooms, baths, m², year, distance', shape: '(5,)' },
  { rank: 2, name: 'matrix', example: 'a table of houses: (samples, features)', shape: '(4, 5)' },
  { rank: 3, name: '3D tensor', example: 'time series: (samples, timesteps, features)', shape: '(3, 4, 5)' },
  {
    rank: 4,
    name: '4D tensor',
    example: 'colour images: (samples, height, width, channels), or channels first',
    shape: '(3, 28, 28, 3) or (3, 3, 28, 28)',
  },
  { rank: 5, name: '5D tensor', example: 'videos: (samples, frames, height, width, channels)', shape: '(2, 3, 28, 28, 3)' },
  { rank: 3, name: 'MNIST', example: '60,000 grey images of 28 × 28 pixels', shape: '(60000, 28, 28)' },
  { rank: 2, name: 'one image', example: 'train_images[0]: 784 values from 0 to 255', shape: '(28, 28)' },
  { rank: 2, name: 'reshaped', example: '.reshape((60000, 784)): each image one row of 784 values', shape: '(60000, 784)' },
] as const;

export interface Cell {
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  text?: string;
}

// Cells take the theme's colours (CSS variables); image channels keep their hues, as images do, in each theme's shade.
const BLUE = 'var(--accent-soft)';
const BEHIND = 'var(--paper-tint)';
const CH = ['var(--channel-r)', 'var(--channel-g)', 'var(--channel-b)'];

function grid(
  key: string,
  x: number,
  y: number,
  rows: number,
  cols: number,
  size: number,
  fill = BLUE,
  values?: (r: number, c: number) => string,
): Cell[] {
  const out: Cell[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      out.push({ key: `${key}-${r}-${c}`, x: x + c * size, y: y + r * size, w: size, h: size, fill, text: values?.(r, c) });
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
      return [2, 1, 0].flatMap((k) => grid(`t${k}`, 200 + k * 50, 40 + k * 50, 4, 5, 44, k === 0 ? BLUE : BEHIND, k === 0 ? v : undefined));
    case 4:
      return [0, 1, 2].flatMap((s) =>
        [2, 1, 0].map((c) => ({ key: `i${s}-${c}`, x: 60 + s * 230 + c * 14, y: 80 + c * 14, w: 150, h: 150, fill: CH[c]! })),
      );
    case 5:
      return [0, 1].flatMap((s) =>
        [0, 1, 2].flatMap((f) =>
          [2, 1, 0].map((c) => ({ key: `f${s}-${f}-${c}`, x: 40 + s * 370 + f * 100 + c * 8, y: 110 + c * 8, w: 80, h: 80, fill: CH[c]! })),
        ),
      );
    case 6:
      return Array.from({ length: 6 }, (_, k) => ({
        key: `d${k}`,
        x: 250 + k * 22,
        y: 40 + k * 22,
        w: 190,
        h: 190,
        fill: k === 5 ? 'var(--paper)' : BEHIND,
      }));
    case 7:
    case 8: {
      const size = 11;
      return Array.from({ length: IMAGE_BYTES }, (_, i) => {
        const r = Math.floor(i / 28);
        const c = i % 28;
        const value = digit?.[i] ?? 0;
        // The pixel's ink in the theme's ink on the theme's paper: a dark digit on white, or a light one on black.
        const fill = `color-mix(in srgb, var(--ink) ${((value / 255) * 100).toFixed(1)}%, var(--paper))`;
        return stage === 7
          ? { key: `p${i}`, x: 226 + c * size, y: 20 + r * size, w: size, h: size, fill }
          : { key: `p${i}`, x: 0 + i * (760 / IMAGE_BYTES), y: 170, w: 760 / IMAGE_BYTES + 0.3, h: 40, fill };
      }).concat(stage === 8 ? [{ key: 'strip', x: 0, y: 170, w: 760, h: 40, fill: 'none' }] : []);
    }
    default:
      return [];
  }
}

/** The figure's state: the stage shown, and the first MNIST training image once it is loaded. */
export interface TensorsState {
  stage: number;
  /** The 784 pixels of train_images[0], or null until loaded; "error" if it could not be. */
  digit: Uint8Array | null | 'error';
}

export type TensorsAction = { type: 'goto'; stage: number } | { type: 'digit'; digit: Uint8Array | 'error' };

/** From this stage on, the figure shows the real MNIST image. */
export const FIRST_MNIST_STAGE = 6;

export function reduce(state: TensorsState, action: TensorsAction): TensorsState {
  if (action.type === 'digit') return { ...state, digit: action.digit };
  return { ...state, stage: Math.max(0, Math.min(STAGES.length - 1, Math.round(action.stage))) };
}
