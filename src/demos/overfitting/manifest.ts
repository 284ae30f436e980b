/**
 * Overfitting, watched: the lecture's network on 500 training images for 40
 * epochs, then on 60,000, training and test accuracy on one chart each. No
 * slide parameters; train-size, test-size and epochs in the address shorten it.
 */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { OverfitAction, OverfitState } from './model.ts';

export default defineDemo<NoParams, OverfitState, OverfitAction>({
  name: 'overfitting',
  keys: [
    { key: 'T', description: 'Overfitting: train on 500 images, then on 60,000; pause or resume', action: { type: 'toggle' } },
    { key: 'R', description: 'Overfitting: start again', action: { type: 'reset' } },
  ],
  needs: { worker: true, tfjs: true },
  // data-small-train-band: the small run's final training accuracy as a poll's band, "90-100" … "0-60".
  reports: ['small-train-band', 'state'],
  load: () => import('./index.ts'),
});
