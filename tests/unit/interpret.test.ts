/**
 * The attributions of interpret.ts against direct computation: saliency
 * maps against central finite differences of a plain float64 forward pass,
 * activations and weight images against the weights themselves, and the
 * plain-number measures against hand-counted cases. TensorFlow.js runs on
 * its WebAssembly backend under Node.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activations,
  chooseUnits,
  classTemplates,
  contributions,
  flippedShare,
  perClassAccuracy,
  saliency,
  saliencyBatch,
  templates,
  topUnits,
  type DenseParameters,
} from '../../src/train/model/interpret.ts';
import { mulberry32 } from '../../src/lib/random.ts';
import { wasmTf } from './tf-wasm.ts';

let tf: Awaited<ReturnType<typeof wasmTf>>;

beforeAll(async () => {
  tf = await wasmTf();
});

const INPUTS = 784;
const HIDDEN = 8;
const CLASSES = 10;

/** A tiny 784 → 8 → 10 network with random weights, as tensors and as the same float32 values for the reference. */
function tinyNetwork(seed: number) {
  const random = mulberry32(seed);
  const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
  const values = {
    w1: uniform(INPUTS * HIDDEN, 0.3),
    b1: uniform(HIDDEN, 0.5),
    w2: uniform(HIDDEN * CLASSES, 1),
    b2: uniform(CLASSES, 0.5),
  };
  const params: DenseParameters = {
    w1: tf.tensor2d(values.w1, [INPUTS, HIDDEN]),
    b1: tf.tensor1d(values.b1),
    w2: tf.tensor2d(values.w2, [HIDDEN, CLASSES]),
    b2: tf.tensor1d(values.b2),
  };
  return { values, params, dispose: () => tf.dispose(Object.values(params)) };
}

function randomInput(seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: INPUTS }, () => random());
}

type Values = ReturnType<typeof tinyNetwork>['values'];

/** The forward pass in float64, written out: pre-activations, hidden units and logits. */
function reference(v: Values, x: ArrayLike<number>) {
  const pre = Array.from({ length: HIDDEN }, (_, u) => {
    let s = v.b1[u]!;
    for (let i = 0; i < INPUTS; i++) s += x[i]! * v.w1[i * HIDDEN + u]!;
    return s;
  });
  const hidden = pre.map((a) => Math.max(0, a));
  const logits = Array.from({ length: CLASSES }, (_, c) => hidden.reduce((s, h, u) => s + h * v.w2[u * CLASSES + c]!, v.b2[c]!));
  return { pre, hidden, logits };
}

/** ∂z_c/∂x_i by central differences of the float64 forward pass. */
function finiteDifferences(v: Values, x: Float32Array, c: number, step = 1e-3): Float64Array {
  const probe = Float64Array.from(x);
  return Float64Array.from({ length: INPUTS }, (_, i) => {
    probe[i] = x[i]! + step;
    const up = reference(v, probe).logits[c]!;
    probe[i] = x[i]! - step;
    const down = reference(v, probe).logits[c]!;
    probe[i] = x[i]!;
    return (up - down) / (2 * step);
  });
}

