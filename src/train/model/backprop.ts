/**
 * A model's forward pass and its gradients, derived by hand, for any stack
 * of the layers in spec.ts. For the lecture's network:
 *
 *   h = relu(x·W1 + b1)          z = h·W2 + b2          p = softmax(z)
 *   loss = mean over the batch of −Σ y·log p   (categorical cross-entropy)
 *
 *   ∂loss/∂z  = (p − y) / B
 *   ∂loss/∂W2 = hᵀ·∂z             ∂loss/∂b2 = Σ_batch ∂z
 *   ∂loss/∂h  = ∂z·W2ᵀ ⊙ [h > 0]
 *   ∂loss/∂W1 = xᵀ·∂h             ∂loss/∂b1 = Σ_batch ∂h
 *
 * and the same pattern, layer by layer from the output down, for more dense
 * layers, none (logistic regression), or convolutions and pools (conv.ts).
 *
 * Why not automatic differentiation: TensorFlow.js's gradient of a fused
 * matMul always computes the gradient with respect to its input as well, and
 * for the first layer that input is the batch of images, which needs no
 * gradient. That wasted product (B × 512 × 784 multiply-adds) is a third of
 * the lecture network's training step. Writing the products out also lets
 * each backend get them in the form it runs fastest (`explicitTranspose`,
 * `route`), lets convnets train on WebAssembly, whose TensorFlow.js 4.22 has
 * no kernel for a convolution's filter gradient, and needs no registered
 * gradients. The unit tests check these gradients against automatic
 * differentiation and finite differences.
 *
 * DOM-free, like the rest of src/train: it takes the `tf` namespace.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import {
  activate,
  activationGradient,
  convFilterGradient,
  convForward,
  convInputGradient,
  finishActivation,
  fusable,
  poolInputGradient,
  type GradientRoute,
} from './conv.ts';
import { INPUT_SHAPE, type ModelSpec } from './spec.ts';
import { resolveModel, type ResolvedLayer } from './spec-check.ts';

type TF = typeof tfc;

/** Kernel and bias of each dense or conv2d layer, the output layer last. A type, not an interface, so that it fits tf.tidy's TensorContainer. */
export type Parameters = tfc.Tensor[];
/** ∂loss/∂parameter for each parameter, in the same order and shapes. */
export type Gradients = tfc.Tensor[];

/** A model ready to run: its layers with their shapes, and where each layer's parameters sit in `Parameters`. */
export interface Network {
  readonly spec: ModelSpec;
  /** The spec's layers and then the output layer (Dense 10, its softmax left to the loss). */
  readonly layers: readonly ResolvedLayer[];
  /** For each layer, the index of its kernel in `Parameters` (its bias follows), or -1 for a pool. */
  readonly kernelAt: readonly number[];
  /** Names and shapes of the parameters, in order: "w1", "b1", "w2", … numbered by weighted layer. */
  readonly parameters: readonly { name: string; shape: number[]; layer: number }[];
}

/** Checks and lays out a model spec; throws one message that lists every problem. */
export function compile(spec: ModelSpec): Network {
  const { layers, problems } = resolveModel(spec);
  if (problems.length > 0) throw new Error(`the model is not valid: ${problems.join('; ')}`);
  const kernelAt: number[] = [];
  const parameters: { name: string; shape: number[]; layer: number }[] = [];
  for (const layer of layers) {
    if (layer.type === 'maxpool') {
      kernelAt.push(-1);
      continue;
    }
    kernelAt.push(parameters.length);
    const n = parameters.length / 2 + 1;
    parameters.push({ name: `w${n}`, shape: [...layer.kernelShape], layer: layer.index });
    parameters.push({ name: `b${n}`, shape: [layer.kernelShape.at(-1)!], layer: layer.index });
  }
  return { spec, layers, kernelAt, parameters };
}

/** How the backward pass lays its work out for a backend (see `backpropOptions`). */
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
  /** How convolutions and pools get their gradients (conv.ts); dense-only models ignore it. */
  route: GradientRoute;
}

/** The backends on which a transposed matMul is slow enough to transpose first. */
export function prefersExplicitTranspose(backend: string): boolean {
  return backend === 'wasm';
}

/**
 * The fastest way to take gradients on a backend. The GPU backends have
 * good gradient kernels; wasm lacks one and runs the others as plain loops,
 * and the CPU backend's are slower still (its Conv2DBackpropFilter took
 * 3.2 s for a batch of 16 in the small convnet, against about 0.1 s by the
 * composite route).
 */
export function backpropOptions(backend: string): BackpropOptions {
  const gpu = backend === 'webgl' || backend === 'webgpu';
  return { explicitTranspose: prefersExplicitTranspose(backend), route: gpu ? 'kernels' : 'composite' };
}

/**
 * A convolution's bias gradient: ∂loss/∂z summed over batch, rows and
 * columns. The composite route sums with a product by a row of ones, because
 * wasm's sum over leading axes transposes first (6 ms against 1 ms for a
 * batch of 128 at 24 × 24 × 16).
 */
function sumOverPixels(tf: TF, d: tfc.Tensor4D, route: GradientRoute): tfc.Tensor1D {
  if (route === 'kernels') return tf.sum(d, [0, 1, 2]);
  const [batch, height, width, channels] = d.shape;
  const n = batch * height * width;
  return tf.reshape(tf.matMul(tf.ones([1, n]), tf.reshape(d, [n, channels])), [channels]);
}

/** What the forward pass keeps for the backward pass: each layer's input (as it read it) and output. */
interface Pass {
  inputs: tfc.Tensor[];
  outputs: tfc.Tensor[];
  /** For a pool, its maxima before the activation moved behind it (see `run`). */
  pooled: (tfc.Tensor | undefined)[];
}

