/** 500 images far apart, 60,000 together. */
import { defineSnapshots } from '../../contract/demo.ts';
import type { FromWorker } from '../../train/protocol.ts';
import { epochReport, finishReports, WASM_BACKEND } from '../shared/snapshot-reports.ts';
import { initialOverfit, update, type OverfitState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<OverfitState>({
  view: createView,
  snapshots() {
    const start = initialOverfit({});
    start.runs.small.id = 's';
    start.runs.full.id = 'f';
    const messages: FromWorker[] = [
      WASM_BACKEND,
      ...Array.from({ length: 40 }, (_, i) =>
        epochReport('s', i + 1, Math.min(0.86, 0.5 + (i + 1) * 0.02), Math.min(1, 0.55 + (i + 1) * 0.03)),
      ),
      ...finishReports('s', 0.86, 16),
      epochReport('f', 1, 0.957, 0.962),
      epochReport('f', 2, 0.972, 0.981),
      ...finishReports('f', 0.972, 44),
    ];
    return [{ name: 'overfitting-done', states: [messages.reduce(update, start)] }];
  },
});
