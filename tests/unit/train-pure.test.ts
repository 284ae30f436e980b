import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/lib/format.ts';
import { accuracyOf, confusionMatrix, smooth, Throughput } from '../../src/train/model/metrics.ts';
import { toMnistInput } from '../../src/train/page/preprocess.ts';
import { mulberry32 } from '../../src/lib/random.ts';
import { EpochSampler } from '../../src/train/model/sampler.ts';

describe('EpochSampler', () => {
  const drain = (sampler: EpochSampler, batch: number) => {
    const seen: number[] = [];
    for (let b = sampler.next(batch); b && b.length > 0; b = sampler.next(batch)) seen.push(...b);
    return seen;
  };

  it('visits every example exactly once per epoch, the last batch smaller', () => {
    const sampler = new EpochSampler(300, 1);
    sampler.add(300);
    const sizes: number[] = [];
    const seen: number[] = [];
    for (let b = sampler.next(128); b && b.length > 0; b = sampler.next(128)) {
      sizes.push(b.length);
      seen.push(...b);
    }
    expect(sizes).toEqual([128, 128, 44]);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(sampler.epochDone).toBe(true);
  });

  it('shuffles differently each epoch, and the same way for the same seed', () => {
    const a = new EpochSampler(100, 7);
    const b = new EpochSampler(100, 7);
    a.add(100);
    b.add(100);
    const a1 = drain(a, 10);
    a.nextEpoch();
    const a2 = drain(a, 10);
    expect(a1).toEqual(drain(b, 10));
    expect(a2).not.toEqual(a1);
    expect([...a2].sort((x, y) => x - y)).toEqual([...a1].sort((x, y) => x - y));
  });

  it('waits (null) for data that has not arrived, then mixes new examples into the epoch', () => {
    const sampler = new EpochSampler(250, 3);
    sampler.add(100);
    const first = drain(sampler, 64);
    expect(first).toHaveLength(64);
    expect(sampler.next(64)).toBeNull();
    sampler.add(150);
    const rest = drain(sampler, 64);
    expect([...first, ...rest].sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('comes back to a saved position exactly, random generator included', () => {
    const sampler = new EpochSampler(200, 5);
    sampler.add(200);
    sampler.next(32);
    const saved = sampler.save();
    const next = [...sampler.next(32)!];
    sampler.nextEpoch();
    sampler.restore(saved);
    expect([...sampler.next(32)!]).toEqual(next);
  });
});

describe('metrics', () => {
  it('counts a confusion matrix with true digits as rows', () => {
    const m = confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3);
    expect(m).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(accuracyOf(m)).toBe(0.75);
  });

  it('smooths with a bias correction, so the curve starts at the first value', () => {
    const s = smooth([1, 1, 1, 0], 0.9);
    expect(s[0]).toBeCloseTo(1);
    expect(s[2]).toBeCloseTo(1);
    expect(s[3]).toBeLessThan(1);
    expect(s[3]).toBeGreaterThan(0.6);
  });

  it('measures examples per second over a window', () => {
    const t = new Throughput(10_000);
    t.add(0, 0);
    t.add(1000, 500);
    t.add(2000, 1500);
    expect(t.perSecond()).toBe(750);
  });

  it('formats durations for the progress line', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

describe('toMnistInput', () => {
  /** A drawing: a thick vertical bar, off-centre, in a 200 × 200 canvas. */
  function bar(x0: number, y0: number, w: number, h: number) {
    const ink = new Float32Array(200 * 200);
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) ink[y * 200 + x] = 1;
    return ink;
  }

  it('fits the drawing into a 20-pixel box and centres its mass in 28 × 28', () => {
    const out = toMnistInput(bar(20, 10, 30, 150), 200, 200);
    let mass = 0;
    let cx = 0;
    let cy = 0;
    let top = 28;
    let bottom = -1;
    out.forEach((v, i) => {
      mass += v;
      cx += v * ((i % 28) + 0.5);
      cy += v * (Math.floor(i / 28) + 0.5);
      if (v > 0) {
        top = Math.min(top, Math.floor(i / 28));
        bottom = Math.max(bottom, Math.floor(i / 28));
      }
    });
    expect(cx / mass).toBeCloseTo(14, 0);
    expect(cy / mass).toBeCloseTo(14, 0);
    expect(bottom - top + 1).toBe(20);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
  });

  it('gives all zeros for an empty drawing', () => {
    expect(toMnistInput(new Float32Array(100), 10, 10).every((v) => v === 0)).toBe(true);
  });
});

describe('mulberry32', () => {
  it('is reproducible and spread over [0, 1)', () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / 1000).toBeCloseTo(0.5, 1);
  });
});
