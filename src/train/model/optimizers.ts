/**
 * The optimizers a run may name (spec.ts), as Keras 2 and 3 define them,
 * each updating its variables in place with TensorFlow.js ops:
 *
 *   sgd       w ← w − lr·g
 *   momentum  v ← μ·v − lr·g;  w ← w + v                       (Keras' SGD with momentum, not Nesterov)
 *   rmsprop   ms ← ρ·ms + (1 − ρ)·g²;  w ← w − lr·g / (√ms + ε) (rmsprop.ts, with fused WebGPU kernels)
 *   adam      m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
 *             w ← w − α_t·m / (√v + ε),  α_t = lr·√(1 − β2^t) / (1 − β1^t)
 *
 * Adam's bias correction is Keras' form: folded into the step size α_t,
 * with ε added to √v unscaled.
 *
 * Every optimizer saves its state as one Float32Array, slot by slot and
 * within a slot in the variables' order (Adam: all m, then all v, then the
 * step count t), so that a snapshot taken on one backend loads on another.
 * DOM-free; takes the `tf` namespace.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.ts';
import { Rmsprop, type FusedUpdate } from './rmsprop.ts';
import type { OptimizerSpec } from './spec.ts';

type TF = typeof tfc;

export type { Optimizer };

/** How many values an optimizer's saved state holds, for variables with `weights` values in all. */
export function optimizerStateLength(spec: OptimizerSpec, weights: number): number {
  switch (spec.type) {
    case 'sgd':
      return 0;
    case 'momentum':
    case 'rmsprop':
      return weights;
    case 'adam':
      return 2 * weights + 1;
  }
}

/**
 * Per-variable state (one tensor per variable per slot), zeros or loaded
 * from a saved vector whose first `slots × weights` values are the slots and
 * whose rest are returned as `extra`.
 */
function makeSlots(
  tf: TF,
  vars: tfc.Variable[],
  slots: number,
  saved: Float32Array | undefined,
  extras: number,
): { slots: tfc.Variable[][]; extra: Float32Array } {
  const weights = vars.reduce((sum, v) => sum + v.size, 0);
  const expected = slots * weights + extras;
  if (saved && saved.length !== expected)
    throw new Error(`the optimizer state holds ${saved.length} values, and the weights need ${expected}`);
  let offset = 0;
  const made = tf.tidy(() =>
    Array.from({ length: slots }, () =>
      vars.map((v) => {
        const values = saved?.subarray(offset, offset + v.size);
        offset += v.size;
        return tf.variable(values ? tf.tensor(values, v.shape) : tf.zeros(v.shape), false);
      }),
    ),
  );
  return { slots: made, extra: saved ? saved.slice(offset) : new Float32Array(extras) };
}

/** The slots' values and the extras, laid end to end. */
async function saveSlots(slots: tfc.Variable[][], extra: number[] = []): Promise<Float32Array> {
  const parts = (await Promise.all(slots.flat().map((s) => s.data()))) as Float32Array[];
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0) + extra.length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  out.set(extra, offset);
  return out;
}

/** Plain gradient descent; it has no state. */
export class Sgd implements Optimizer {
  readonly #tf: TF;
  readonly #vars: tfc.Variable[];
  readonly #lr: tfc.Scalar;

  /** @param saved An empty state from `save()`, accepted so that every optimizer loads the same way. */
  constructor(tf: TF, vars: tfc.Variable[], learningRate: number, saved?: Float32Array) {
    if (saved && saved.length !== 0) throw new Error(`the optimizer state holds ${saved.length} values, and SGD keeps none`);
    this.#tf = tf;
    this.#vars = vars;
    this.#lr = tf.scalar(learningRate);
  }

  /** One update from gradients given in the variables' order. Call inside `tf.tidy`. */
  apply(grads: tfc.Tensor[]): void {
    const tf = this.#tf;
    this.#vars.forEach((w, i) => w.assign(tf.sub(w, tf.mul(this.#lr, grads[i]!))));
  }

  /** SGD's state: nothing. */
  async save(): Promise<Float32Array> {
    return new Float32Array(0);
  }

  dispose(): void {
    this.#lr.dispose();
  }
}

/** Keras' SGD with momentum: a velocity per weight, decaying by μ each step. */
export class Momentum implements Optimizer {
  readonly #tf: TF;
  readonly #vars: tfc.Variable[];
  readonly #velocity: tfc.Variable[];
  readonly #constants: { lr: tfc.Scalar; momentum: tfc.Scalar };

  /** @param saved Velocities from `save()`, or zeros when absent. */
  constructor(tf: TF, vars: tfc.Variable[], settings: { learningRate: number; momentum: number }, saved?: Float32Array) {
    this.#tf = tf;
    this.#vars = vars;
    this.#velocity = makeSlots(tf, vars, 1, saved, 0).slots[0]!;
    this.#constants = { lr: tf.scalar(settings.learningRate), momentum: tf.scalar(settings.momentum) };
  }

