/** The original axes and the turned ones. */
import { defineSnapshots } from '../../contract/demo.ts';
import type { CoordinatesState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<CoordinatesState>({
  view: createView,
  snapshots: () => [
    { name: 'coordinates-original', states: [{ turned: false }] },
    { name: 'coordinates-turned', states: [{ turned: true }] },
  ],
});
