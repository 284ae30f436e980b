/**
 * The lecture network's forward pass and its gradients, derived by hand.
 *
 *   h = relu(x·W1 + b1)          z = h·W2 + b2          p = softmax(z)
 *   loss = mean over the batch of −Σ y·log p   (categorical cross-entropy)
 *
 *   ∂loss/∂z  = (p − y) / B
 *   ∂loss/∂W2 = hᵀ·∂z             ∂loss/∂b2 = Σ_batch ∂z
 *   ∂loss/∂h  = ∂z·W2ᵀ ⊙ [h > 0]
 *   ∂loss/∂W1 = xᵀ·∂h             ∂loss/∂b1 = Σ_batch ∂h
 *
 * Why not automatic differentiation: TensorFlow.js's gradient of a fused
 * matMul always computes the gradient with respect to its input as well, and
 * for the first layer that input is the batch of images, which needs no
 * gradient. That wasted product (B × 512 × 784 multiply-adds) is a third of
 * a training step's arithmetic. Writing the five products out also lets each
 * backend get them in the form it runs fastest (see `explicitTranspose`).
 * The unit tests check these gradients against automatic differentiation.
 *
 * DOM-free, like the rest of src/train: it takes the `tf` namespace.
 */
import type * as tfc from '@tensorflow/tfjs-core';

type TF = typeof tfc;

// A type, not an interface, so that it fits tf.tidy's TensorContainer.
export type Parameters = {
  w1: tfc.Tensor2D;
  b1: tfc.Tensor1D;
  w2: tfc.Tensor2D;
  b2: tfc.Tensor1D;
};

export type Gradients = Parameters;

export interface BackpropOptions {
  /**
   * Transpose operands with a transpose kernel before multiplying, rather
   * than asking the matMul kernel to read them transposed. TensorFlow.js's
   * WebAssembly backend hands only untransposed products to XNNPACK and runs
   * the others in a plain loop, about ten times slower (xᵀ·∂h for a batch of
   * 128: 52 ms against 4 ms plus 5 ms for the transpose, measured under
   * Node); GPU backends read transposed operands at no cost.
   */
  explicitTranspose: boolean;
}

/** The backends on which a transposed matMul is slow enough to transpose first. */
export function prefersExplicitTranspose(backend: string): boolean {
  return backend === 'wasm';
}

/** The hidden layer and the logits for a batch: two fused matMul kernels (bias and ReLU folded in). */
function layers(tf: TF, x: tfc.Tensor2D, p: Parameters): { h: tfc.Tensor2D; logits: tfc.Tensor2D } {
  const h = tf.fused.matMul({ a: x, b: p.w1, bias: p.b1, activation: 'relu' }) as tfc.Tensor2D;
  return { h, logits: tf.fused.matMul({ a: h, b: p.w2, bias: p.b2 }) as tfc.Tensor2D };
}

/** Logits for a batch. */
export function forward(tf: TF, x: tfc.Tensor2D, p: Parameters): tfc.Tensor2D {
  return layers(tf, x, p).logits;
}

/**
 * Mean cross-entropy of the batch, its gradients with respect to the four
 * parameters, and the logits (for accuracy). Call inside `tf.tidy`.
 */
export function lossAndGradients(
  tf: TF,
  x: tfc.Tensor2D,
  y: tfc.Tensor2D,
  p: Parameters,
  options: BackpropOptions,
): { loss: tfc.Scalar; logits: tfc.Tensor2D; grads: Gradients } {
  const product = (a: tfc.Tensor2D, b: tfc.Tensor2D, transposeA: boolean, transposeB: boolean): tfc.Tensor2D =>
    options.explicitTranspose
      ? tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b)
      : tf.matMul(a, b, transposeA, transposeB);
  const batch = x.shape[0];
  const { h, logits } = layers(tf, x, p);
  // log Σ exp z − Σ y·z per example: the numerically stable form of −Σ y·log softmax(z).
  const loss = tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(y, logits), 1))) as tfc.Scalar;
  const dz = tf.div(tf.sub(tf.softmax(logits), y), batch) as tfc.Tensor2D;
  const dh = tf.mul(product(dz, p.w2, false, true), tf.step(h)) as tfc.Tensor2D;
  return {
    loss,
    logits,
    grads: {
      w1: product(x, dh, true, false),
      b1: tf.sum(dh, 0) as tfc.Tensor1D,
      w2: product(h, dz, true, false),
      b2: tf.sum(dz, 0) as tfc.Tensor1D,
    },
  };
}
