/**
 * Convolution and max pooling, forward and backward, in TensorFlow.js ops,
 * for the hand-derived backward pass of backprop.ts.
 *
 * Every backend runs the forward pass with its own kernels (a fused
 * convolution with bias and activation, max pooling). The backward pass
 * takes one of two routes:
 *
 * - 'kernels': the backend's gradient kernels (Conv2DBackpropFilter,
 *   Conv2DBackpropInput, MaxPoolGrad), as automatic differentiation would
 *   call them. WebGL, WebGPU and the CPU backend have all three.
 * - 'composite': the same gradients built from operations that are fast
 *   on TensorFlow.js 4.22's WebAssembly backend, which has no
 *   Conv2DBackpropFilter at all and runs its Conv2DBackpropInput and
 *   MaxPoolGrad as plain loops (measured under Node for a batch of 128:
 *   Conv2DBackpropInput 196 ms against 38 ms for the equivalent forward
 *   convolution; MaxPoolGrad over 24 × 24 × 16 maps 55 ms against 17 ms for
 *   the comparison below). Its operations exist on every backend.
 *
 * DOM-free; takes the `tf` namespace.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { Activation } from './spec.ts';

type TF = typeof tfc;

/** How the backward pass gets the gradients of convolutions and pools (see the module comment). */
export type GradientRoute = 'kernels' | 'composite';

/** The activations that TensorFlow.js fuses into a matMul or a convolution on every backend. */
export function fusable(activation: Activation): 'relu' | 'sigmoid' | 'linear' {
  return activation === 'tanh' ? 'linear' : activation;
}

/** Applies what `fusable` left out. */
export function finishActivation(tf: TF, z: tfc.Tensor, activation: Activation): tfc.Tensor {
  return activation === 'tanh' ? tf.tanh(z) : z;
}

/** An activation on its own, for where it cannot be fused. */
export function activate(tf: TF, z: tfc.Tensor, activation: Activation): tfc.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'linear':
      return z;
  }
}

/**
 * ∂loss/∂z from ∂loss/∂h, where h = activation(z), written with h alone so
 * that z need not be kept: relu′ = [h > 0], tanh′ = 1 − h², sigmoid′ = h(1 − h).
 */
export function activationGradient(tf: TF, dh: tfc.Tensor, h: tfc.Tensor, activation: Activation): tfc.Tensor {
  switch (activation) {
    case 'relu':
      return tf.mul(dh, tf.step(h));
    case 'tanh':
      return tf.mul(dh, tf.sub(1, tf.square(h)));
    case 'sigmoid':
      return tf.mul(dh, tf.mul(h, tf.sub(1, h)));
    case 'linear':
      return dh;
  }
}

/** The rows (or columns) TensorFlow's 'same' padding adds before and after, for stride 1. */
export function samePads(kernel: number): [number, number] {
  const before = Math.floor((kernel - 1) / 2);
  return [before, kernel - 1 - before];
}

/** A convolution with stride 1, its bias and activation, as one fused kernel where the backend has one. */
export function convForward(
  tf: TF,
  x: tfc.Tensor4D,
  filter: tfc.Tensor4D,
  bias: tfc.Tensor1D,
  padding: 'valid' | 'same',
  activation: Activation,
): tfc.Tensor4D {
  const z = tf.fused.conv2d({ x, filter, bias, strides: 1, pad: padding, activation: fusable(activation) });
  return finishActivation(tf, z, activation) as tfc.Tensor4D;
}

/** ∂loss/∂filter of a stride-1 convolution, from its input x and ∂loss/∂z (z before the activation). */
export function convFilterGradient(
  tf: TF,
  x: tfc.Tensor4D,
  dz: tfc.Tensor4D,
  filterShape: [number, number, number, number],
  padding: 'valid' | 'same',
  route: GradientRoute,
): tfc.Tensor4D {
  if (route === 'kernels') {
    return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dz }, {
      strides: [1, 1],
      pad: padding,
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      filterShape,
    } as unknown as tfc.NamedAttrMap);
  }
  const [kh, kw, channels, filters] = filterShape;
  const xp = padding === 'same' ? tf.pad(x, [[0, 0], samePads(kh), samePads(kw), [0, 0]]) : x;
  const [batch, hp, wp] = xp.shape;
  const [oh, ow] = [hp - kh + 1, wp - kw + 1];
  if (channels === 1 && filters > 8) {
    // One input channel (the image) and many filters: the k² shifted views of the batch are small, so im2col is
    // cheapest (measured for a batch of 128 and 16 filters: 12–15 ms against 22–26 ms for the convolution below;
    // with 8 filters the convolution wins, 8–12 ms against 14–18). The patches are built already transposed
    // ([k², B·oh·ow]) because a transposed matMul is slow on wasm.
    const planes = tf.reshape(xp, [batch, hp, wp]);
    const shifted: tfc.Tensor[] = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) shifted.push(tf.slice(planes, [0, i, j], [batch, oh, ow]));
    const patches = tf.reshape(tf.stack(shifted), [kh * kw, batch * oh * ow]);
    return tf.reshape(tf.matMul(patches, tf.reshape(dz, [batch * oh * ow, filters])), filterShape);
  }
  // Many channels: the gradient is itself a convolution, with the batch as the channels being summed over:
  // dW[i, j, c, f] = Σ_b,p,q x[b, i+p, j+q, c]·dz[b, p, q, f], i.e. conv(x as [c, h, w, b], dz as [p, q, b, f]).
  // It runs on the backend's fast forward convolution; with 16 channels in, im2col's patches took three times as long.
  const xt = tf.transpose(xp, [3, 1, 2, 0]) as tfc.Tensor4D;
  const dzt = tf.transpose(dz, [1, 2, 0, 3]) as tfc.Tensor4D;
  return tf.transpose(tf.conv2d(xt, dzt, 1, 'valid'), [1, 2, 0, 3]) as tfc.Tensor4D;
}

