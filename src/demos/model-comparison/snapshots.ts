/** Idle, the dense network training after logistic regression, and all three done. */
import { defineSnapshots } from '../../contract/demo.ts';
import type { FromWorker } from '../../train/protocol.ts';
import { epochReport, finishReports, WASM_BACKEND } from '../shared/snapshot-reports.ts';
import { initialComparison, update, type ComparisonState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<ComparisonState>({
  view: createView,
  snapshots() {
    const start = initialComparison({ testSize: 10000 });
    start.runs.logistic.id = 'l';
    start.runs.dense.id = 'd';
    start.runs.cnn.id = 'c';
    const fold = (s: ComparisonState, messages: FromWorker[]) => messages.reduce(update, s);
    const training = fold(start, [
      WASM_BACKEND,
      epochReport('l', 5, 0.9236),
      ...finishReports('l', 0.9236, 21.8),
      { type: 'state', run: 'd', state: 'training' },
      {
        type: 'batches',
        run: 'd',
        batches: [{ epoch: 2, stepInEpoch: 100, stepsPerEpoch: 469, step: 569, loss: 0.1, accuracy: 0.97, size: 128 }],
        examplesPerSecond: 3300,
      },
      epochReport('d', 1, 0.9642),
      { type: 'state', run: 'c', state: 'queued' },
    ]);
    const done = fold(training, [...finishReports('d', 0.9787, 79.3), ...finishReports('c', 0.9901, 146)]);
    return [
      { name: 'comparison-idle', states: [initialComparison({ testSize: 10000 })] },
      { name: 'comparison-training', states: [training] },
      { name: 'comparison-done', states: [done] },
    ];
  },
});
