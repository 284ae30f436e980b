/**
 * The live slide's runs as data: the panel's changes, the legend's words,
 * runs in the address, and what Reset keeps.
 */
import { describe, expect, it } from 'vitest';
import { change, decodeRuns, encodeRuns, MAX_RUNS, runsLink, specOf, thin, whatChanged } from '../../src/demos/mnist-training/runs.ts';
import { beginRun, discardRun, initialState, update, type LiveState } from '../../src/demos/mnist-training/state.ts';
import { KERAS_PROGRAM } from '../../src/train/model/config.ts';
import { KERAS_RUN } from '../../src/train/model/spec.ts';

const base = KERAS_RUN;

describe('the panel’s changes', () => {
  it('an optimizer comes with Keras’s default learning rate, as optimizer="sgd" does in Keras', () => {
    const sgd = change(base, { field: 'optimizer', value: 'sgd' });
    expect(sgd.optimizer.type).toBe('sgd');
    expect(sgd.learningRate).toBe(0.01);
    expect(change(sgd, { field: 'optimizer', value: 'adam' }).learningRate).toBe(0.001);
    expect(change(base, { field: 'learningRate', value: 0.1 }).learningRate).toBe(0.1);
  });

  it('the legend says what a run changed against the lecture’s program, in a few words', () => {
    expect(whatChanged(base, base)).toBe('the lecture’s program');
    expect(whatChanged(change(base, { field: 'optimizer', value: 'sgd' }), base)).toBe('SGD · lr 0.01');
    expect(whatChanged(change(change(base, { field: 'model', value: 'dense-32' }), { field: 'epochs', value: 1 }), base)).toBe(
      'Dense 32 · 1 epoch',
    );
    expect(whatChanged({ ...base, trainSize: 6000, epochs: 10 }, base)).toBe('6,000 images · 10 epochs');
  });

  it('thinning a curve keeps its first and last points and at most the number asked', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const kept = thin(values, 150);
    expect(kept).toHaveLength(150);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(999);
    expect(thin([1, 2, 3], 150)).toEqual([1, 2, 3]);
  });
});

describe('runs in the address', () => {
  it('reads each run as changes to the lecture’s program, and names what it cannot read', () => {
    const { runs, problems } = decodeRuns('keras~opt:sgd~units:32,epochs:2~model:cnn,bogus:1', base);
    expect(runs).toHaveLength(4);
    expect(runs[0]).toEqual(base);
    expect(runs[1]).toMatchObject({ optimizer: { type: 'sgd' }, learningRate: 0.01 });
    expect(runs[2]).toMatchObject({ model: { layers: [{ type: 'dense', units: 32 }] }, epochs: 2 });
    expect(runs[3]!.model.layers[0]!.type).toBe('conv2d');
    expect(problems).toEqual([expect.stringContaining('"bogus:1" is not a change this slide knows')]);
    expect(decodeRuns('lr:-1', base).problems).toHaveLength(1);
    expect(decodeRuns('bs:1.5', base).problems).toHaveLength(1);
  });

  it('keeps at most as many runs as the charts show', () => {
    expect(
      decodeRuns(
        Array(MAX_RUNS + 3)
          .fill('keras')
          .join('~'),
        base,
      ).runs,
    ).toHaveLength(MAX_RUNS);
  });

  it('writes what it reads: every run survives the round trip, the optimizer’s own learning rate included', () => {
    const runs = [
      base,
      change(base, { field: 'optimizer', value: 'sgd' }),
      { ...change(base, { field: 'optimizer', value: 'sgd' }), learningRate: 0.001 },
      change(change(base, { field: 'model', value: 'logistic' }), { field: 'batchSize', value: 32 }),
      { ...base, model: { layers: [{ type: 'dense' as const, units: 64, activation: 'relu' as const }] }, trainSize: 600 },
    ];
    const text = encodeRuns(runs, base);
    expect(text).toBe('keras~opt:sgd~opt:sgd,lr:0.001~model:logistic,bs:32~units:64,train:600');
    expect(decodeRuns(text, base)).toEqual({ runs, problems: [] });
  });
});

describe('a link to the runs on the charts', () => {
  it('keeps the other parameters, sets runs and lands on the live slide', () => {
    const href = runsLink('http://localhost:4321/deck/?theme=dark&runs=old#/code-fit', 'keras~opt:sgd');
    const url = new URL(href);
    expect(url.pathname).toBe('/deck/');
    expect(url.searchParams.get('theme')).toBe('dark');
    expect(url.searchParams.get('runs')).toBe('keras~opt:sgd');
    expect(url.hash).toBe('#/live-training');
  });

  it('takes the run out of a session’s settings', () => {
    expect(specOf({ ...KERAS_PROGRAM })).toEqual(KERAS_RUN);
  });
});

describe('Reset', () => {
  const config = { ...KERAS_PROGRAM, trainSize: 1280, testSize: 200, epochs: 1 };
  const trained = (start: LiveState, id: string, state: 'training' | 'done') => {
    let s = beginRun(start, id, start.next);
    s = update(s, { type: 'state', run: id, state: 'training' });
    s = update(s, {
      type: 'batches',
      run: id,
      batches: [{ epoch: 1, stepInEpoch: 1, stepsPerEpoch: 10, step: 1, loss: 2.2, accuracy: 0.2, size: 128 }],
      examplesPerSecond: 1000,
    });
    if (state === 'done') {
      s = update(s, { type: 'epoch', run: id, epoch: 1, accuracy: 0.9, loss: 0.3, confusion: [] });
      s = update(s, { type: 'state', run: id, state: 'done' });
    }
    return s;
  };

  it('drops an unfinished run from the charts and clears them', () => {
    const s = discardRun(trained(initialState(config), 'a', 'training'));
    expect(s).toMatchObject({ state: 'idle', run: undefined, steps: [], epochs: [], history: [] });
  });

  it('folds a report into a new state and leaves the old one as it was', () => {
    const before = beginRun(initialState(config), 'a', KERAS_RUN);
    const after = update(before, {
      type: 'batches',
      run: 'a',
      batches: [{ epoch: 1, stepInEpoch: 1, stepsPerEpoch: 10, step: 1, loss: 2.2, accuracy: 0.2, size: 128 }],
      examplesPerSecond: 1000,
    });
    expect(after.steps).toEqual([1]);
    expect(before.steps).toEqual([]);
  });

  it('keeps a finished run beside the next as an earlier run', () => {
    const s = discardRun(trained(initialState(config), 'a', 'done'));
    expect(s.steps).toEqual([]);
    expect(s.history.map((r) => [r.id, r.testAccuracy])).toEqual([['a', 0.9]]);
  });

  it('a late report from the cancelled run changes nothing', () => {
    const s = discardRun(trained(initialState(config), 'a', 'training'));
    const after = update(s, {
      type: 'batches',
      run: 'a',
      batches: [{ epoch: 1, stepInEpoch: 2, stepsPerEpoch: 10, step: 2, loss: 2.1, accuracy: 0.3, size: 128 }],
      examplesPerSecond: 1000,
    });
    expect(after).toBe(s);
    expect(after.steps).toEqual([]);
  });
});
