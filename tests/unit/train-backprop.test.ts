/**
 * The hand-derived gradients of every kind of model, checked against
 * TensorFlow.js's automatic differentiation of the same model written with
 * plain layers (on the CPU backend, the one under Node that has every
 * gradient kernel) and against finite differences of the loss, on each
 * backend available under Node (WebAssembly and CPU) and by each gradient
 * route; and RMSprop's two layouts against its rule in plain numbers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  backpropOptions,
  compile,
  forward,
  lossAndGradients,
  prefersExplicitTranspose,
  type BackpropOptions,
  type Network,
} from '../../src/train/model/backprop.ts';
import { Rmsprop, type FusedUpdate } from '../../src/train/model/rmsprop.ts';
import { mulberry32 } from '../../src/lib/random.ts';
import { KERAS_DENSE, LOGISTIC, SMALL_CNN, type Activation, type ModelSpec } from '../../src/train/model/spec.ts';
import { wasmTf } from './tf-wasm.ts';

let tf: Awaited<ReturnType<typeof wasmTf>>;

beforeAll(async () => {
  tf = await wasmTf();
});

/** Largest difference between two arrays, relative to the larger magnitude of the reference. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return worst / scale;
}

/** Two hidden dense layers with the activations the lecture network does not use. */
const MLP: ModelSpec = {
  layers: [
    { type: 'dense', units: 32, activation: 'tanh' },
    { type: 'dense', units: 16, activation: 'sigmoid' },
  ],
};

/**
 * A convnet that takes every path of the backward pass: 'same' padding with
 * odd and even kernels, a first layer with more than 8 filters (im2col),
 * pools of 3 and 2 that leave a ragged edge, a convolution that feeds a
 * convolution, tanh, sigmoid and linear activations, and a dense layer.
 */
const ODD_CNN: ModelSpec = {
  layers: [
    { type: 'conv2d', filters: 9, kernel: 3, activation: 'tanh', padding: 'same' },
    { type: 'maxpool', size: 3 },
    { type: 'conv2d', filters: 6, kernel: 2, activation: 'relu', padding: 'same' },
    { type: 'conv2d', filters: 5, kernel: 3, activation: 'sigmoid' },
    { type: 'maxpool', size: 2 },
    { type: 'dense', units: 12, activation: 'linear' },
  ],
};

/** ReLU and two pools in a row: maxima tie at zero in the second pool. */
const POOLED_TWICE: ModelSpec = {
  layers: [
    { type: 'conv2d', filters: 3, kernel: 3, activation: 'relu' },
    { type: 'maxpool', size: 2 },
    { type: 'maxpool', size: 2 },
  ],
};

const MODELS: [string, ModelSpec, number][] = [
  ['logistic regression', LOGISTIC, 16],
  ["the lecture's Dense 512 ReLU network", KERAS_DENSE, 16],
  ['a two-hidden-layer MLP (tanh, sigmoid)', MLP, 16],
  ['the small convnet', SMALL_CNN, 8],
  ['a convnet with odd shapes and every activation', ODD_CNN, 6],
  ['a convnet with two pools in a row', POOLED_TWICE, 6],
];

/** A seeded batch (pixels in [0, 1], a third of them ink-free as in MNIST) and parameters, as plain arrays. */
function problem(net: Network, batch: number, seed: number) {
  const random = mulberry32(seed);
  const x = Float32Array.from({ length: batch * 784 }, () => (random() < 0.33 ? 0 : random()));
  const labels = Array.from({ length: batch }, () => Math.floor(random() * 10));
  const params = net.parameters.map(({ shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length === 1 ? 1 : size / shape.at(-1)!;
    const scale = shape.length === 1 ? 0.1 : 1.5 / Math.sqrt(fanIn);
    return { shape, values: Float32Array.from({ length: size }, () => (random() * 2 - 1) * scale) };
  });
  return { x, labels, params, batch };
}

type Problem = ReturnType<typeof problem>;

function tensors(p: Problem) {
  return {
    x: tf.tensor2d(p.x, [p.batch, 784]),
    y: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(p.labels, 'int32'), 10), 'float32') as tfc.Tensor2D),
    params: p.params.map((t) => tf.tensor(t.values, t.shape)),
  };
}

const plainActivation = (z: tfc.Tensor, activation: Activation): tfc.Tensor =>
  activation === 'relu' ? tf.relu(z) : activation === 'tanh' ? tf.tanh(z) : activation === 'sigmoid' ? tf.sigmoid(z) : z;

