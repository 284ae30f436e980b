/** Before training, and a test digit through the trained network. */
import { defineSnapshots } from '../../contract/demo.ts';
import { mulberry32 } from '../../lib/random.ts';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { WASM_BACKEND } from '../shared/snapshot-reports.ts';
import { initialPath, update, withInspection, type PathState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<PathState>({
  view: createView,
  snapshots() {
    const start = initialPath();
    start.run.id = 'p';
    const trained = update(update(start, WASM_BACKEND), { type: 'state', run: 'p', state: 'done' });
    const random = mulberry32(8);
    const tests = [{ label: 3, image: Array.from({ length: IMAGE_BYTES }, () => (random() < 0.2 ? 255 : 0)) }];
    const hidden = Float32Array.from({ length: 512 }, () => Math.max(0, random() - 0.7));
    const inspected = withInspection(
      { ...trained, tests },
      Float32Array.from(tests[0]!.image, (v) => v / 255),
      {
        hidden,
        top: [3, 40, 77, 100, 200, 300],
        templates: Float32Array.from({ length: 6 * IMAGE_BYTES }, () => random() - 0.5),
        limit: 0.5,
        probabilities: Float32Array.from([0.01, 0.01, 0.02, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]),
        saliency: Float32Array.from({ length: IMAGE_BYTES }, () => random()),
        classIndex: 3,
      },
    );
    return [
      { name: 'path-idle', states: [initialPath()] },
      { name: 'path-test-digit', states: [inspected] },
    ];
  },
});
