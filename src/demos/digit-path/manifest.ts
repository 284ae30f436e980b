/**
 * A digit's path through the lecture's network: input, hidden units with
 * the templates of the most active, probabilities and saliency, for a
 * drawing or a test digit. Its network trains here in about ten seconds.
 */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { PathAction, PathState } from './model.ts';

export default defineDemo<NoParams, PathState, PathAction>({
  name: 'digit-path',
  keys: [
    { key: 'T', description: 'A digit’s path: train the network (about ten seconds), pause or resume', action: { type: 'toggle' } },
    { key: 'R', description: 'A digit’s path: start again', action: { type: 'reset' } },
  ],
  needs: { worker: true, tfjs: true },
  load: () => import('./index.ts'),
});
