/**
 * Each optimizer of optimizers.ts against its update rule written out in
 * plain numbers (double precision), step by step and element by element,
 * and its saved state carried into a fresh optimizer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfc from '@tensorflow/tfjs-core';
import { createOptimizer, optimizerStateLength, type Optimizer } from '../../src/train/model/optimizers.ts';
import { ADAM, KERAS_LEARNING_RATES, MOMENTUM, RMSPROP, SGD, type OptimizerSpec } from '../../src/train/model/spec.ts';
import { wasmTf } from './tf-wasm.ts';

let tf: Awaited<ReturnType<typeof wasmTf>>;

beforeAll(async () => {
  tf = await wasmTf();
});

const start = [0.5, -1, 2, 0.25, 3];
const steps = [
  [1, -2, 0.5, 0, 4],
  [0.5, -1, -0.5, 2, 1],
  [-3, 0.1, 1, -1, 0.2],
  [0.2, 0.3, -0.1, 0.05, -2],
];

/** Each rule as Keras states it, over plain numbers: the weights after each step, and the state after the last. */
const RULES: Record<
  OptimizerSpec['type'],
  (spec: OptimizerSpec, lr: number, grads: number[][]) => { weights: number[][]; state: number[] }
> = {
  sgd: (_, lr, grads) => {
    let w = [...start];
    const weights = grads.map((g) => (w = w.map((wi, i) => wi - lr * g[i]!)));
    return { weights, state: [] };
  },
  momentum: (spec, lr, grads) => {
    const mu = (spec as { momentum: number }).momentum;
    let w = [...start];
    let v = start.map(() => 0);
    const weights = grads.map((g) => {
      v = v.map((vi, i) => mu * vi - lr * g[i]!);
      return (w = w.map((wi, i) => wi + v[i]!));
    });
    return { weights, state: v };
  },
  rmsprop: (spec, lr, grads) => {
    const { rho, epsilon } = spec as { rho: number; epsilon: number };
    let w = [...start];
    let ms = start.map(() => 0);
    const weights = grads.map((g) => {
      ms = ms.map((m, i) => rho * m + (1 - rho) * g[i]! ** 2);
      return (w = w.map((wi, i) => wi - (lr * g[i]!) / (Math.sqrt(ms[i]!) + epsilon)));
    });
    return { weights, state: ms };
  },
  adam: (spec, lr, grads) => {
    const { beta1, beta2, epsilon, decay = 0 } = spec as { beta1: number; beta2: number; epsilon: number; decay?: number };
    let w = [...start];
    let m = start.map(() => 0);
    let v = start.map(() => 0);
    const weights = grads.map((g, t) => {
      m = m.map((mi, i) => beta1 * mi + (1 - beta1) * g[i]!);
      v = v.map((vi, i) => beta2 * vi + (1 - beta2) * g[i]! ** 2);
      // Keras' bias correction: in the step size, with ε added to √v unscaled.
      // Keras 2's decay: lr / (1 + decay · updates before this one).
      const alpha = ((lr / (1 + decay * t)) * Math.sqrt(1 - beta2 ** (t + 1))) / (1 - beta1 ** (t + 1));
      return (w = w.map((wi, i) => wi - (alpha * m[i]!) / (Math.sqrt(v[i]!) + epsilon)));
    });
    return { weights, state: [...m, ...v, grads.length] };
  },
};

/** Two variables (a 2 × 2 matrix and a 1-vector) holding `start`, as a model's kernel and bias would. */
function variables(values = start): tfc.Variable[] {
  return [tf.variable(tf.tensor2d(values.slice(0, 4), [2, 2])), tf.variable(tf.tensor1d(values.slice(4)))];
}

function applyStep(optimizer: Optimizer, g: number[]): void {
  tf.tidy(() => optimizer.apply([tf.tensor2d(g.slice(0, 4), [2, 2]), tf.tensor1d(g.slice(4))]));
}

async function read(vars: tfc.Variable[]): Promise<number[]> {
  return [...(await vars[0]!.data()), ...(await vars[1]!.data())];
}

function expectClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((e, i) =>
    expect(Math.abs(actual[i]! - e), `${what}[${i}]: ${actual[i]} against ${e}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(e))),
  );
}

const SPECS: [string, OptimizerSpec][] = [
  ['SGD', SGD],
  ['SGD with momentum 0.9', MOMENTUM],
  ['RMSprop', RMSPROP],
  ['Adam', ADAM],
  ['Adam with decay', { ...ADAM, decay: 0.05 }],
];

describe('each optimizer', () => {
  for (const [name, spec] of SPECS) {
    // A learning rate larger than Keras' default makes each step's mistakes show in float32.
    const lr = KERAS_LEARNING_RATES[spec.type] * 10;

    it(`${name} updates the weights as its Keras rule says, step by step`, async () => {
      const vars = variables();
      const before = tf.memory().numTensors;
      const optimizer = createOptimizer(tf, spec, lr, vars);
      const expected = RULES[spec.type](spec, lr, steps);
      for (const [t, g] of steps.entries()) {
        applyStep(optimizer, g);
        expectClose(await read(vars), expected.weights[t]!, `step ${t + 1}`);
      }
      expectClose(await optimizer.save(), expected.state, 'saved state');
      expect((await optimizer.save()).length).toBe(optimizerStateLength(spec, start.length));
      optimizer.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(vars);
    });

    it(`${name} carries on from its saved state exactly, as after a backend switch`, async () => {
      const vars = variables();
      let optimizer = createOptimizer(tf, spec, lr, vars);
      steps.slice(0, 2).forEach((g) => applyStep(optimizer, g));
      const saved = await optimizer.save();
      optimizer.dispose();
      optimizer = createOptimizer(tf, spec, lr, vars, { saved });
      steps.slice(2).forEach((g) => applyStep(optimizer, g));
      expectClose(await read(vars), RULES[spec.type](spec, lr, steps).weights.at(-1)!, 'after the restart');
      optimizer.dispose();
      tf.dispose(vars);
    });
  }

  it('refuse saved state of the wrong size, naming both sizes', () => {
    const vars = variables();
    expect(() => createOptimizer(tf, ADAM, 0.001, vars, { saved: new Float32Array(10) })).toThrow(
      'the optimizer state holds 10 values, and the weights need 11',
    );
    expect(() => createOptimizer(tf, MOMENTUM, 0.01, vars, { saved: new Float32Array(4) })).toThrow(
      'the optimizer state holds 4 values, and the weights need 5',
    );
    expect(() => createOptimizer(tf, SGD, 0.01, vars, { saved: new Float32Array(1) })).toThrow(
      'the optimizer state holds 1 values, and SGD keeps none',
    );
    expect(() => createOptimizer(tf, { type: 'adagrad' } as unknown as OptimizerSpec, 0.01, vars)).toThrow(
      'unknown optimizer "adagrad"; use sgd, momentum, rmsprop or adam',
    );
    tf.dispose(vars);
  });

  it("use Keras' defaults", () => {
    expect(SGD).toEqual({ type: 'sgd' });
    expect(MOMENTUM).toEqual({ type: 'momentum', momentum: 0.9 });
    expect(RMSPROP).toEqual({ type: 'rmsprop', rho: 0.9, epsilon: 1e-7 });
    expect(ADAM).toEqual({ type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(KERAS_LEARNING_RATES).toEqual({ sgd: 0.01, momentum: 0.01, rmsprop: 0.001, adam: 0.001 });
  });
});
