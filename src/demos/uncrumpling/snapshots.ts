/** The untrained network at its last layer and at its input. */
import { defineSnapshots } from '../../contract/demo.ts';
import { initialState, type UncrumpleState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<UncrumpleState>({
  view: createView,
  snapshots() {
    const start = initialState();
    return [
      { name: 'uncrumpling-layer-4', states: [start] },
      { name: 'uncrumpling-layer-0', states: [{ ...start, layer: 0 }] },
    ];
  },
});