  /** One update from gradients given in the variables' order. Call inside `tf.tidy`. */
  apply(grads: tfc.Tensor[]): void {
    const tf = this.#tf;
    const c = this.#constants;
    this.#vars.forEach((w, i) => {
      const v = tf.sub(tf.mul(c.momentum, this.#velocity[i]!), tf.mul(c.lr, grads[i]!));
      this.#velocity[i]!.assign(v);
      w.assign(tf.add(w, v));
    });
  }

  /** The velocities as one vector, in the variables' order. */
  save(): Promise<Float32Array> {
    return saveSlots([this.#velocity]);
  }

  dispose(): void {
    this.#velocity.forEach((v) => v.dispose());
    Object.values(this.#constants).forEach((t) => t.dispose());
  }
}

/** Adam with Keras' bias correction; the step count lives on the host, so each step's α_t is one scalar upload. */
export class Adam implements Optimizer {
  readonly #tf: TF;
  readonly #vars: tfc.Variable[];
  readonly #m: tfc.Variable[];
  readonly #v: tfc.Variable[];
  readonly #settings: { learningRate: number; beta1: number; beta2: number; epsilon: number; decay?: number };
  readonly #constants: { beta1: tfc.Scalar; oneMinusBeta1: tfc.Scalar; beta2: tfc.Scalar; oneMinusBeta2: tfc.Scalar; epsilon: tfc.Scalar };
  /** Updates applied so far (Keras' `iterations`). */
  #t: number;

  /** @param saved All m, all v and t from `save()`, or zeros when absent. */
  constructor(
    tf: TF,
    vars: tfc.Variable[],
    settings: { learningRate: number; beta1: number; beta2: number; epsilon: number; decay?: number },
    saved?: Float32Array,
  ) {
    this.#tf = tf;
    this.#vars = vars;
    this.#settings = settings;
    const { slots, extra } = makeSlots(tf, vars, 2, saved, 1);
    [this.#m, this.#v] = slots as [tfc.Variable[], tfc.Variable[]];
    this.#t = extra[0]!;
    this.#constants = {
      beta1: tf.scalar(settings.beta1),
      oneMinusBeta1: tf.scalar(1 - settings.beta1),
      beta2: tf.scalar(settings.beta2),
      oneMinusBeta2: tf.scalar(1 - settings.beta2),
      epsilon: tf.scalar(settings.epsilon),
    };
  }

  /** One update from gradients given in the variables' order. Call inside `tf.tidy`. */
  apply(grads: tfc.Tensor[]): void {
    const tf = this.#tf;
    const c = this.#constants;
    const { learningRate, beta1, beta2, decay = 0 } = this.#settings;
    // Keras 2's decay counts the updates before this one.
    const rate = learningRate / (1 + decay * this.#t);
    this.#t += 1;
    // In double precision on the host: β2^t for large t loses what matters in float32.
    const alpha = tf.scalar((rate * Math.sqrt(1 - beta2 ** this.#t)) / (1 - beta1 ** this.#t));
    this.#vars.forEach((w, i) => {
      const g = grads[i]!;
      const m = tf.add(tf.mul(c.beta1, this.#m[i]!), tf.mul(c.oneMinusBeta1, g));
      const v = tf.add(tf.mul(c.beta2, this.#v[i]!), tf.mul(c.oneMinusBeta2, tf.square(g)));
      this.#m[i]!.assign(m);
      this.#v[i]!.assign(v);
      w.assign(tf.sub(w, tf.div(tf.mul(alpha, m), tf.add(tf.sqrt(v), c.epsilon))));
    });
  }

  /** All first moments, all second moments, then the step count, as one vector. */
  save(): Promise<Float32Array> {
    return saveSlots([this.#m, this.#v], [this.#t]);
  }

  dispose(): void {
    [...this.#m, ...this.#v].forEach((s) => s.dispose());
    Object.values(this.#constants).forEach((t) => t.dispose());
  }
}

/**
 * The optimizer a spec names, over `vars`.
 * @param options.fused A backend's own kernels for RMSprop's update (rmsprop-webgpu.ts); other optimizers ignore it.
 * @param options.saved State from an earlier `save()`, perhaps on another backend.
 */
export function createOptimizer(
  tf: TF,
  spec: OptimizerSpec,
  learningRate: number,
  vars: tfc.Variable[],
  options: { fused?: FusedUpdate; saved?: Float32Array } = {},
): Optimizer {
  switch (spec.type) {
    case 'sgd':
      return new Sgd(tf, vars, learningRate, options.saved);
    case 'momentum':
      return new Momentum(tf, vars, { learningRate, momentum: spec.momentum }, options.saved);
    case 'rmsprop':
      return new Rmsprop(tf, vars, { learningRate, rho: spec.rho, epsilon: spec.epsilon }, options.fused, options.saved);
    case 'adam':
      return new Adam(
        tf,
        vars,
        { learningRate, beta1: spec.beta1, beta2: spec.beta2, epsilon: spec.epsilon, ...(spec.decay ? { decay: spec.decay } : {}) },
        options.saved,
      );
    default:
      throw new Error(`unknown optimizer ${JSON.stringify((spec as { type?: unknown }).type)}; use sgd, momentum, rmsprop or adam`);
  }
}
