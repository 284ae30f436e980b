/** The figure at its start, three steps too small, a diverged run, and the two valleys. */
import { defineSnapshots } from '../../contract/demo.ts';
import { initialState, reduce, type Gd1Action, type Gd1State } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<Gd1State>({
  view: createView,
  snapshots() {
    const start = initialState({ preset: 'good', curve: 'valley' });
    const after = (...actions: Gd1Action[]) => actions.reduce(reduce, start);
    return [
      { name: 'gd1-start', states: [start] },
      { name: 'gd1-small-3', states: [after({ type: 'preset', preset: 'small' }, { type: 'step' }, { type: 'step' }, { type: 'step' })] },
      { name: 'gd1-diverged', states: [after({ type: 'preset', preset: 'large' }, { type: 'goto', step: 6 })] },
      { name: 'gd1-two-valleys', states: [after({ type: 'curve', curve: 'two-valleys' }, { type: 'goto', step: 8 })] },
    ];
  },
});
