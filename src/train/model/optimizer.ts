/**
 * What the Trainer asks of an optimizer: the one interface that every
 * optimizer (optimizers.ts) and RMSprop's fused form (rmsprop.ts) implement,
 * in a module of its own so that neither imports the other for it.
 */
import type * as tfc from '@tensorflow/tfjs-core';

export interface Optimizer {
  /** One update from gradients given in the variables' order. Call inside `tf.tidy`. */
  apply(grads: tfc.Tensor[]): void;
  /** The optimizer's state as one vector (see optimizers.ts for its layout). */
  save(): Promise<Float32Array>;
  dispose(): void;
}
