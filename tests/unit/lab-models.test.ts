/**
 * The lab's demos as data: a run followed through the worker's reports, and
 * what each demo makes of them (the model comparison, overfitting, the
 * ruler, a digit's path), with no DOM and no TensorFlow.js.
 */
import { describe, expect, it } from 'vitest';
import { IMAGE_BYTES } from '../../src/mnist/format.ts';
import { RULER_PIXELS } from '../../src/mnist/ruler.ts';
import type { FromWorker, Inspection } from '../../src/train/protocol.ts';
import { KERAS_RUN } from '../../src/train/model/spec.ts';
import { floorOf, spread } from '../../src/demos/shared/epoch-chart.ts';
import { foldRun, foldStatus, newRun, newStatus, runFraction, runProgress } from '../../src/demos/shared/trained-run.ts';
import * as cmp from '../../src/demos/model-comparison/model.ts';
import * as over from '../../src/demos/overfitting/model.ts';
import * as ruler from '../../src/demos/shortcut/model.ts';
import * as path from '../../src/demos/digit-path/model.ts';

const epoch = (run: string, n: number, accuracy: number, extra: Partial<Extract<FromWorker, { type: 'epoch' }>> = {}): FromWorker => ({
  type: 'epoch',
  run,
  epoch: n,
  accuracy,
  loss: 0.1,
  confusion: [],
  ...extra,
});

describe('a run followed through the worker’s reports', () => {
  it('takes only its own reports, and keeps progress, curve and results, without changing a run in place', () => {
    const first = { ...newRun({ ...KERAS_RUN, trainSize: 1280, epochs: 2 }), id: 'a' };
    expect(first.steps).toBe(20);
    expect(foldRun(first, { type: 'state', run: 'b', state: 'training' })).toBe(first);
    let run = foldRun(first, { type: 'state', run: 'a', state: 'training' });
    expect(run).not.toBe(first);
    expect(first.state).toBe('waiting');
    run = foldRun(run, {
      type: 'batches',
      run: 'a',
      batches: [{ epoch: 1, stepInEpoch: 5, stepsPerEpoch: 10, step: 5, loss: 1, accuracy: 0.5, size: 128 }],
      examplesPerSecond: 2500,
    });
    expect(runFraction(run)).toBe(0.25);
    expect(runProgress(run)).toBe('epoch 1 of 2, 2,500 examples/s');
    run = foldRun(run, epoch('a', 1, 0.9, { trainAccuracy: 0.95 }));
    run = foldRun(run, epoch('a', 2, 0.92, { trainAccuracy: 0.99 }));
    run = foldRun(run, { type: 'done', run: 'a', testAccuracy: 0.92, trainAccuracy: 0.99, seconds: 77 });
    run = foldRun(run, { type: 'state', run: 'a', state: 'done' });
    expect(run.curve).toEqual([
      { epoch: 1, test: 0.9, train: 0.95 },
      { epoch: 2, test: 0.92, train: 0.99 },
    ]);
    expect(runFraction(run)).toBe(1);
    expect(runProgress(run)).toBe('done in 1:17');
  });

  it('a backend report reaches every demo; a notice or error only the demo whose run it names', () => {
    const before = newStatus();
    const status = foldStatus(
      before,
      { type: 'backend', backend: 'wasm', notes: [], choice: { how: 'forced', timings: [], passedOver: [] }, threads: 2 },
      ['x'],
    );
    expect(status).toMatchObject({ backend: 'wasm', threads: 2 });
    expect(before.backend).toBeUndefined();
    expect(foldStatus(status, { type: 'error', run: 'other', message: 'boom', retry: 'start' }, ['x'])).toBe(status);
    const failed = foldStatus(status, { type: 'error', run: 'x', message: 'The MNIST shard train-03 is corrupt.', retry: 'start' }, ['x']);
    expect(failed.error).toEqual({ message: 'The MNIST shard train-03 is corrupt.', retry: 'start' });
  });
});

