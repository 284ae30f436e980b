/** Nothing lit, then the loss step. */
import { defineSnapshots } from '../../contract/demo.ts';
import type { AnatomyState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<AnatomyState>({
  view: createView,
  snapshots: () => [
    { name: 'anatomy-0', states: [{ step: 0 }] },
    { name: 'anatomy-3', states: [{ step: 3 }] },
  ],
});
