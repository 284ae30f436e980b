/**
 * RMSprop as Keras has it (Hinton's lecture 6e):
 *
 *   ms ← ρ·ms + (1 − ρ)·g²        w ← w − lr·g / (√ms + ε)
 *
 * in one of two layouts, chosen for the backend:
 *
 * - flat: every weight and gradient concatenated into one vector, so the
 *   update is one handful of kernels for all 407,050 weights rather than a
 *   handful per variable. On a GPU each kernel is a dispatch, and dispatches
 *   are what a small network's step is made of (32.8 → 24.1 per step on
 *   WebGPU, measured).
 * - per variable: the same arithmetic on each variable in place. On the
 *   CPU backends a kernel costs little to launch, and the concatenations and
 *   the split of the flat layout are copies of 1.6 MB each that cost more
 *   than they save (16 ms against 20 ms a step on wasm, measured).
 *
 * The running means are saved and loaded as one vector in variable order
 * either way, so that a snapshot taken on one backend loads on another.
 * DOM-free; takes the `tf` namespace.
 */
import type * as tfc from '@tensorflow/tfjs-core';

type TF = typeof tfc;

export interface RmspropSettings {
  learningRate: number;
  rho: number;
  epsilon: number;
}

/** The layout that runs fastest on a backend (see the module comment). */
export function prefersFlatUpdate(backend: string): boolean {
  return backend === 'webgpu' || backend === 'webgl';
}

export class Rmsprop {
  readonly flat: boolean;
  readonly #tf: TF;
  readonly #vars: tfc.Variable[];
  readonly #ms: tfc.Variable[];
  readonly #constants: { rho: tfc.Scalar; oneMinusRho: tfc.Scalar; lr: tfc.Scalar; epsilon: tfc.Scalar };

  /**
   * @param vars The variables to update, in a fixed order.
   * @param saved Running means from `save()`, or zeros when absent.
   */
  constructor(tf: TF, vars: tfc.Variable[], settings: RmspropSettings, flat: boolean, saved?: Float32Array) {
    this.#tf = tf;
    this.#vars = vars;
    this.flat = flat;
    const total = vars.reduce((sum, v) => sum + v.size, 0);
    if (saved && saved.length !== total) throw new Error(`the optimizer state holds ${saved.length} values, and the weights need ${total}`);
    this.#ms = tf.tidy(() => {
      if (flat) return [tf.variable(saved ? tf.tensor1d(saved) : tf.zeros([total]), false)];
      let offset = 0;
      return vars.map((v) => {
        const values = saved?.subarray(offset, offset + v.size);
        offset += v.size;
        return tf.variable(values ? tf.tensor(values, v.shape) : tf.zeros(v.shape), false);
      });
    });
    this.#constants = {
      rho: tf.scalar(settings.rho),
      oneMinusRho: tf.scalar(1 - settings.rho),
      lr: tf.scalar(settings.learningRate),
      epsilon: tf.scalar(settings.epsilon),
    };
  }

  /** One update from gradients given in the variables' order. Call inside `tf.tidy`. */
  apply(grads: tfc.Tensor[]): void {
    const tf = this.#tf;
    const c = this.#constants;
    const step = (ms: tfc.Variable, w: tfc.Tensor, g: tfc.Tensor): tfc.Tensor => {
      const m = tf.add(tf.mul(c.rho, ms), tf.mul(c.oneMinusRho, tf.square(g)));
      ms.assign(m);
      return tf.sub(w, tf.div(tf.mul(c.lr, g), tf.add(tf.sqrt(m), c.epsilon)));
    };
    if (this.flat) {
      const g = tf.concat(grads.map((t) => tf.reshape(t, [-1])));
      const w = tf.concat(this.#vars.map((v) => tf.reshape(v, [-1])));
      const updated = tf.split(step(this.#ms[0]!, w, g), this.#vars.map((v) => v.size));
      this.#vars.forEach((v, i) => v.assign(tf.reshape(updated[i]!, v.shape)));
    } else {
      this.#vars.forEach((v, i) => v.assign(step(this.#ms[i]!, v, grads[i]!)));
    }
  }

  /** The running means as one vector, in the variables' order. */
  async save(): Promise<Float32Array> {
    const parts = (await Promise.all(this.#ms.map((m) => m.data()))) as Float32Array[];
    if (parts.length === 1) return parts[0]!;
    const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  dispose(): void {
    this.#ms.forEach((m) => m.dispose());
    Object.values(this.#constants).forEach((t) => t.dispose());
  }
}
