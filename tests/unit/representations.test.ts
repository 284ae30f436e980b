import { describe, expect, it } from 'vitest';
import { coordinatesAt, makeCoordinatePoints } from '../../src/demos/change-of-coordinates/model.ts';
import { accuracy, Adam, flatten, initParams, lossAndGradient, makeMoons, train, unflatten } from '../../src/demos/uncrumpling/model.ts';
import { cellsFor, STAGES } from '../../src/demos/tensor-ranks/model.ts';

describe('the uncrumpling network', () => {
  const points = makeMoons(1);

  it('has the gradients of its loss, checked by finite differences for every weight', () => {
    const params = initParams(3);
    const { grad } = lossAndGradient(params, points);
    const analytic = flatten(grad);
    const values = flatten(params);
    const h = 1e-6;
    for (let i = 0; i < values.length; i++) {
      const plus = values.slice();
      const minus = values.slice();
      plus[i]! += h;
      minus[i]! -= h;
      unflatten(params, plus);
      const up = lossAndGradient(params, points).loss;
      unflatten(params, minus);
      const down = lossAndGradient(params, points).loss;
      expect(analytic[i]).toBeCloseTo((up - down) / (2 * h), 5);
    }
  });

  it('separates the two half-moons to at least 95% training accuracy within 500 steps for seed 1', () => {
    const params = initParams(1);
    const optimizer = new Adam(params, 0.02);
    const before = accuracy(params, points);
    const losses = train(params, points, optimizer, 500);
    expect(before).toBeLessThan(0.9);
    expect(accuracy(params, points)).toBeGreaterThanOrEqual(0.95);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 4);
  });

  it('makes the same data and the same weights from the same seed', () => {
    expect(makeMoons(1)).toEqual(points);
    expect(flatten(initParams(2))).toEqual(flatten(initParams(2)));
    expect(flatten(initParams(2))).not.toEqual(flatten(initParams(3)));
  });
});

describe('the change of coordinates', () => {
  const points = makeCoordinatePoints(7);

  it('in the new coordinates, filled points have x > 0 and open points x < 0', () => {
    for (const p of points) expect(coordinatesAt(p, 1)[0] > 0).toBe(p.filled);
  });

  it('in the original coordinates, no threshold on x or on y alone separates the classes', () => {
    for (const axis of [0, 1]) {
      const values = points.map((p) => ({ v: coordinatesAt(p, 0)[axis]!, filled: p.filled })).sort((a, b) => a.v - b.v);
      let best = 0;
      for (let k = 0; k <= values.length; k++) {
        const left = values.slice(0, k);
        const right = values.slice(k);
        const correct = Math.max(
          left.filter((x) => !x.filled).length + right.filter((x) => x.filled).length,
          left.filter((x) => x.filled).length + right.filter((x) => !x.filled).length,
        );
        best = Math.max(best, correct);
      }
      expect(best).toBeLessThan(points.length);
    }
  });
});

describe('the tensor ranks', () => {
  it('builds up from rank 0 to rank 5, then MNIST and the reshape to (60000, 784)', () => {
    expect(STAGES.map((s) => s.shape).slice(0, 6)).toEqual([
      '()',
      '(5,)',
      '(4, 5)',
      '(3, 4, 5)',
      '(3, 28, 28, 3) or (3, 3, 28, 28)',
      '(2, 3, 28, 28, 3)',
    ]);
    expect(STAGES.at(-1)!.shape).toBe('(60000, 784)');
  });

  it('draws the image as 28 rows of 28 pixels, and the reshape as one row of 784 in reading order', () => {
    const digit = Uint8Array.from({ length: 784 }, (_, i) => i % 256);
    const image = cellsFor(7, digit).filter((c) => c.key.startsWith('p'));
    const row = cellsFor(8, digit).filter((c) => c.key.startsWith('p'));
    expect(image).toHaveLength(784);
    expect(new Set(image.map((c) => c.y)).size).toBe(28);
    expect(new Set(row.map((c) => c.y)).size).toBe(1);
    // Pixel (row 1, column 0) follows pixel (row 0, column 27) in the reshaped row.
    const x = (key: string) => row.find((c) => c.key === key)!.x;
    expect(x('p28')).toBeGreaterThan(x('p27'));
    expect(row.map((c) => c.x)).toEqual([...row.map((c) => c.x)].sort((a, b) => a - b));
  });
});
