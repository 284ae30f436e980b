/** Idle; paused after two epochs with an earlier run and templates; done, with a drawing and its answer. */
import { defineSnapshots } from '../../contract/demo.ts';
import { mulberry32 } from '../../lib/random.ts';
import { KERAS_PROGRAM } from '../../train/model/config.ts';
import type { FromWorker } from '../../train/protocol.ts';
import { beginRun, initialState, update, type LiveState } from './state.ts';
import { createView } from './view.ts';

export default defineSnapshots<LiveState>({
  view: createView,
  snapshots() {
    const config = { ...KERAS_PROGRAM, trainSize: 1280, testSize: 500, epochs: 2 };
    const curve = mulberry32(3);
    const fold = (s: LiveState, messages: FromWorker[]) => messages.reduce(update, s);
    const confusion = Array.from({ length: 10 }, (_, r) =>
      Array.from({ length: 10 }, (_, c) => (r === c ? 45 : (r + c) % 7 === 0 ? 2 : 0)),
    );
    /** A run of two epochs of ten batches each, ending at `finalAccuracy`. */
    const train = (s: LiveState, id: string, spec: LiveState['base'], finalAccuracy: number) =>
      fold(beginRun(s, id, spec), [
        { type: 'state', run: id, state: 'training' },
        {
          type: 'batches',
          run: id,
          batches: Array.from({ length: 20 }, (_, i) => ({
            epoch: i < 10 ? 1 : 2,
            stepInEpoch: (i % 10) + 1,
            stepsPerEpoch: 10,
            step: i + 1,
            loss: 2.3 * Math.exp(-i / 6) + 0.1 * curve(),
            accuracy: Math.min(0.98, 0.1 + i * 0.05),
            size: 128,
          })),
          examplesPerSecond: 5800,
        },
        { type: 'epoch', run: id, epoch: 1, accuracy: finalAccuracy - 0.04, loss: 0.45, confusion },
        { type: 'epoch', run: id, epoch: 2, accuracy: finalAccuracy, loss: 0.31, confusion },
      ]);
    let run = update(initialState(config), {
      type: 'backend',
      backend: 'wasm',
      notes: [],
      choice: {
        how: 'measured',
        timings: [{ backend: 'wasm', examplesPerSecond: 5800, label: 'WebAssembly' }],
        passedOver: [{ backend: 'webgl', reason: 'emulated' }],
      },
      threads: 2,
    });
    run = train(run, 'live-1', { ...run.base, optimizer: { type: 'sgd' }, learningRate: 0.01 }, 0.86);
    run = update(run, { type: 'state', run: 'live-1', state: 'done' });
    run = train(run, 'live-2', run.base, 0.912);
    const random = mulberry32(9);
    const paused = fold(run, [
      {
        type: 'templates',
        run: 'live-2',
        units: [1, 2, 3],
        images: Float32Array.from({ length: 3 * 784 }, () => random() * 2 - 1),
        limit: 1,
      },
      { type: 'state', run: 'live-2', state: 'paused' },
    ]);
    const done = fold(paused, [
      { type: 'state', run: 'live-2', state: 'done' },
      { type: 'done', run: 'live-2', testAccuracy: 0.912, seconds: 14 },
      {
        type: 'prediction',
        run: 'live-2',
        id: 1,
        probabilities: Float32Array.from([0.01, 0.02, 0.01, 0.8, 0.02, 0.05, 0.01, 0.04, 0.02, 0.02]),
      },
    ]);
    return [
      { name: 'live-idle', states: [initialState(config)] },
      { name: 'live-paused', states: [paused] },
      { name: 'live-done', states: [{ ...done, strokes: [[100, 40, 140, 60, 150, 120]] }] },
    ];
  },
});
