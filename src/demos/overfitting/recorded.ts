/**
 * Overfitting on paper: both runs as bench/record-lab.ts recorded them under
 * Node (recorded.json), labelled as recorded. Loaded only when printing.
 */
import record from './recorded.json';
import { RUNS, type OverfitState } from './model.ts';

export function recordedOverfit(state: OverfitState): OverfitState {
  const runs = { ...state.runs };
  for (const r of RUNS) {
    const found = record.results.find((x) => x.key === r.key);
    if (!found) continue;
    const last = found.curve.at(-1)!;
    runs[r.key] = {
      ...runs[r.key],
      spec: r.spec,
      state: 'done',
      epoch: found.curve.length,
      step: runs[r.key].steps,
      curve: found.curve,
      testAccuracy: last.test,
      trainAccuracy: last.train,
      seconds: found.seconds,
    };
  }
  return {
    ...state,
    state: 'done',
    runs,
    recorded: `Recorded on ${record.recorded} (${record.where}). In a browser, press T on this slide to train live.`,
  };
}