/** The same model as Keras would run it, in plain unfused layers, for automatic differentiation. */
function plainLoss(net: Network, x: tfc.Tensor2D, y: tfc.Tensor2D, params: tfc.Tensor[]): tfc.Scalar {
  let h: tfc.Tensor = net.layers[0]!.type === 'dense' ? x : tf.reshape(x, [x.shape[0], 28, 28, 1]);
  net.layers.forEach((layer, i) => {
    const k = net.kernelAt[i]!;
    if (layer.type === 'maxpool') h = tf.maxPool(h as tfc.Tensor4D, layer.size, layer.size, 'valid');
    else if (layer.type === 'conv2d')
      h = plainActivation(
        tf.add(tf.conv2d(h as tfc.Tensor4D, params[k] as tfc.Tensor4D, 1, layer.padding), params[k + 1]!),
        layer.activation,
      );
    else
      h = plainActivation(tf.add(tf.matMul(tf.reshape(h, [x.shape[0], -1]), params[k] as tfc.Tensor2D), params[k + 1]!), layer.activation);
  });
  return tf.losses.softmaxCrossEntropy(y, h) as tfc.Scalar;
}

/** Loss and gradients by automatic differentiation, on the CPU backend. */
async function reference(net: Network, p: Problem): Promise<{ loss: number; grads: Float32Array[] }> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    const { x, y, params } = tensors(p);
    const vars = params.map((t) => tf.variable(t));
    const { value, grads } = tf.variableGrads(() => plainLoss(net, x, y, vars), vars);
    const result = {
      loss: (await value.data())[0]!,
      grads: await Promise.all(vars.map(async (v) => (await grads[v.name]!.data()) as Float32Array)),
    };
    tf.dispose([x, y, ...params, ...vars, value, ...Object.values(grads)]);
    return result;
  } finally {
    await tf.setBackend(previous);
  }
}

/** The model's loss by this module's forward pass (for finite differences). */
function lossOf(net: Network, x: tfc.Tensor2D, y: tfc.Tensor2D, params: tfc.Tensor[]): number {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(y, forward(tf, net, x, params)).dataSync()[0]!);
}

const SETTINGS: [string, BackpropOptions][] = [
  ['wasm', { explicitTranspose: true, route: 'composite' }],
  ['wasm', { explicitTranspose: false, route: 'composite' }],
  ['cpu', { explicitTranspose: false, route: 'kernels' }],
  ['cpu', { explicitTranspose: false, route: 'composite' }],
];

describe('the hand-derived gradients', () => {
  for (const [name, spec, batch] of MODELS) {
    for (const [backend, options] of SETTINGS) {
      const dense = spec.layers.every((l) => l.type === 'dense');
      // The route concerns only convolutions and pools, and the transposes only wasm's speed: not every pair is worth a test.
      if (dense && options.route === 'composite' && backend === 'cpu') continue;
      if (!dense && !options.explicitTranspose && backend === 'wasm') continue;
      it(`of ${name} equal automatic differentiation on ${backend} (${options.route} route, explicitTranspose: ${options.explicitTranspose})`, async () => {
        const net = compile(spec);
        const p = problem(net, batch, 7);
        const expected = await reference(net, p);
        await tf.setBackend(backend);
        try {
          const { x, y, params } = tensors(p);
          const before = tf.memory().numTensors;
          const mine = tf.tidy(() => lossAndGradients(tf, net, x, y, params, options));
          expect(Math.abs((await mine.loss.data())[0]! - expected.loss)).toBeLessThan(1e-5);
          for (const [i, { name: parameter, shape }] of net.parameters.entries()) {
            expect(mine.grads[i]!.shape, parameter).toEqual(shape);
            expect(relativeError(await mine.grads[i]!.data(), expected.grads[i]!), `${parameter} on ${backend}`).toBeLessThan(2e-4);
          }
          tf.dispose([mine.loss, mine.logits, ...mine.grads]);
          // Only the results outlive the call: nothing else is left on the device.
          expect(tf.memory().numTensors).toBe(before);
          tf.dispose([x, y, ...params]);
        } finally {
          await tf.setBackend('wasm');
        }
      });
    }

    it(`of ${name} match finite differences of the loss on wasm`, async () => {
      const net = compile(spec);
      const p = problem(net, batch, 11);
      const { x, y, params } = tensors(p);
      const grads = tf.tidy(() => lossAndGradients(tf, net, x, y, params, backpropOptions('wasm')).grads);
      // Small enough that few maxima and ReLUs switch sides, large enough for float32 differences of the loss.
      const epsilon = 1e-3;
      for (const [i, { name: parameter }] of net.parameters.entries()) {
        // The coordinate with the steepest slope, where float32 differences of the loss are most telling.
        const g = (await grads[i]!.data()) as Float32Array;
        let at = 0;
        g.forEach((v, j) => {
          if (Math.abs(v) > Math.abs(g[at]!)) at = j;
        });
        const nudged = (delta: number) => {
          const values = Float32Array.from(p.params[i]!.values);
          values[at]! += delta;
          const moved = params.map((t, j) => (j === i ? tf.tensor(values, t.shape) : t));
          const loss = lossOf(net, x, y, moved);
          moved[i]!.dispose();
          return loss;
        };
        const numeric = (nudged(epsilon) - nudged(-epsilon)) / (2 * epsilon);
        expect(Math.abs(numeric - g[at]!), `${parameter}[${at}]: ${numeric} against ${g[at]}`).toBeLessThan(0.03 * Math.abs(g[at]!) + 2e-4);
      }
      tf.dispose([x, y, ...params, ...grads]);
    });
  }

  it("choose explicit transposes for wasm only, and the backend's gradient kernels on GPUs only", () => {
    expect(prefersExplicitTranspose('wasm')).toBe(true);
    expect(prefersExplicitTranspose('webgl')).toBe(false);
    expect(backpropOptions('wasm')).toEqual({ explicitTranspose: true, route: 'composite' });
    expect(backpropOptions('cpu')).toEqual({ explicitTranspose: false, route: 'composite' });
    expect(backpropOptions('webgl')).toEqual({ explicitTranspose: false, route: 'kernels' });
    expect(backpropOptions('webgpu')).toEqual({ explicitTranspose: false, route: 'kernels' });
  });

  it('refuse an invalid model, naming every problem', () => {
    expect(() =>
      compile({
        layers: [
          { type: 'dense', units: 8, activation: 'relu' },
          { type: 'maxpool', size: 2 },
        ],
      }),
    ).toThrow('the model is not valid: layer 2: a maxpool layer cannot follow a dense layer');
  });
});

