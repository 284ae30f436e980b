/** The live slide: the lecture's network trained here, then run after run beside it. */
import { defineDemo } from '../../contract/demo.ts';
import type { LiveParams } from './params.ts';
import type { LiveAction, LiveState } from './state.ts';

export default defineDemo<LiveParams, LiveState, LiveAction>({
  name: 'mnist-training',
  keys: [
    { key: 'T', description: 'Train: start, pause or resume the live MNIST network', action: { type: 'toggle' } },
    { key: 'R', description: 'Reset the live training: new weights, new run', action: { type: 'reset' } },
  ],
  needs: { worker: true, tfjs: true },
  load: () => import('./index.ts'),
});
