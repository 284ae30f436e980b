/**
 * The model comparison on paper: the three runs as `npm run bench -- --full`
 * measured them under Node (recorded.json, written by
 * bench/model-training.ts), labelled as recorded. Loaded only when printing.
 */
import record from './recorded.json';
import { MODELS, type ComparisonState } from './model.ts';

export function recordedComparison(state: ComparisonState): ComparisonState {
  const runs = { ...state.runs };
  for (const m of MODELS) {
    const r = record.results.find((x) => x.key === m.key);
    if (!r) continue;
    const last = r.epochs.at(-1)!;
    runs[m.key] = {
      ...runs[m.key],
      spec: m.spec,
      state: 'done',
      epoch: r.epochs.length,
      step: runs[m.key].steps,
      curve: r.epochs.map((e) => ({ epoch: e.epoch, test: e.testAccuracy })),
      testAccuracy: last.testAccuracy,
      seconds: r.seconds,
    };
  }
  return {
    ...state,
    state: 'done',
    runs,
    testSize: 10000,
    recorded: `Recorded on ${record.recorded} (${record.where}). In a browser, press T on this slide to train the three live.`,
  };
}
