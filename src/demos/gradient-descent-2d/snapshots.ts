/** The figure at its start, and nine steps of mini-batches of 16 with momentum. */
import { defineSnapshots } from '../../contract/demo.ts';
import { initialState, reduce, type Gd2Action, type Gd2State } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<Gd2State>({
  view: createView,
  snapshots() {
    const start = initialState({ eta: 0.15, batch: 8, momentum: 0 });
    const moved: Gd2Action[] = [
      { type: 'batch', batchSize: 16 },
      { type: 'momentum', momentum: 0.8 },
      { type: 'goto', step: 9 },
    ];
    return [
      { name: 'gd2-start', states: [start] },
      { name: 'gd2-momentum-9', states: [moved.reduce<Gd2State>((s, a) => reduce(s, a), start)] },
    ];
  },
});