/** ∂loss/∂x of a stride-1 convolution, from ∂loss/∂z and the filter. */
export function convInputGradient(
  tf: TF,
  dz: tfc.Tensor4D,
  filter: tfc.Tensor4D,
  inputShape: [number, number, number, number],
  padding: 'valid' | 'same',
  route: GradientRoute,
): tfc.Tensor4D {
  if (route === 'kernels') return tf.conv2dTranspose(dz, filter, inputShape, 1, padding);
  // The "full" correlation of dz with the filter turned by 180° and its channels swapped, as a forward convolution;
  // padding dz by k − 1 less what the forward pass padded gives exactly the input's size.
  const [kh, kw] = filter.shape;
  const [th, bh] = padding === 'same' ? samePads(kh) : [0, 0];
  const [lw, rw] = padding === 'same' ? samePads(kw) : [0, 0];
  const dzp = tf.pad(dz, [
    [0, 0],
    [kh - 1 - th, kh - 1 - bh],
    [kw - 1 - lw, kw - 1 - rw],
    [0, 0],
  ]);
  const turned = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tfc.Tensor4D;
  return tf.conv2d(dzp, turned, 1, 'valid');
}

/**
 * ∂loss/∂x of max pooling over size × size windows with stride size
 * ('valid', as Keras), from the pool's input x and output y: each window's
 * gradient goes to the position of its maximum.
 *
 * The composite route finds that position by repeating y over each window
 * (a nearest-neighbour resize, which wasm runs natively, where a concat
 * copies row by row in JavaScript) and keeping the places where x reaches
 * it: x ≤ y everywhere, so 1 − step(y − x) is 1 exactly at the maxima
 * (faster on wasm than `equal`, whose boolean output takes a slow path).
 * Where a window holds its maximum twice, both places get the gradient
 * (TensorFlow picks one); backprop.ts pools a convolution's output before
 * its activation, where ties have probability zero.
 *
 * (TensorFlow.js 4.22's maxPoolWithArgmax on wasm cannot stand in: it
 * starts each window's maximum at FLT_MIN rather than −∞, so a window of
 * zeros or negative numbers comes out as 1.2e−38, and those subnormal
 * numbers then slow every later kernel down about forty times.)
 */
export function poolInputGradient(
  tf: TF,
  dy: tfc.Tensor4D,
  x: tfc.Tensor4D,
  y: tfc.Tensor4D,
  size: number,
  route: GradientRoute,
): tfc.Tensor4D {
  if (route === 'kernels') {
    return tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output: y }, {
      filterSize: size,
      strides: size,
      pad: 'valid',
      dimRoundingMode: undefined,
    } as unknown as tfc.NamedAttrMap);
  }
  const [batch, height, width, channels] = x.shape;
  const covered: [number, number] = [y.shape[1] * size, y.shape[2] * size];
  // A ragged last row or column belongs to no window, so its gradient is zero.
  const ragged = covered[0] !== height || covered[1] !== width;
  const inside = ragged ? tf.slice(x, [0, 0, 0, 0], [batch, ...covered, channels]) : x;
  const spread = (t: tfc.Tensor4D) => tf.image.resizeNearestNeighbor(t, covered);
  const dx = tf.mul(spread(dy), tf.sub(1, tf.step(tf.sub(spread(y), inside)))) as tfc.Tensor4D;
  return ragged
    ? tf.pad(dx, [
        [0, 0],
        [0, height - covered[0]],
        [0, width - covered[1]],
        [0, 0],
      ])
    : dx;
}