describe('RMSprop', () => {
  const settings = { learningRate: 0.01, rho: 0.9, epsilon: 1e-7 };

  /** The update rule in plain numbers: ms ← ρ·ms + (1−ρ)·g²; w ← w − lr·g/(√ms + ε). */
  function rule(w: number[], grads: number[][]): number[] {
    const ms = w.map(() => 0);
    const out = [...w];
    for (const g of grads) {
      g.forEach((gi, i) => {
        ms[i] = settings.rho * ms[i]! + (1 - settings.rho) * gi * gi;
        out[i] = out[i]! - (settings.learningRate * gi) / (Math.sqrt(ms[i]!) + settings.epsilon);
      });
    }
    return out;
  }

  const start = [0.5, -1, 2, 0.25, 3];
  const steps = [
    [1, -2, 0.5, 0, 4],
    [0.5, -1, -0.5, 2, 1],
    [-3, 0.1, 1, -1, 0.2],
  ];

  const cpuFused: FusedUpdate = (w, g, ms, s) => ({
    ms: tf.add(tf.mul(s.rho, ms), tf.mul(1 - s.rho, tf.square(g))),
    w: tf.sub(w, tf.div(tf.mul(s.learningRate, g), tf.add(tf.sqrt(tf.add(tf.mul(s.rho, ms), tf.mul(1 - s.rho, tf.square(g)))), s.epsilon))),
  });

  for (const [name, fused] of [
    ['TensorFlow.js ops', undefined],
    ['a fused update', cpuFused],
  ] as const) {
    it(`updates as Keras's rule says, with ${name}`, async () => {
      const a = tf.variable(tf.tensor2d(start.slice(0, 4), [2, 2]));
      const b = tf.variable(tf.tensor1d(start.slice(4)));
      const optimizer = new Rmsprop(tf, [a, b], settings, fused);
      for (const g of steps) tf.tidy(() => optimizer.apply([tf.tensor2d(g.slice(0, 4), [2, 2]), tf.tensor1d(g.slice(4))]));
      const got = [...(await a.data()), ...(await b.data())];
      expect(relativeError(got, rule(start, steps))).toBeLessThan(1e-6);
      // The running means come out as one vector in variable order.
      const ms = await optimizer.save();
      const expectedMs = start.map((_, i) => steps.reduce((m, g) => settings.rho * m + (1 - settings.rho) * g[i]! ** 2, 0));
      expect(relativeError(ms, expectedMs)).toBeLessThan(1e-6);
      optimizer.dispose();
      tf.dispose([a, b]);
    });
  }

  it('carries its state from one optimizer to the next, as a backend switch needs', async () => {
    const run = async (layouts: [FusedUpdate | undefined, FusedUpdate | undefined]) => {
      const a = tf.variable(tf.tensor1d(start));
      let optimizer = new Rmsprop(tf, [a], settings, layouts[0]);
      tf.tidy(() => optimizer.apply([tf.tensor1d(steps[0]!)]));
      const saved = await optimizer.save();
      optimizer.dispose();
      optimizer = new Rmsprop(tf, [a], settings, layouts[1], saved);
      for (const g of steps.slice(1)) tf.tidy(() => optimizer.apply([tf.tensor1d(g)]));
      const values = Array.from(await a.data());
      optimizer.dispose();
      a.dispose();
      return values;
    };
    expect(relativeError(await run([cpuFused, undefined]), rule(start, steps))).toBeLessThan(1e-6);
    expect(relativeError(await run([undefined, cpuFused]), rule(start, steps))).toBeLessThan(1e-6);
  });

  it('refuses saved state of the wrong size, naming both sizes', () => {
    const a = tf.variable(tf.tensor1d(start));
    expect(() => new Rmsprop(tf, [a], settings, undefined, new Float32Array(3))).toThrow(/3 values, and the weights need 5/);
    a.dispose();
  });
});
