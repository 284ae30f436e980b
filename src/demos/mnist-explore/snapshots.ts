/** Loading, an error, seeded data at step 2, and the same data in the "digits" mode. */
import { defineSnapshots } from '../../contract/demo.ts';
import { mulberry32 } from '../../lib/random.ts';
import { initialState, type ExploreState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<ExploreState>({
  view: createView,
  snapshots() {
    const random = mulberry32(11);
    const labels = Uint8Array.from({ length: 24 }, (_, i) => (i * 7) % 10);
    const images = Uint8Array.from({ length: 24 * 784 }, () => (random() > 0.8 ? Math.floor(random() * 256) : 0));
    return [
      { name: 'explore-loading', states: [initialState()] },
      {
        name: 'explore-error',
        states: [{ ...initialState(), status: 'error', error: 'The server answered 503 for the MNIST shard train-00.' }],
      },
      {
        name: 'explore-ready',
        states: [{ ...initialState(), status: 'ready', data: { counts: { train: 60000, test: 10000 }, labels, images }, step: 2 }],
      },
      {
        name: 'explore-digits',
        states: [{ ...initialState('digits'), status: 'ready', data: { counts: { train: 60000, test: 10000 }, labels, images } }],
      },
    ];
  },
});