/** Largest difference, relative to the largest magnitude of the expected values. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return worst / scale;
}

const argMax = (values: ArrayLike<number>) => Array.from(values).reduce((best, v, i, all) => (v > all[best]! ? i : best), 0);

describe('saliency', () => {
  it('equals central finite differences of the predicted class’s logit, on a 784 → 8 → 10 network with some units off', async () => {
    const net = tinyNetwork(1);
    const x = randomInput(2);
    const { pre, logits } = reference(net.values, x);
    // Finite differences are exact between ReLU switches; no unit may sit within a step of its switch.
    expect(Math.min(...pre.map(Math.abs))).toBeGreaterThan(0.01);
    const off = pre.filter((a) => a <= 0).length;
    expect(off).toBeGreaterThan(0);
    expect(off).toBeLessThan(HIDDEN);
    const result = await saliency(tf, net.params, x);
    expect(result.classIndex).toBe(argMax(logits));
    expect(result.map).toHaveLength(INPUTS);
    expect(relativeError(result.logits, logits)).toBeLessThan(1e-5);
    const expected = finiteDifferences(net.values, x, result.classIndex);
    expect(relativeError(result.map, expected)).toBeLessThan(1e-4);
    // Without the ReLU's mask the map would be W1 · W2[:, c]: far from the right answer, so the test above can tell.
    const unmasked = Float64Array.from({ length: INPUTS }, (_, i) =>
      Array.from({ length: HIDDEN }, (_, u) => net.values.w1[i * HIDDEN + u]! * net.values.w2[u * CLASSES + result.classIndex]!).reduce(
        (a, b) => a + b,
      ),
    );
    expect(relativeError(unmasked, expected)).toBeGreaterThan(0.1);
    net.dispose();
  });

  it('differentiates the class it is given rather than the predicted one', async () => {
    const net = tinyNetwork(3);
    const x = randomInput(4);
    const predicted = argMax(reference(net.values, x).logits);
    const other = (predicted + 3) % CLASSES;
    const result = await saliency(tf, net.params, x, other);
    expect(result.classIndex).toBe(other);
    expect(relativeError(result.map, finiteDifferences(net.values, x, other))).toBeLessThan(1e-4);
    expect(relativeError(result.map, finiteDifferences(net.values, x, predicted))).toBeGreaterThan(0.1);
    net.dispose();
  });

  it('times the input adds up, with the active units’ biases, to the logit exactly (the network is linear between switches)', async () => {
    const net = tinyNetwork(5);
    const x = randomInput(6);
    const { map, classIndex, logits } = await saliency(tf, net.params, x);
    const { pre } = reference(net.values, x);
    const biasShare = pre.reduce(
      (s, a, u) => s + (a > 0 ? net.values.b1[u]! * net.values.w2[u * CLASSES + classIndex]! : 0),
      net.values.b2[classIndex]!,
    );
    const total = contributions(map, x).reduce((a, b) => a + b, 0) + biasShare;
    expect(total).toBeCloseTo(logits[classIndex]!, 4);
    net.dispose();
  });

  it('gives each example of a batch the map it gets alone, for predicted and for given classes', async () => {
    const net = tinyNetwork(7);
    const inputs = [randomInput(8), randomInput(9), randomInput(10)];
    const xs = new Float32Array(3 * INPUTS);
    inputs.forEach((x, i) => xs.set(x, i * INPUTS));
    for (const classes of [undefined, Int32Array.of(4, 0, 9)]) {
      const batch = await saliencyBatch(tf, net.params, xs, classes);
      expect(batch.maps).toHaveLength(3 * INPUTS);
      expect(batch.logits).toHaveLength(3 * CLASSES);
      for (const [i, x] of inputs.entries()) {
        const alone = await saliency(tf, net.params, x, classes?.[i]);
        expect(batch.classes[i]).toBe(alone.classIndex);
        expect(relativeError(batch.maps.subarray(i * INPUTS, (i + 1) * INPUTS), alone.map)).toBeLessThan(1e-5);
      }
    }
    net.dispose();
  });

  it('refuses inputs of the wrong length, classes out of range and weights of the wrong shape, saying which', async () => {
    const net = tinyNetwork(11);
    const x = randomInput(12);
    await expect(saliency(tf, net.params, new Float32Array(783))).rejects.toThrow(/783 values, expected 784/);
    await expect(saliency(tf, net.params, new Float32Array(1568))).rejects.toThrow(/1568 values, expected 784; use saliencyBatch/);
    await expect(saliencyBatch(tf, net.params, new Float32Array(1000))).rejects.toThrow(/1000 values, expected a positive multiple of 784/);
    await expect(saliency(tf, net.params, x, 10)).rejects.toThrow(/class 10 is not a digit from 0 to 9/);
    await expect(saliency(tf, net.params, x, -1)).rejects.toThrow(/class -1/);
    await expect(saliencyBatch(tf, net.params, x, Int32Array.of(1, 2))).rejects.toThrow(/2 classes given for 1 inputs/);
    const wrong = { ...net.params, w2: tf.zeros([HIDDEN, 3]) as tfc.Tensor2D };
    await expect(saliency(tf, wrong, x)).rejects.toThrow(/w2 is 8 × 3, expected 8 × 10/);
    wrong.w2.dispose();
    net.dispose();
  });

  it('leaves no tensor behind', async () => {
    const net = tinyNetwork(13);
    const before = tf.memory().numTensors;
    await saliency(tf, net.params, randomInput(14));
    await saliencyBatch(tf, net.params, new Float32Array(2 * INPUTS).fill(0.5));
    await activations(tf, net.params, randomInput(15));
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});

describe('activations and topUnits', () => {
  it('returns relu(x·W1 + b1), the logits and their softmax, as the float64 forward pass computes them', async () => {
    const net = tinyNetwork(21);
    const x = randomInput(22);
    const expected = reference(net.values, x);
    const result = await activations(tf, net.params, x);
    expect(result.hidden).toHaveLength(HIDDEN);
    expect(relativeError(result.hidden, expected.hidden)).toBeLessThan(1e-5);
    expect(result.hidden.some((h) => h === 0)).toBe(true);
    expect(relativeError(result.logits, expected.logits)).toBeLessThan(1e-5);
    const top = Math.max(...expected.logits);
    const exps = expected.logits.map((z) => Math.exp(z - top));
    const sum = exps.reduce((a, b) => a + b);
    expect(
      relativeError(
        result.probabilities,
        exps.map((e) => e / sum),
      ),
    ).toBeLessThan(1e-5);
    await expect(activations(tf, net.params, new Float32Array(10))).rejects.toThrow(/10 values, expected 784/);
    net.dispose();
  });

  it('topUnits ranks units by activation, most active first, equal ones in index order', () => {
    const a = Float32Array.of(0.5, 0, 2, 0.5, 3, 0);
    expect(topUnits(a, 3)).toEqual([4, 2, 0]);
    expect(topUnits(a, 4)).toEqual([4, 2, 0, 3]);
    expect(topUnits(a, 6)).toEqual([4, 2, 0, 3, 1, 5]);
    expect(topUnits(a, 0)).toEqual([]);
    expect(() => topUnits(a, 7)).toThrow(/k = 7 is not a whole number from 0 to 6/);
    expect(() => topUnits(a, 1.5)).toThrow(/k = 1.5/);
  });
});

describe('weight images', () => {
  const hidden = 12;
  /** W1[i, u] = (u + 1) · (i mod 7 − 3) / 10: unit u's norm grows with u, and its image is easy to predict. */
  const w1 = Float32Array.from({ length: INPUTS * hidden }, (_, k) => ((k % hidden) + 1) * (((Math.floor(k / hidden) % 7) - 3) / 10));

  it('templates draws unit u’s incoming weights, pixel (r, c) = W1[28r + c, u], with the largest |w| of the chosen units as the limit', () => {
    const { images, limit } = templates(w1, hidden, [2, 5]);
    expect(images).toHaveLength(2);
    for (const [k, u] of [2, 5].entries()) {
      expect(images[k]).toHaveLength(INPUTS);
      for (const pixel of [0, 29, 400, 783]) expect(images[k]![pixel]).toBeCloseTo(w1[pixel * hidden + u]!, 6);
    }
    expect(limit).toBeCloseTo(6 * 0.3, 6); // unit 5: (5 + 1) × 3/10
    expect(templates(w1, hidden, [0]).limit).toBeCloseTo(0.3, 6);
    expect(() => templates(w1, hidden, [12])).toThrow(/unit 12 is not a hidden unit from 0 to 11/);
    expect(() => templates(w1.subarray(1), hidden, [0])).toThrow(/9407 values, expected 784 × 12 = 9408/);
  });

  it('chooseUnits takes one unit from each band of the norm ranking, strongest first, the same for a seed and otherwise different', () => {
    const chosen = chooseUnits(w1, hidden, 3, 1);
    // Ranked by norm: units 11…8, then 7…4, then 3…0.
    expect(chosen).toHaveLength(3);
    expect(chosen[0]).toBeGreaterThanOrEqual(8);
    expect(chosen[1]).toBeGreaterThanOrEqual(4);
    expect(chosen[1]).toBeLessThan(8);
    expect(chosen[2]).toBeLessThan(4);
    expect(chooseUnits(w1, hidden, 3, 1)).toEqual(chosen);
    const others = new Set([2, 3, 4, 5, 6, 7, 8].map((seed) => chooseUnits(w1, hidden, 3, seed).join()));
    expect(others.size).toBeGreaterThan(1);
    expect(chooseUnits(w1, hidden, hidden, 9)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(() => chooseUnits(w1, hidden, 13, 1)).toThrow(/count 13 is not a whole number from 0 to 12/);
  });

  it('classTemplates draws the ten columns of a 784 × 10 kernel and returns the biases beside them', () => {
    const w = Float32Array.from({ length: INPUTS * CLASSES }, (_, k) => (k % CLASSES) - (Math.floor(k / CLASSES) % 3));
    const b = Float32Array.from({ length: CLASSES }, (_, k) => k / 10);
    const { images, limit, biases } = classTemplates(w, b);
    expect(images).toHaveLength(CLASSES);
    for (let c = 0; c < CLASSES; c++) for (const pixel of [0, 1, 2, 783]) expect(images[c]![pixel]).toBe(c - (pixel % 3));
    expect(limit).toBe(9);
    expect(biases).toEqual(Array.from(b));
    expect(() => classTemplates(w, new Float32Array(9))).toThrow(/9 biases given, expected 10/);
    expect(() => classTemplates(new Float32Array(784), b)).toThrow(/784 values, expected 784 × 10 = 7840/);
  });
});