/**
 * Runs the layers on a batch of flat images ([B, 784]); the last output
 * holds the logits. For training, a convolution followed by a pool leaves
 * its activation to after the pool: max pooling commutes with any
 * non-decreasing activation, so the result is the same, the activation runs
 * on a tensor size² times smaller, and the pool's gradient is routed
 * through values with no ties (ReLU's zeros would tie).
 */
function run(tf: TF, net: Network, x: tfc.Tensor2D, p: Parameters, training: boolean): Pass {
  const pass: Pass = { inputs: [], outputs: [], pooled: [] };
  const batch = x.shape[0];
  let h: tfc.Tensor = net.layers[0]!.type === 'dense' ? x : tf.reshape(x, [batch, ...INPUT_SHAPE]);
  for (const [i, layer] of net.layers.entries()) {
    const k = net.kernelAt[i]!;
    let input = h;
    let pooled: tfc.Tensor | undefined;
    if (layer.type === 'dense') {
      if (input.rank !== 2) input = tf.reshape(input, [batch, layer.kernelShape[0]]);
      const z = tf.fused.matMul({
        a: input as tfc.Tensor2D,
        b: p[k] as tfc.Tensor2D,
        bias: p[k + 1],
        activation: fusable(layer.activation),
      });
      h = finishActivation(tf, z, layer.activation);
    } else if (layer.type === 'conv2d') {
      const deferred = training && net.layers[i + 1]?.type === 'maxpool';
      h = convForward(
        tf,
        input as tfc.Tensor4D,
        p[k] as tfc.Tensor4D,
        p[k + 1] as tfc.Tensor1D,
        layer.padding,
        deferred ? 'linear' : layer.activation,
      );
    } else {
      pooled = tf.maxPool(input as tfc.Tensor4D, layer.size, layer.size, 'valid');
      const under = net.layers[i - 1];
      h = training && under?.type === 'conv2d' ? activate(tf, pooled, under.activation) : pooled;
    }
    pass.inputs.push(input);
    pass.outputs.push(h);
    pass.pooled.push(pooled);
  }
  return pass;
}

/** Logits for a batch of flat images ([B, 784]). */
export function forward(tf: TF, net: Network, x: tfc.Tensor2D, p: Parameters): tfc.Tensor2D {
  return run(tf, net, x, p, false).outputs.at(-1) as tfc.Tensor2D;
}

/** Every layer's output for a batch, the logits last (for drawing a digit's path through the network). */
export function forwardLayers(tf: TF, net: Network, x: tfc.Tensor2D, p: Parameters): tfc.Tensor[] {
  return run(tf, net, x, p, false).outputs;
}

/**
 * Mean cross-entropy of the batch, its gradients with respect to the
 * parameters (in their order), and the logits (for accuracy). Call inside
 * `tf.tidy`.
 */
export function lossAndGradients(
  tf: TF,
  net: Network,
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
  const pass = run(tf, net, x, p, true);
  const logits = pass.outputs.at(-1) as tfc.Tensor2D;
  // log Σ exp z − Σ y·z per example: the numerically stable form of −Σ y·log softmax(z).
  const loss = tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(y, logits), 1))) as tfc.Scalar;
  const grads: Gradients = new Array(net.parameters.length);
  // Below the first weighted layer nothing needs a gradient (pools over the images, the images themselves).
  const lowest = net.kernelAt.findIndex((k) => k >= 0);
  // ∂loss/∂(the current layer's output before its activation; for a pool, its output).
  let d: tfc.Tensor = tf.div(tf.sub(tf.softmax(logits), y), batch);
  for (let i = net.layers.length - 1; i >= lowest; i--) {
    const layer = net.layers[i]!;
    const k = net.kernelAt[i]!;
    const input = pass.inputs[i]!;
    let below: tfc.Tensor;
    // True when `below` already holds ∂loss/∂z of the layer underneath, its activation's derivative applied.
    let applied = false;
    if (layer.type === 'dense') {
      grads[k] = product(input as tfc.Tensor2D, d as tfc.Tensor2D, true, false);
      grads[k + 1] = tf.sum(d, 0);
      if (i === lowest) break;
      below = product(d as tfc.Tensor2D, p[k] as tfc.Tensor2D, false, true);
      if (input.rank !== pass.outputs[i - 1]!.rank) below = tf.reshape(below, pass.outputs[i - 1]!.shape);
    } else if (layer.type === 'conv2d') {
      grads[k] = convFilterGradient(tf, input as tfc.Tensor4D, d as tfc.Tensor4D, layer.kernelShape, layer.padding, options.route);
      grads[k + 1] = sumOverPixels(tf, d as tfc.Tensor4D, options.route);
      if (i === lowest) break;
      below = convInputGradient(
        tf,
        d as tfc.Tensor4D,
        p[k] as tfc.Tensor4D,
        input.shape as [number, number, number, number],
        layer.padding,
        options.route,
      );
    } else {
      // A convolution underneath had its activation moved behind this pool (see `run`): its derivative is taken
      // here, on the pooled tensor, and what reaches the convolution is already ∂loss/∂z.
      const under = net.layers[i - 1]!;
      let dy = d;
      if (under.type === 'conv2d') {
        dy = activationGradient(tf, d, pass.outputs[i]!, under.activation);
        applied = true;
      }
      below = poolInputGradient(tf, dy as tfc.Tensor4D, input as tfc.Tensor4D, pass.pooled[i] as tfc.Tensor4D, layer.size, options.route);
    }
    const under = net.layers[i - 1]!;
    d = under.type === 'maxpool' || applied ? below : activationGradient(tf, below, pass.outputs[i - 1]!, under.activation);
  }
  return { loss, logits, grads };
}
