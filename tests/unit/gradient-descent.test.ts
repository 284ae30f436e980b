import { describe, expect, it } from 'vitest';
import { CURVES, descend1d, PRESETS, TWO_VALLEYS, VALLEY } from '../../src/demos/gradient-descent-1d/model.ts';
import { descend2d, leastSquares, lossGrid, makeRegressionData, mse, mseGradient } from '../../src/demos/gradient-descent-2d/model.ts';
import { decodeState, encodeState } from '../../src/demos/shared/url-state.ts';

const finiteDifference = (f: (x: number) => number, x: number, h = 1e-5) => (f(x + h) - f(x - h)) / (2 * h);

describe('the loss curves', () => {
  for (const curve of Object.values(CURVES)) {
    it(`"${curve.name}" has the derivative of its loss, checked by finite differences`, () => {
      for (let w = curve.domain[0]; w <= curve.domain[1]; w += 0.37) {
        expect(curve.gradient(w)).toBeCloseTo(finiteDifference(curve.loss, w), 5);
      }
    });
  }

  it('the valley is slightly asymmetric around its one minimum at w = 1', () => {
    expect(VALLEY.gradient(1)).toBe(0);
    expect(VALLEY.loss(2)).toBeGreaterThan(VALLEY.loss(0));
  });
});

describe('gradient descent on one parameter', () => {
  it('converges within a handful of steps at the "about right" rate', () => {
    const { iterates, diverged } = descend1d(VALLEY, VALLEY.start, PRESETS.good.eta, 6);
    expect(diverged).toBe(false);
    expect(Math.abs(iterates[6]!.w - 1)).toBeLessThan(0.01);
    for (let k = 1; k < iterates.length; k++) expect(iterates[k]!.loss).toBeLessThan(iterates[k - 1]!.loss);
  });

  it('crawls at the "too small" rate', () => {
    const { iterates } = descend1d(VALLEY, VALLEY.start, PRESETS.small.eta, 6);
    expect(Math.abs(iterates[6]!.w - 1)).toBeGreaterThan(1);
    expect(iterates[6]!.loss).toBeLessThan(iterates[0]!.loss);
  });

  it('overshoots and diverges at the "too large" rate, and stops there', () => {
    const { iterates, diverged } = descend1d(VALLEY, VALLEY.start, PRESETS.large.eta, 20);
    expect(diverged).toBe(true);
    expect(iterates.length).toBeLessThan(21);
    expect(Math.sign(iterates[1]!.w - 1)).not.toBe(Math.sign(iterates[0]!.w - 1));
    expect(iterates.every((i) => Number.isFinite(i.w) && Number.isFinite(i.loss))).toBe(true);
  });

  it('is caught by the local minimum from the left, and finds the global one from the right', () => {
    const left = descend1d(TWO_VALLEYS, -3, 0.2, 60).iterates.at(-1)!;
    const right = descend1d(TWO_VALLEYS, 3, 0.2, 60).iterates.at(-1)!;
    expect(left.w).toBeLessThan(0);
    expect(right.w).toBeGreaterThan(0);
    expect(right.loss).toBeLessThan(left.loss);
    expect(Math.abs(left.gradient)).toBeLessThan(1e-3);
  });
});

describe('gradient descent on two parameters', () => {
  const data = makeRegressionData(7);

  it('generates the same data from the same seed', () => {
    expect(makeRegressionData(7)).toEqual(data);
    expect(makeRegressionData(8).y).not.toEqual(data.y);
  });

  it('has the gradient of its mean squared error, checked by finite differences', () => {
    const [gw, gb] = mseGradient(data, 0.3, -0.4);
    expect(gw).toBeCloseTo(
      finiteDifference((w) => mse(data, w, -0.4), 0.3),
      5,
    );
    expect(gb).toBeCloseTo(
      finiteDifference((b) => mse(data, 0.3, b), -0.4),
      5,
    );
  });

  it('full-batch descent converges smoothly to the least-squares line', () => {
    const { path } = descend2d(data, { start: [-2, 2], eta: 0.3, batchSize: data.x.length, momentum: 0, steps: 200, seed: 1 });
    const [w, b] = leastSquares(data);
    expect(path.at(-1)!.w).toBeCloseTo(w, 3);
    expect(path.at(-1)!.b).toBeCloseTo(b, 3);
    for (let k = 1; k < path.length; k++) expect(path[k]!.loss).toBeLessThanOrEqual(path[k - 1]!.loss + 1e-12);
  });

  it('mini-batch descent is noisy but gets close, and the same seed gives the same path', () => {
    const options = { start: [-2, 2] as [number, number], eta: 0.1, batchSize: 8, momentum: 0, steps: 300, seed: 5 };
    const a = descend2d(data, options).path;
    const b = descend2d(data, options).path;
    expect(a).toEqual(b);
    expect(descend2d(data, { ...options, seed: 6 }).path).not.toEqual(a);
    const increases = a.slice(1).filter((p, k) => p.loss > a[k]!.loss).length;
    expect(increases).toBeGreaterThan(5);
    expect(a.at(-1)!.loss).toBeLessThan(mse(data, ...leastSquares(data)) * 1.2);
  });

  it('momentum reaches the minimum in fewer steps at a small rate', () => {
    const base = { start: [-2, 2] as [number, number], eta: 0.02, batchSize: data.x.length, steps: 60, seed: 1 };
    const plain = descend2d(data, { ...base, momentum: 0 }).path.at(-1)!.loss;
    const heavy = descend2d(data, { ...base, momentum: 0.8 }).path.at(-1)!.loss;
    expect(heavy).toBeLessThan(plain);
  });

  it('reports divergence at a rate that is far too large', () => {
    expect(descend2d(data, { start: [-2, 2], eta: 3, batchSize: data.x.length, momentum: 0, steps: 100, seed: 1 }).diverged).toBe(true);
  });

  it('computes a loss grid with its minimum near the least-squares line', () => {
    const n = 41;
    const grid = lossGrid(data, { w: [-1, 5], b: [-4, 2] }, n);
    let best = 0;
    grid.forEach((v, i) => (v < grid[best]! ? (best = i) : 0));
    const w = -1 + (6 * (best % n)) / (n - 1);
    const b = 2 - (6 * Math.floor(best / n)) / (n - 1);
    const [ws, bs] = leastSquares(data);
    expect(Math.abs(w - ws)).toBeLessThan(0.2);
    expect(Math.abs(b - bs)).toBeLessThan(0.2);
  });
});

describe('figure state in the URL', () => {
  it('round-trips through a compact parameter', () => {
    const text = encodeState({ eta: 0.9, w0: -2, step: 3, curve: 'valley' });
    expect(text).toBe('eta:0.9,w0:-2,step:3,curve:valley');
    expect(decodeState(text)).toEqual({ eta: '0.9', w0: '-2', step: '3', curve: 'valley' });
    expect(decodeState('garbage,,x')).toEqual({});
  });
});
