/**
 * "Explore the data" as data: what the figure shows of the real MNIST (the
 * shapes, the first training digits and their labels, one digit's pixels),
 * how far the download is, and the clicker's step (0: pixels, 1: reshaped
 * to 784, 2: scaled to [0, 1]); or, in the "digits" mode, only the grid of
 * real digits with their labels. Pure.
 */

/** Training image shown large, as in the source lecture's `digit = train_images[4]`. */
export const INDEX = 4;
/** Digits in the grid. */
export const GRID = 24;

export interface ExploreData {
  counts: { train: number; test: number };
  /** The first GRID training examples: labels and images (784 bytes each). */
  labels: Uint8Array;
  images: Uint8Array;
}

/** What the figure shows: the whole exploration, or only the digits with their labels. */
export type ExploreMode = 'explore' | 'digits';

export interface ExploreState {
  mode: ExploreMode;
  status: 'loading' | 'ready' | 'error';
  /** While loading: how far, 0–1, and what. */
  progress: { fraction: number; text: string };
  data: ExploreData | undefined;
  error: string | undefined;
  step: number;
}

export type ExploreAction = { type: 'retry' } | { type: 'goto'; step: number };

export function initialState(mode: ExploreMode = 'explore'): ExploreState {
  return {
    mode,
    status: 'loading',
    progress: { fraction: 0, text: 'Loading the MNIST training data…' },
    data: undefined,
    error: undefined,
    step: 0,
  };
}

/** Keeps the first GRID examples of a shard: all the figure draws. */
export function firstExamples(labels: Uint8Array, images: Uint8Array, imageBytes: number): { labels: Uint8Array; images: Uint8Array } {
  const n = Math.min(GRID, labels.length);
  return { labels: labels.slice(0, n), images: images.slice(0, n * imageBytes) };
}
