/** A scalar, a 4D tensor, a seeded digit reshaped, and the printed progression. */
import { defineSnapshots } from '../../contract/demo.ts';
import { mulberry32 } from '../../lib/random.ts';
import type { TensorsState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<TensorsState>({
  view: createView,
  snapshots() {
    const random = mulberry32(5);
    const digit = Uint8Array.from({ length: 784 }, (_, i) => (Math.abs((i % 28) - 14) < 4 && random() > 0.3 ? 255 : 0));
    return [
      { name: 'tensors-0', states: [{ stage: 0, digit: null }] },
      { name: 'tensors-4', states: [{ stage: 4, digit: null }] },
      { name: 'tensors-reshaped', states: [{ stage: 8, digit }] },
      { name: 'tensors-printed', states: [{ stage: 8, digit: null }], print: true },
    ];
  },
});
