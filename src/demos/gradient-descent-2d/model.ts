/**
 * The mathematics of the gradient-descent figures: loss curves with their
 * derivatives, the iterates of w ← w − η·dL/dw, and a small seeded
 * regression problem solved by full-batch and by mini-batch stochastic
 * gradient descent, with optional momentum. Pure functions; no DOM, no D3.
 * Any step of a run is a function of its settings, so a figure can be drawn
 * at any step and a link can reproduce it.
 */
import { mulberry32, shuffleInPlace } from '../../train/random.ts';

// ---------------------------------------------------------------- one parameter

export interface Curve {
  id: 'valley' | 'two-valleys';
  name: string;
  loss(w: number): number;
  gradient(w: number): number;
  /** The w range the figure shows. */
  domain: [number, number];
  /** Where a run starts unless told otherwise. */
  start: number;
}

/** A smooth valley, steeper on the right than on the left, with one minimum at w = 1. */
export const VALLEY: Curve = {
  id: 'valley',
  name: 'one minimum',
  loss: (w) => {
    const u = w - 1;
    return 0.4 * u * u + 0.04 * u ** 3 + 0.02 * u ** 4 + 0.5;
  },
  gradient: (w) => {
    const u = w - 1;
    return 0.8 * u + 0.12 * u * u + 0.08 * u ** 3;
  },
  domain: [-3, 4],
  start: -2,
};

/** Two valleys: a shallow local minimum on the left and the global one on the right. */
export const TWO_VALLEYS: Curve = {
  id: 'two-valleys',
  name: 'a local minimum',
  loss: (w) => 0.08 * w ** 4 - 0.6 * w * w - 0.35 * w + 2,
  gradient: (w) => 0.32 * w ** 3 - 1.2 * w - 0.35,
  domain: [-3.5, 3.5],
  start: -3,
};

export const CURVES = { valley: VALLEY, 'two-valleys': TWO_VALLEYS } as const;

/** Learning rates the instructor can name aloud. */
export const PRESETS = {
  small: { eta: 0.05, label: 'too small' },
  good: { eta: 0.9, label: 'about right' },
  large: { eta: 2.6, label: 'too large' },
} as const;
export type PresetName = keyof typeof PRESETS;

export interface Iterate {
  step: number;
  w: number;
  loss: number;
  gradient: number;
}

/** Beyond this |w| (or on a non-finite value) a run is said to have diverged and stops. */
export const DIVERGED = 1e3;

/**
 * The iterates of gradient descent from `start`: step 0 is the start, step k
 * the weight after k updates. Stops early once the run diverges.
 */
export function descend1d(curve: Curve, start: number, eta: number, steps: number): { iterates: Iterate[]; diverged: boolean } {
  const at = (step: number, w: number): Iterate => ({ step, w, loss: curve.loss(w), gradient: curve.gradient(w) });
  const iterates = [at(0, start)];
  for (let k = 1; k <= steps; k++) {
    const last = iterates[k - 1]!;
    const w = last.w - eta * last.gradient;
    if (!Number.isFinite(w) || Math.abs(w) > DIVERGED || !Number.isFinite(curve.loss(w))) return { iterates, diverged: true };
    iterates.push(at(k, w));
  }
  const last = iterates.at(-1)!;
  return { iterates, diverged: Math.abs(last.w) > 50 };
}

// ---------------------------------------------------------------- two parameters

export interface Dataset {
  x: Float64Array;
  y: Float64Array;
}

/** A small regression problem: y = 2x − 1 plus Gaussian noise, x uniform in [−1, 1]. */
export function makeRegressionData(seed: number, n = 64, noise = 0.4): Dataset {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 2 * random() - 1;
    y[i] = 2 * x[i]! - 1 + noise * gauss();
  }
  return { x, y };
}

/** Mean squared error of the line y = w·x + b over the examples `indices` (all when omitted). */
export function mse(data: Dataset, w: number, b: number, indices?: ArrayLike<number>): number {
  const n = indices ? indices.length : data.x.length;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k]! : k;
    const e = w * data.x[i]! + b - data.y[i]!;
    sum += e * e;
  }
  return sum / n;
}