describe('the model comparison', () => {
  it('trains the three with the lecture’s settings unless the address shortens them', () => {
    const s = cmp.initialComparison({ testSize: 10000 });
    expect(s.runs.logistic.spec.model.layers).toEqual([]);
    expect(s.runs.dense.spec).toEqual(KERAS_RUN);
    expect(s.runs.cnn.spec.model.layers[0]!.type).toBe('conv2d');
    const short = cmp.initialComparison({ testSize: 300, trainSize: 640, epochs: 1 });
    for (const key of ['logistic', 'dense', 'cnn'] as const) expect(short.runs[key].spec).toMatchObject({ trainSize: 640, epochs: 1 });
  });

  it('is training while any model is, and done when all three are, with each one’s accuracy and errors', () => {
    let s = cmp.initialComparison({ testSize: 10000 });
    const ids = { logistic: 'l', dense: 'd', cnn: 'c' } as const;
    for (const [key, id] of Object.entries(ids)) s.runs[key as cmp.ModelKey].id = id;
    s = cmp.update(s, { type: 'state', run: 'l', state: 'training' });
    expect(s.state).toBe('training');
    expect(cmp.current(s)).toBe('logistic');
    const accuracies = { l: 0.9236, d: 0.9787, c: 0.9901 };
    for (const [id, accuracy] of Object.entries(accuracies)) {
      s = cmp.update(s, epoch(id, 1, accuracy));
      s = cmp.update(s, { type: 'done', run: id, testAccuracy: accuracy, seconds: 10 });
      s = cmp.update(s, { type: 'state', run: id, state: 'done' });
    }
    expect(s.state).toBe('done');
    expect(cmp.errors(s.runs.logistic.testAccuracy, s.testSize)).toBe(764);
    expect(cmp.errors(s.runs.cnn.testAccuracy, s.testSize)).toBe(99);
    expect(cmp.announcement(s)).toContain('A small convnet: 99.0% of the test images right');
  });

  it('colours one square in a hundred per percent wrong, at least one while any image is wrong, none before a result', () => {
    expect(cmp.wrongSquares(undefined)).toBe(0);
    expect(cmp.wrongSquares(0.9236)).toBe(8);
    expect(cmp.wrongSquares(0.9787)).toBe(2);
    expect(cmp.wrongSquares(0.9902)).toBe(1);
    expect(cmp.wrongSquares(0.998)).toBe(1);
    expect(cmp.wrongSquares(1)).toBe(0);
    expect(cmp.wrongSquares(0.1)).toBe(90);
  });
});

describe('overfitting', () => {
  it('measures the gap between training and test accuracy at the last epoch', () => {
    let s = over.initialOverfit({});
    s.runs.small.id = 'small';
    s = over.update(s, epoch('small', 1, 0.6, { trainAccuracy: 0.7 }));
    s = over.update(s, epoch('small', 40, 0.86, { trainAccuracy: 1 }));
    expect(over.gap(s.runs.small)).toBeCloseTo(0.14, 10);
    expect(over.summary('500 training images', s.runs.small)).toBe(
      '500 training images: training 100.0%, test 86.0%, a gap of 14.0 points',
    );
  });

  it('keeps the small run small when the address shortens the large one', () => {
    expect(over.specFor('small', { trainSize: 6000, epochs: 1 })).toMatchObject({ trainSize: 500, epochs: 8 });
    expect(over.specFor('full', { trainSize: 6000, epochs: 1 })).toMatchObject({ trainSize: 6000, epochs: 1 });
  });
});

