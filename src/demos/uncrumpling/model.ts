/**
 * A tiny network that uncrumples two interleaved half-moons: every hidden
 * layer has 2 units with tanh, so each layer's representation is a plane we
 * can draw, and a last logistic unit draws a straight line through the final
 * plane. Forward pass, backpropagation and Adam in plain TypeScript: no DOM,
 * no tfjs, seeded, and fast enough to train live on any phone.
 */
import { gaussian, mulberry32 } from '../../lib/random.ts';

export interface Points {
  /** x, y of each point, interleaved. */
  xy: Float64Array;
  /** 0 or 1 per point. */
  label: Uint8Array;
}

/** A point of the upper moon (class 0) or the lower one (class 1) at angle t, before noise, centring and scaling. */
function moonPoint(upper: boolean, t: number): [number, number] {
  return upper ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
}

/** Two interleaved half-moons (a "crumpled sheet"), centred and scaled to about [−1.5, 1.5]. */
export function makeMoons(seed: number, n = 200, noise = 0.08): Points {
  const random = mulberry32(seed);
  const gauss = gaussian(random);
  const xy = new Float64Array(2 * n);
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const upper = i % 2 === 0;
    const [x, y] = moonPoint(upper, Math.PI * random());
    xy[2 * i] = (x - 0.5) * 1.6 + noise * gauss();
    xy[2 * i + 1] = (y - 0.25) * 1.6 + noise * gauss();
    label[i] = upper ? 0 : 1;
  }
  return { xy, label };
}

/** Weights: `hidden` layers of 2 × 2 matrices and 2 biases, then an output w (2) and c. */
export interface Params {
  layers: { w: Float64Array; b: Float64Array }[];
  out: { w: Float64Array; c: number };
}

export function initParams(seed: number, hidden = 4): Params {
  const random = mulberry32(seed);
  const uniform = (limit: number) => (2 * random() - 1) * limit;
  const limit = Math.sqrt(6 / 4);
  return {
    layers: Array.from({ length: hidden }, () => ({ w: Float64Array.from({ length: 4 }, () => uniform(limit)), b: new Float64Array(2) })),
    out: { w: Float64Array.from({ length: 2 }, () => uniform(limit)), c: 0 },
  };
}

/** The representations of one point: the input, then each hidden layer's output. */
export function representations(params: Params, x: number, y: number): [number, number][] {
  const out: [number, number][] = [[x, y]];
  let a = x;
  let b = y;
  for (const { w, b: bias } of params.layers) {
    const u = Math.tanh(w[0]! * a + w[1]! * b + bias[0]!);
    const v = Math.tanh(w[2]! * a + w[3]! * b + bias[1]!);
    a = u;
    b = v;
    out.push([a, b]);
  }
  return out;
}

/** Probability of class 1. */
export function predict(params: Params, x: number, y: number): number {
  const last = representations(params, x, y).at(-1)!;
  return sigmoid(params.out.w[0]! * last[0] + params.out.w[1]! * last[1] + params.out.c);
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Mean binary cross-entropy over the points, and its gradient with respect to every weight. */
export function lossAndGradient(params: Params, points: Points): { loss: number; grad: Params } {
  const grad: Params = {
    layers: params.layers.map(() => ({ w: new Float64Array(4), b: new Float64Array(2) })),
    out: { w: new Float64Array(2), c: 0 },
  };
  const n = points.label.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const reps = representations(params, points.xy[2 * i]!, points.xy[2 * i + 1]!);
    const h = reps.at(-1)!;
    const p = sigmoid(params.out.w[0]! * h[0] + params.out.w[1]! * h[1] + params.out.c);
    const t = points.label[i]!;
    loss += -(t * Math.log(Math.max(p, 1e-12)) + (1 - t) * Math.log(Math.max(1 - p, 1e-12)));
    // dL/dz of the output unit is p − t.
    const dz = (p - t) / n;
    grad.out.w[0]! += dz * h[0];
    grad.out.w[1]! += dz * h[1];
    grad.out.c += dz;
    let da = dz * params.out.w[0]!;
    let db = dz * params.out.w[1]!;
    for (let l = params.layers.length - 1; l >= 0; l--) {
      const [a, b] = reps[l + 1]!;
      const [ia, ib] = reps[l]!;
      const du = da * (1 - a * a);
      const dv = db * (1 - b * b);
      const w = params.layers[l]!.w;
      const g = grad.layers[l]!;
      g.w[0]! += du * ia;
      g.w[1]! += du * ib;
      g.w[2]! += dv * ia;
      g.w[3]! += dv * ib;
      g.b[0]! += du;
      g.b[1]! += dv;
      da = du * w[0]! + dv * w[2]!;
      db = du * w[1]! + dv * w[3]!;
    }
  }
  return { loss: loss / n, grad };
}

