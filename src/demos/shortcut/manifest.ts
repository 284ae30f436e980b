/**
 * The ruler shortcut, trained live on MNIST with a ruler planted on the
 * zeros, caught by its test figures and its saliency map, and gone once the
 * ruler is removed. train-size, test-size and epochs in the address shorten it.
 */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { ShortcutAction, ShortcutState } from './model.ts';

export default defineDemo<NoParams, ShortcutState, ShortcutAction>({
  name: 'shortcut',
  keys: [
    { key: 'T', description: 'The ruler: train with the ruler, pause or resume', action: { type: 'toggle' } },
    { key: 'U', description: 'The ruler: remove it from the training images and retrain', action: { type: 'remove-ruler' } },
    { key: 'R', description: 'The ruler: start again', action: { type: 'reset' } },
  ],
  needs: { worker: true, tfjs: true },
  // data-example-predicted: the class the network gives the stamped digit on screen (data-example-label: what it is).
  reports: ['example-predicted', 'example-label', 'state'],
  load: () => import('./index.ts'),
});