describe('the measures', () => {
  it('perClassAccuracy is each digit’s share of right answers, NaN for a digit with no examples', () => {
    const labels = [0, 0, 0, 1, 1, 3, 3, 3, 3, 9];
    const predictions = [0, 0, 1, 1, 1, 3, 0, 3, 3, 4];
    const result = perClassAccuracy(labels, predictions);
    expect(result.slice(0, 2)).toEqual([2 / 3, 1]);
    expect(result[3]).toBe(0.75);
    expect(result[9]).toBe(0);
    for (const digit of [2, 4, 5, 6, 7, 8]) expect(result[digit]).toBeNaN();
    expect(() => perClassAccuracy([0, 1], [0])).toThrow(/2 labels but 1 predictions/);
    expect(() => perClassAccuracy([0, 10], [0, 1])).toThrow(/label 10 is not a digit/);
  });

  it('flippedShare is the share of predictions that name a ruler class', () => {
    expect(flippedShare([0, 4, 0, 7, 2, 0, 0, 9], [0])).toBe(0.5);
    expect(flippedShare([0, 4, 0, 7, 2, 0, 0, 9], [0, 7])).toBe(5 / 8);
    expect(flippedShare([1, 2, 3], [0])).toBe(0);
    expect(() => flippedShare([], [0])).toThrow(/no predictions/);
    expect(() => flippedShare([1], [])).toThrow(/no ruler class/);
    expect(() => flippedShare([1], [11])).toThrow(/ruler class 11 is not a digit/);
  });
});
