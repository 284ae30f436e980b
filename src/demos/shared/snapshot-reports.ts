/**
 * Worker reports for the training demos' view snapshots (their
 * snapshots.ts): an epoch, a finished run, and a backend, written once.
 */
import type { FromWorker } from '../../train/protocol.ts';

/** A run's report after epoch `n`. */
export function epochReport(run: string, n: number, accuracy: number, trainAccuracy?: number): FromWorker {
  return { type: 'epoch', run, epoch: n, accuracy, loss: 0.1, confusion: [], ...(trainAccuracy === undefined ? {} : { trainAccuracy }) };
}

/** A run's last two reports: its results, then "done". */
export function finishReports(run: string, testAccuracy: number, seconds: number, extra: object = {}): FromWorker[] {
  return [{ type: 'done', run, testAccuracy, seconds, ...extra } as FromWorker, { type: 'state', run, state: 'done' }];
}

/** WebAssembly on two threads, as the address forced it. */
export const WASM_BACKEND: FromWorker = {
  type: 'backend',
  backend: 'wasm',
  notes: [],
  choice: { how: 'forced', timings: [], passedOver: [] },
  threads: 2,
};
