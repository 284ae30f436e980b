/**
 * RMSprop as Keras has it (Hinton's lecture 6e):
 *
 *   ms ← ρ·ms + (1 − ρ)·g²        w ← w − lr·g / (√ms + ε)
 *
 * applied to each variable in place, either as TensorFlow.js ops (about nine
 * kernels per variable) or, where a backend offers one, as its own fused
 * kernels (rmsprop-webgpu.ts: two WebGPU dispatches per variable).
 *
 * An earlier version concatenated every weight and gradient into one vector
 * to run the ops once for all 407,050 weights (fewer kernels). Measured, the
 * copies cost more than the kernels they saved on every backend here: the
 * update took 87 ms against 25 ms per variable on WebGPU (SwiftShader),
 * 55 against 12 on WebGL, 20 against 16 ms per step on wasm; and the fused
 * WebGPU kernels need fewer dispatches still, with no copies at all.
 *
 * The running means are saved and loaded as one vector in variable order,
 * so that a snapshot taken on one backend loads on another. The other
 * optimizers, and the interface all of them share, are in optimizers.ts.
 * DOM-free; takes the `tf` namespace.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.ts';

type TF = typeof tfc;

/** RMSprop's hyper-parameters. */
export interface RmspropSettings {
  learningRate: number;
  rho: number;
  epsilon: number;
}

/**
 * A backend's own kernels for one variable's update: the new weights and
 * the new running means, from the weights, gradient and old running means.
 */
export type FusedUpdate = (w: tfc.Tensor, g: tfc.Tensor, ms: tfc.Tensor, settings: RmspropSettings) => { w: tfc.Tensor; ms: tfc.Tensor };

/** RMSprop over a fixed list of variables, with its running means on the device. */
export class Rmsprop implements Optimizer {
  readonly #fused: FusedUpdate | undefined;
  readonly #settings: RmspropSettings;
  readonly #tf: TF;
  readonly #vars: tfc.Variable[];
  readonly #ms: tfc.Variable[];
  readonly #constants: { rho: tfc.Scalar; oneMinusRho: tfc.Scalar; lr: tfc.Scalar; epsilon: tfc.Scalar };

  /**
   * @param vars The variables to update, in a fixed order.
   * @param fused A backend's own kernels for the update, or undefined for TensorFlow.js ops.
   * @param saved Running means from `save()`, or zeros when absent.
   */
  constructor(tf: TF, vars: tfc.Variable[], settings: RmspropSettings, fused?: FusedUpdate, saved?: Float32Array) {
    this.#tf = tf;
    this.#vars = vars;
    this.#settings = settings;
    this.#fused = fused;
    const total = vars.reduce((sum, v) => sum + v.size, 0);
    if (saved && saved.length !== total) throw new Error(`the optimizer state holds ${saved.length} values, and the weights need ${total}`);
    this.#ms = tf.tidy(() => {
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
    const fused = this.#fused;
    if (fused) {
      this.#vars.forEach((v, i) => {
        const next = fused(v, grads[i]!, this.#ms[i]!, this.#settings);
        this.#ms[i]!.assign(next.ms);
        v.assign(next.w);
      });
    } else {
      this.#vars.forEach((v, i) => v.assign(step(this.#ms[i]!, v, grads[i]!)));
    }
  }

  /** The running means as one vector, in the variables' order. */
  async save(): Promise<Float32Array> {
    const parts = (await Promise.all(this.#ms.map((m) => m.data()))) as Float32Array[];
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
