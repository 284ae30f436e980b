/**
 * The ruler on paper: both runs, with and without the ruler, as
 * bench/record-lab.ts recorded them under Node (recorded.json), showing the
 * run without it beside the one with, labelled as recorded. Loaded only when
 * printing.
 */
import { contributions } from '../../train/model/interpret.ts';
import { rulerShare } from '../../mnist/ruler.ts';
import { newRun, type TrainedRun } from '../shared/trained-run.ts';
import record from './recorded.json';
import type { ShortcutState } from './model.ts';

function run(state: ShortcutState, r: (typeof record.runs)[number]): TrainedRun {
  return {
    ...newRun(state.run.spec),
    state: 'done',
    seconds: r.seconds,
    trainAccuracy: r.trainAccuracy,
    testAccuracy: r.testAccuracy,
    marked: { ...r.marked, perClass: r.marked.perClass.map((v) => v ?? Number.NaN) },
  };
}

export function recordedShortcut(state: ShortcutState): ShortcutState {
  const [on, off] = record.runs;
  if (!on || !off) return state;
  const input = record.example.image.map((v) => v / 255);
  return {
    ...state,
    state: 'done',
    ruler: 'off',
    before: run(state, on),
    run: run(state, off),
    examples: [record.example],
    exampleIndex: 0,
    inspection: {
      index: 0,
      predicted: on.inspection.predicted,
      saliency: on.inspection.saliency,
      rulerShare: rulerShare(contributions(on.inspection.saliency, input)),
    },
    recorded: `Recorded on ${record.recorded} (${record.where}): the saliency map is the ruler network's. In a browser, press T on this slide to train live.`,
  };
}
