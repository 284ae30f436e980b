/** Before training, and done. */
import { defineSnapshots } from '../../contract/demo.ts';
import type { FromWorker } from '../../train/protocol.ts';
import { epochReport, finishReports, WASM_BACKEND } from '../shared/snapshot-reports.ts';
import { initialExample, update, type ExampleTrainingState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<ExampleTrainingState>({
  view: createView,
  snapshots() {
    const start = initialExample({});
    const run = { ...start, run: { ...start.run, id: 'example-1' } };
    const messages: FromWorker[] = [
      WASM_BACKEND,
      epochReport('example-1', 1, 0.88),
      epochReport('example-1', 2, 0.9),
      ...finishReports('example-1', 0.9, 4),
    ];
    return [
      { name: 'example-training-idle', states: [start] },
      { name: 'example-training-done', states: [messages.reduce(update, run)] },
    ];
  },
});