export function accuracy(params: Params, points: Points): number {
  let right = 0;
  for (let i = 0; i < points.label.length; i++) {
    const p = predict(params, points.xy[2 * i]!, points.xy[2 * i + 1]!);
    if ((p > 0.5 ? 1 : 0) === points.label[i]) right++;
  }
  return right / points.label.length;
}

/** Adam over every weight of a Params, in place. */
export class Adam {
  #m: Float64Array;
  #v: Float64Array;
  #t = 0;
  readonly rate: number;
  constructor(params: Params, rate = 0.03) {
    this.rate = rate;
    this.#m = new Float64Array(flatten(params).length);
    this.#v = new Float64Array(this.#m.length);
  }
  step(params: Params, grad: Params): void {
    const p = flatten(params);
    const g = flatten(grad);
    this.#t += 1;
    const b1 = 0.9;
    const b2 = 0.999;
    for (let i = 0; i < p.length; i++) {
      this.#m[i] = b1 * this.#m[i]! + (1 - b1) * g[i]!;
      this.#v[i] = b2 * this.#v[i]! + (1 - b2) * g[i]! * g[i]!;
      const mh = this.#m[i]! / (1 - b1 ** this.#t);
      const vh = this.#v[i]! / (1 - b2 ** this.#t);
      p[i] = p[i]! - (this.rate * mh) / (Math.sqrt(vh) + 1e-8);
    }
    unflatten(params, p);
  }
}

export function flatten(params: Params): Float64Array {
  return Float64Array.from([...params.layers.flatMap((l) => [...l.w, ...l.b]), ...params.out.w, params.out.c]);
}

export function unflatten(params: Params, values: Float64Array): void {
  let k = 0;
  for (const layer of params.layers) {
    for (let i = 0; i < 4; i++) layer.w[i] = values[k++]!;
    for (let i = 0; i < 2; i++) layer.b[i] = values[k++]!;
  }
  params.out.w[0] = values[k++]!;
  params.out.w[1] = values[k++]!;
  params.out.c = values[k]!;
}

/** Trains for `steps` full-batch steps; returns the loss after each. */
export function train(params: Params, points: Points, optimizer: Adam, steps: number): number[] {
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { loss, grad } = lossAndGradient(params, points);
    optimizer.step(params, grad);
    losses.push(loss);
  }
  return losses;
}

// ---------------------------------------------------------------- the figure's state

/** Hidden layers of 2 tanh units. */
export const HIDDEN = 4;
/** The seed of the points: the same half-moons in every window. */
export const POINTS_SEED = 1;
export const MAX_STEPS = 1500;
/** Adam's learning rate for this network. */
export const RATE = 0.02;

/** Everything the figure shows, as data: the weights themselves (a few dozen numbers). */
export interface UncrumpleState {
  params: Params;
  step: number;
  /** The layer drawn on the left: 0 is the input, HIDDEN the last representation. */
  layer: number;
  running: boolean;
  /** Seed of the current weights; "Reset" moves to the next one, so every run is reproducible. */
  seed: number;
}

export type UncrumpleAction = { type: 'toggle' } | { type: 'reset' } | { type: 'layer'; layer: number };

export function initialState(seed = POINTS_SEED): UncrumpleState {
  return { params: initParams(seed, HIDDEN), step: 0, layer: HIDDEN, running: false, seed };
}
