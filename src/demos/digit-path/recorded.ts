/**
 * A digit's path on paper: a test digit through the network as
 * bench/record-lab.ts recorded it under Node (recorded.json), labelled as
 * recorded. Loaded only when printing.
 */
import record from './recorded.json';
import type { PathState } from './model.ts';

export function recordedPath(state: PathState): PathState {
  const { inspection, test } = record;
  return {
    ...state,
    state: 'done',
    run: { ...state.run, state: 'done', testAccuracy: record.testAccuracy, seconds: record.seconds },
    tests: [test],
    testIndex: 0,
    source: 'test',
    inspection: { ...inspection, input: test.image.map((v) => v / 255) },
    recorded: `Recorded on ${record.recorded} (${record.where}). In a browser, press T on this slide to train and draw.`,
  };
}
