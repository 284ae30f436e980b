/**
 * RMSprop's update as two WebGPU kernels per variable, instead of the nine
 * or so that the same arithmetic takes in TensorFlow.js ops:
 *
 *   means kernel:   ms′ = ρ·ms + (1 − ρ)·g²
 *   weights kernel: w′  = w − lr·g / (√ms′ + ε)   (computing ms′ itself)
 *
 * The two read the same inputs and do not depend on each other, and no
 * intermediate tensor is written to memory. Each is a TensorFlow.js
 * WebGPUProgram run by the backend (`runWebGPUProgram`), so it shares the
 * backend's buffers, command encoder and pipeline cache.
 *
 * Loaded by the training worker only; the update it computes is the one in
 * rmsprop.ts, and the browser tests check that WebGPU training follows the
 * same numbers as WebAssembly training, step by step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { FusedUpdate, RmspropSettings } from '../model/rmsprop.ts';

class RmspropProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [128, 1, 1];
  readonly size = true;
  readonly uniforms = 'lr : f32, rho : f32, oneMinusRho : f32, epsilon : f32,';
  readonly #output: 'means' | 'weights';

  constructor(shape: number[], output: 'means' | 'weights') {
    this.#output = output;
    this.variableNames = output === 'means' ? ['G', 'M'] : ['G', 'M', 'W'];
    this.outputShape = shape;
    this.shaderKey = `deck_rmsprop_${output}`;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(shape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, shape, this.workgroupSize);
  }

  getUserCode(): string {
    const write =
      this.#output === 'means'
        ? 'setOutputAtIndex(index, m);'
        : 'setOutputAtIndex(index, getWByOutputIndex(index) - uniforms.lr * g / (sqrt(m) + uniforms.epsilon));';
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let g = getGByOutputIndex(index);
          let m = uniforms.rho * getMByOutputIndex(index) + uniforms.oneMinusRho * g * g;
          ${write}
        }
      }
    `;
  }
}

/** The fused update on the WebGPU backend, for `Rmsprop`'s `fused` option. */
export const webgpuRmspropUpdate: FusedUpdate = (w: tf.Tensor, g: tf.Tensor, ms: tf.Tensor, s: RmspropSettings) => {
  const backend = tf.backend() as WebGPUBackend;
  // One entry per f32 field of `uniforms`, in order.
  const uniforms = [s.learningRate, s.rho, 1 - s.rho, s.epsilon].map((value) => ({ type: 'float32', data: [value] }));
  const run = (output: 'means' | 'weights', inputs: tf.Tensor[]) =>
    tf.engine().makeTensorFromTensorInfo(backend.runWebGPUProgram(new RmspropProgram(w.shape, output), inputs, 'float32', uniforms));
  return { ms: run('means', [g, ms]), w: run('weights', [g, ms, w]) };
};