describe('the ruler', () => {
  const labels = [7, 0, 2];
  const images = new Uint8Array(3 * IMAGE_BYTES).map((_, i) => (i % 97 === 0 ? 200 : 0));

  it('looks at test digits that are not zeros, each stamped with the ruler, the originals untouched', () => {
    const before = images.slice();
    const examples = ruler.examplesFrom(labels, images);
    expect(examples.map((e) => e.label)).toEqual([7, 2]);
    for (const e of examples) for (const p of RULER_PIXELS) expect(e.image[p]).toBe(255);
    expect(images).toEqual(before);
  });

  it('measures how much of the answer the ruler explains: |saliency × input| on its pixels', () => {
    const s = ruler.initialShortcut({});
    s.examples = ruler.examplesFrom(labels, images);
    const saliency = new Float32Array(IMAGE_BYTES);
    for (const p of RULER_PIXELS) saliency[p] = 1;
    saliency[300] = 18; // a pixel with no ink: no contribution
    const inspection: Inspection = {
      hidden: new Float32Array(0),
      top: [],
      templates: new Float32Array(0),
      limit: 0,
      probabilities: new Float32Array(10),
      saliency,
      classIndex: 0,
    };
    const inspected = ruler.withInspection(s, 0, inspection);
    expect(inspected.inspection).toMatchObject({ index: 0, predicted: 0 });
    expect(inspected.inspection!.rulerShare).toBeCloseTo(1, 6);
    expect(s.inspection).toBeUndefined();
  });

  it('reports the figures of the run on screen', () => {
    let s = ruler.initialShortcut({});
    s.run.id = 'r';
    s = ruler.update(s, {
      type: 'done',
      run: 'r',
      testAccuracy: 0.9,
      trainAccuracy: 0.99,
      seconds: 12,
      marked: { count: 2000, accuracy: 0.2, flippedShare: 0.8, perClass: [Number.NaN, 0.1, 0.2, 0.3, 0.2, 0.1, 0.2, 0.3, 0.2, 0.1] },
    });
    s = ruler.update(s, { type: 'state', run: 'r', state: 'done' });
    expect(ruler.figures(s.run)).toEqual({ train: 0.99, clean: 0.9, marked: 0.2, flipped: 0.8 });
    expect(ruler.announcement(s)).toBe(
      'With the ruler: training 99.0%, clean test images 90.0%, marked images of other digits 20.0% right, 80.0% called a zero.',
    );
  });
});

describe('a digit’s path', () => {
  it('keeps the worker’s answer for the digit on screen, and counts the units that respond', () => {
    let s = path.initialPath();
    s.run.id = 'p';
    s = path.update(s, { type: 'state', run: 'p', state: 'done' });
    const hidden = Float32Array.from({ length: 512 }, (_, i) => (i % 8 === 0 ? i / 512 : 0));
    s = path.withInspection(s, new Float32Array(IMAGE_BYTES).fill(0.5), {
      hidden,
      top: [504, 496],
      templates: new Float32Array(2 * IMAGE_BYTES),
      limit: 1,
      probabilities: Float32Array.from([0, 0, 0, 0.9, 0, 0, 0, 0.1, 0, 0]),
      saliency: new Float32Array(IMAGE_BYTES),
      classIndex: 3,
    });
    expect(path.activeUnits(s.inspection!.hidden)).toBe(63);
    s.source = 'drawn';
    expect(path.announcement(s)).toBe('Your drawing: 63 of 512 hidden units respond; the network says 3, 90.0% sure.');
  });
});

describe('the epoch chart', () => {
  it('zooms its y axis to the data: a round five per cent a little below the lowest value, and one half without data', () => {
    expect(floorOf([0.97, 0.99])).toBe(0.9);
    expect(floorOf([0.83, 1])).toBe(0.8);
    expect(floorOf([0.31, 0.9])).toBe(0.25);
    expect(floorOf([])).toBe(0.5);
  });

  it('moves end labels apart, keeping their order', () => {
    expect(spread([100, 105, 300], 26)).toEqual([100, 126, 300]);
    expect(spread([105, 100], 26)).toEqual([126, 100]);
  });
});
