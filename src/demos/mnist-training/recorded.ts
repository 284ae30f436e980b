/**
 * The live slide on paper: a finished run of the lecture's program, recorded
 * under Node by bench/record-run.ts and labelled as such, rather than empty
 * charts. Loaded only when the deck is printed.
 */
import record from './recorded-run.json';
import type { LiveState } from './state.ts';

/** The printed state: the recorded run's curves, test accuracies, confusion matrix and guesses. */
export function recordedState(state: LiveState): LiveState {
  return {
    ...state,
    config: { ...state.config, ...state.base },
    state: 'done',
    backend: 'wasm',
    choice: undefined,
    threads: 0,
    steps: record.steps,
    losses: record.losses,
    accuracies: record.accuracies,
    epoch: record.epochs.length,
    stepInEpoch: Math.ceil(state.base.trainSize / state.base.batchSize),
    epochs: record.epochs,
    seconds: record.seconds,
    grid: { ...record.grid, confidence: record.grid.predicted.map(() => 1), images: Uint8Array.from(record.grid.images) },
    notices: [
      `A run recorded on ${record.recorded} (${record.where}, seed ${record.seed}). In a browser, press T on this slide to train live.`,
    ],
  };
}