/** The gradient (∂L/∂w, ∂L/∂b) of that mean squared error. */
export function mseGradient(data: Dataset, w: number, b: number, indices?: ArrayLike<number>): [number, number] {
  const n = indices ? indices.length : data.x.length;
  let gw = 0;
  let gb = 0;
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k]! : k;
    const e = w * data.x[i]! + b - data.y[i]!;
    gw += 2 * e * data.x[i]!;
    gb += 2 * e;
  }
  return [gw / n, gb / n];
}

/** The exact minimiser (ordinary least squares), for reference. */
export function leastSquares(data: Dataset): [number, number] {
  const n = data.x.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += data.x[i]!;
    sy += data.y[i]!;
    sxx += data.x[i]! * data.x[i]!;
    sxy += data.x[i]! * data.y[i]!;
  }
  const w = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return [w, (sy - w * sx) / n];
}

export interface Descent2dOptions {
  start: [number, number];
  eta: number;
  /** Examples per step; the dataset's size means full-batch gradient descent. */
  batchSize: number;
  /** 0 for plain gradient descent; e.g. 0.9 for heavy-ball momentum. */
  momentum: number;
  steps: number;
  /** Seed of the mini-batch order. */
  seed: number;
}

export interface Point2d {
  step: number;
  w: number;
  b: number;
  /** Loss over the whole dataset. */
  loss: number;
  /** The gradient used for the step from this point (on its batch). */
  gradient: [number, number];
}

/**
 * The path of (mini-batch) gradient descent on the regression loss: step 0 is
 * the start. Mini-batches are drawn without replacement, reshuffled each epoch.
 */
export function descend2d(data: Dataset, options: Descent2dOptions): { path: Point2d[]; diverged: boolean } {
  const n = data.x.length;
  const size = Math.max(1, Math.min(n, Math.round(options.batchSize)));
  const random = mulberry32(options.seed);
  let order = Int32Array.from({ length: n }, (_, i) => i);
  let cursor = n;
  const nextBatch = (): Int32Array | undefined => {
    if (size === n) return undefined;
    if (cursor + size > n) {
      order = shuffleInPlace(order, random);
      cursor = 0;
    }
    const batch = order.subarray(cursor, cursor + size);
    cursor += size;
    return batch;
  };
  let [w, b] = options.start;
  let velocity: [number, number] = [0, 0];
  const path: Point2d[] = [];
  for (let step = 0; step <= options.steps; step++) {
    const batch = nextBatch();
    const gradient = mseGradient(data, w, b, batch);
    const loss = mse(data, w, b);
    if (!Number.isFinite(loss) || Math.abs(w) > DIVERGED || Math.abs(b) > DIVERGED) return { path, diverged: true };
    path.push({ step, w, b, loss, gradient });
    velocity = [options.momentum * velocity[0] - options.eta * gradient[0], options.momentum * velocity[1] - options.eta * gradient[1]];
    w += velocity[0];
    b += velocity[1];
  }
  return { path, diverged: false };
}

/** The full-batch loss on an n × n grid over an extent, row-major from the top-left (for contour lines). */
export function lossGrid(data: Dataset, extent: { w: [number, number]; b: [number, number] }, n: number): Float64Array {
  const values = new Float64Array(n * n);
  for (let row = 0; row < n; row++) {
    const b = extent.b[1] - ((extent.b[1] - extent.b[0]) * row) / (n - 1);
    for (let col = 0; col < n; col++) {
      const w = extent.w[0] + ((extent.w[1] - extent.w[0]) * col) / (n - 1);
      values[row * n + col] = mse(data, w, b);
    }
  }
  return values;
}

// ---------------------------------------------------------------- state in the URL

/** Reads `key:value` pairs from a compact URL parameter, e.g. "eta:0.9,w0:-2,step:3". */
export function decodeState(text: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const [key, value] = part.split(':');
    if (key && value !== undefined && /^[a-z0-9]+$/i.test(key)) out[key] = value;
  }
  return out;
}

export function encodeState(state: Record<string, string | number>): string {
  return Object.entries(state)
    .map(([k, v]) => `${k}:${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
    .join(',');
}
