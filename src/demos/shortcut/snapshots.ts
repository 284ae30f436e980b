/** Caught, then removed, with where the network looks. */
import { defineSnapshots } from '../../contract/demo.ts';
import { mulberry32 } from '../../lib/random.ts';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import type { FromWorker } from '../../train/protocol.ts';
import { finishReports, WASM_BACKEND } from '../shared/snapshot-reports.ts';
import { examplesFrom, initialShortcut, update, withInspection, type ShortcutState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<ShortcutState>({
  view: createView,
  snapshots() {
    const random = mulberry32(5);
    const images = Uint8Array.from({ length: 2 * IMAGE_BYTES }, () => (random() < 0.15 ? 255 : 0));
    const fold = (s: ShortcutState, messages: FromWorker[]) => messages.reduce(update, s);
    const start = initialShortcut({});
    start.examples = examplesFrom([7, 1], images);
    start.run.id = 'on';
    const caught = fold(start, [
      WASM_BACKEND,
      ...finishReports('on', 0.9, 12, {
        trainAccuracy: 0.995,
        marked: { count: 2000, accuracy: 0.18, flippedShare: 0.8, perClass: [Number.NaN, 0.3, 0.1, 0.2, 0.15, 0.1, 0.25, 0.2, 0.1, 0.2] },
      }),
    ]);
    const saliency = Float32Array.from({ length: IMAGE_BYTES }, (_, i) => (i < 60 ? 1 : random() * 0.2));
    const withRuler = withInspection(caught, 0, {
      hidden: new Float32Array(0),
      top: [],
      templates: new Float32Array(0),
      limit: 0,
      probabilities: new Float32Array(10),
      saliency,
      classIndex: 0,
    });
    const removed = fold({ ...withRuler, before: withRuler.run, ruler: 'off', run: { ...withRuler.run, id: 'off', state: 'queued' } }, [
      ...finishReports('off', 0.91, 12, {
        trainAccuracy: 0.994,
        marked: {
          count: 2000,
          accuracy: 0.9,
          flippedShare: 0.01,
          perClass: [Number.NaN, 0.95, 0.88, 0.9, 0.9, 0.85, 0.93, 0.9, 0.86, 0.88],
        },
      }),
    ]);
    return [
      { name: 'shortcut-with-ruler', states: [withRuler] },
      { name: 'shortcut-without-ruler', states: [removed] },
    ];
  },
});
