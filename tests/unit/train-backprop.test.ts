/**
 * The hand-derived gradients and the two layouts of RMSprop, checked against
 * TensorFlow.js's automatic differentiation and against the update rule
 * written out in plain numbers, on the WebAssembly backend under Node.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { forward, lossAndGradients, type Parameters } from '../../src/train/backprop.ts';
import { Rmsprop, type FusedUpdate } from '../../src/train/rmsprop.ts';
import { mulberry32 } from '../../src/train/random.ts';
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

function randomBatch(batch: number, inputs: number, hidden: number, classes: number, seed: number) {
  const random = mulberry32(seed);
  const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
  const labels = Int32Array.from({ length: batch }, () => Math.floor(random() * classes));
  return tf.tidy(() => ({
    x: tf.tensor2d(Float32Array.from({ length: batch * inputs }, () => random()), [batch, inputs]),
    y: tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32') as import('@tensorflow/tfjs-core').Tensor2D,
    params: {
      w1: tf.tensor2d(uniform(inputs * hidden, 0.3), [inputs, hidden]),
      b1: tf.tensor1d(uniform(hidden, 0.1)),
      w2: tf.tensor2d(uniform(hidden * classes, 0.3), [hidden, classes]),
      b2: tf.tensor1d(uniform(classes, 0.1)),
    } satisfies Parameters,
  }));
}

describe('the hand-derived gradients', () => {
  for (const explicitTranspose of [false, true]) {
    it(`equal automatic differentiation of the cross-entropy (explicitTranspose: ${explicitTranspose})`, async () => {
      const { x, y, params } = randomBatch(32, 784, 64, 10, 7);
      const names = ['w1', 'b1', 'w2', 'b2'] as const;
      const vars = names.map((name) => tf.variable(params[name], true, `backprop-${name}-${explicitTranspose}`));
      const auto = tf.variableGrads(() => {
        const p = { w1: vars[0], b1: vars[1], w2: vars[2], b2: vars[3] } as unknown as Parameters;
        return tf.losses.softmaxCrossEntropy(y, forward(tf, x, p)) as import('@tensorflow/tfjs-core').Scalar;
      }, vars);
      const mine = tf.tidy(() => lossAndGradients(tf, x, y, params, { explicitTranspose }));
      expect(Math.abs((await mine.loss.array()) - (await auto.value.array()))).toBeLessThan(1e-5);
      for (const [i, name] of names.entries()) {
        const expected = await auto.grads[vars[i]!.name]!.data();
        expect(mine.grads[name].shape).toEqual(params[name].shape);
        expect(relativeError(await mine.grads[name].data(), expected), name).toBeLessThan(1e-4);
      }
      // The ReLU must mask: some hidden units are off for some examples, so a gradient that ignored it would differ.
      const off = await tf.tidy(() => tf.sum(tf.step(tf.neg(tf.add(tf.matMul(x, params.w1), params.b1))))).data();
      expect(off[0]).toBeGreaterThan(0);
      tf.dispose([x, y, ...Object.values(params), ...vars, auto.value, ...Object.values(auto.grads), mine.loss, mine.logits, ...Object.values(mine.grads)]);
    });
  }
});

describe('RMSprop', () => {
  const settings = { learningRate: 0.01, rho: 0.9, epsilon: 1e-7 };

  /** The update rule in plain numbers: ms ← ρ·ms + (1−ρ)·g²; w ← w − lr·g/(√ms + ε). */
  function reference(w: number[], grads: number[][]): number[] {
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

  for (const [name, fused] of [['TensorFlow.js ops', undefined], ['a fused update', cpuFused]] as const) {
    it(`updates as Keras's rule says, with ${name}`, async () => {
      const a = tf.variable(tf.tensor2d(start.slice(0, 4), [2, 2]));
      const b = tf.variable(tf.tensor1d(start.slice(4)));
      const optimizer = new Rmsprop(tf, [a, b], settings, fused);
      for (const g of steps) tf.tidy(() => optimizer.apply([tf.tensor2d(g.slice(0, 4), [2, 2]), tf.tensor1d(g.slice(4))]));
      const got = [...(await a.data()), ...(await b.data())];
      expect(relativeError(got, reference(start, steps))).toBeLessThan(1e-6);
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
    expect(relativeError(await run([cpuFused, undefined]), reference(start, steps))).toBeLessThan(1e-6);
    expect(relativeError(await run([undefined, cpuFused]), reference(start, steps))).toBeLessThan(1e-6);
  });

  it('refuses saved state of the wrong size, naming both sizes', () => {
    const a = tf.variable(tf.tensor1d(start));
    expect(() => new Rmsprop(tf, [a], settings, undefined, new Float32Array(3))).toThrow(/3 values, and the weights need 5/);
    a.dispose();
  });
});
