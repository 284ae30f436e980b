/**
 * Gradient descent on two parameters: a small seeded regression problem
 * (fit y = w·x + b) solved by full-batch and by mini-batch stochastic
 * gradient descent, with optional momentum, and the figure's state with the
 * actions that change it. Pure functions; no DOM, no D3. Any step of a run
 * is a function of its settings, so the figure can be drawn at any step,
 * mirrored, printed and linked.
 */
import { gaussian, mulberry32, shuffleInPlace } from '../../lib/random.ts';
import { isStepperAction, reduceStepper, type Stepped, type StepperAction } from '../shared/stepper.ts';
import { decodeState, encodeState, numberOr } from '../shared/url-state.ts';

/** Beyond this |w| or |b| (or on a non-finite loss) a run is said to have diverged and stops. */
export const DIVERGED = 1e3;

// ---------------------------------------------------------------- two parameters

export interface Dataset {
  x: Float64Array;
  y: Float64Array;
}

/** A small regression problem: y = 2x − 1 plus Gaussian noise, x uniform in [−1, 1]. */
export function makeRegressionData(seed: number, n = 64, noise = 0.4): Dataset {
  const random = mulberry32(seed);
  const gauss = gaussian(random);
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

// ---------------------------------------------------------------- the figure's state

/** The seed of the regression data: the same 64 points in every window and every lecture. */
export const DATA_SEED = 7;
let lectureData: Dataset | undefined;
/** The figure's 64 points (made once). */
export function regressionData(): Dataset {
  return (lectureData ??= makeRegressionData(DATA_SEED));
}
export const MAX_STEPS = 200;
/** Batch sizes offered; the last is the whole data set (full batch). */
export const BATCHES = [1, 4, 8, 16, 64] as const;
export const MOMENTA = [0, 0.8] as const;
export const ETA_RANGE = { min: 0.01, max: 0.6, step: 0.01 } as const;
/** Where the plot is: runs may start anywhere inside. */
export const EXTENT = { w: [-2.5, 5.5] as [number, number], b: [-4, 3] as [number, number] };

/** Everything the figure shows, as data. */
export interface Gd2State extends Stepped {
  eta: number;
  batchSize: number;
  momentum: number;
  /** Where both runs start. */
  start: [number, number];
  /** Seed of the mini-batch order ("New mini-batches" changes it). */
  seed: number;
}

export type Gd2Action =
  | StepperAction
  | { type: 'eta'; eta: number }
  | { type: 'batch'; batchSize: number }
  | { type: 'momentum'; momentum: number }
  | { type: 'reseed' }
  | { type: 'start-at'; w0: number; b0: number };

export interface Gd2Params {
  eta: number;
  batch: number;
  momentum: number;
}

export function initialState(params: Gd2Params): Gd2State {
  return { eta: params.eta, batchSize: params.batch, momentum: params.momentum, start: [-1.8, 2.2], seed: 1, step: 0, playing: false };
}

/** Both runs of a state: full batch and mini-batch, from the same start. */
export function runs(data: Dataset, state: Gd2State): { full: Point2d[]; sgd: Point2d[]; diverged: boolean } {
  const common = { start: state.start, eta: state.eta, momentum: state.momentum, steps: state.step, seed: state.seed };
  const full = descend2d(data, { ...common, batchSize: data.x.length });
  const sgd = descend2d(data, { ...common, batchSize: state.batchSize });
  return { full: full.path, sgd: sgd.path, diverged: full.diverged || sgd.diverged };
}

const clampEta = (eta: number) => Math.max(ETA_RANGE.min, Math.min(ETA_RANGE.max, eta));

/** Applies an action. Changing a setting or the start begins a new run at step 0. */
export function reduce(state: Gd2State, action: Gd2Action, data: Dataset = regressionData()): Gd2State {
  if (isStepperAction(action)) return reduceStepper(state, action, { max: MAX_STEPS, finished: (s) => runs(data, s).diverged });
  const fresh = { step: 0, playing: false };
  switch (action.type) {
    case 'eta':
      return { ...state, eta: clampEta(action.eta), ...fresh };
    case 'batch':
      return { ...state, batchSize: Math.max(1, Math.min(data.x.length, Math.round(action.batchSize))), ...fresh };
    case 'momentum':
      return { ...state, momentum: Math.max(0, Math.min(0.99, action.momentum)), ...fresh };
    case 'reseed':
      return { ...state, seed: state.seed + 1, ...fresh };
    case 'start-at': {
      const inside = action.w0 >= EXTENT.w[0] && action.w0 <= EXTENT.w[1] && action.b0 >= EXTENT.b[0] && action.b0 <= EXTENT.b[1];
      return inside ? { ...state, start: [action.w0, action.b0], ...fresh } : state;
    }
  }
}

/** The state a link restores (`?gd2=eta:0.15,bs:16,mom:0.8,w0:-1.8,b0:2.2,seed:1,step:5`), or undefined. */
export function stateFromLink(text: string | null, fallback: Gd2State): Gd2State | undefined {
  const saved = decodeState(text);
  if (Object.keys(saved).length === 0) return undefined;
  return {
    eta: clampEta(numberOr(saved.eta, fallback.eta)),
    batchSize: Math.max(1, Math.round(numberOr(saved.bs, fallback.batchSize))),
    momentum: numberOr(saved.mom, fallback.momentum),
    start: [numberOr(saved.w0, fallback.start[0]), numberOr(saved.b0, fallback.start[1])],
    seed: Math.round(numberOr(saved.seed, fallback.seed)),
    step: Math.max(0, Math.min(MAX_STEPS, Math.round(numberOr(saved.step, 0)))),
    playing: false,
  };
}

export function linkFor(s: Gd2State): string {
  return encodeState({ eta: s.eta, bs: s.batchSize, mom: s.momentum, w0: s.start[0], b0: s.start[1], seed: s.seed, step: s.step });
}
