import { z } from 'zod';
import { defineDemo } from '../../contract/demo.ts';
import type { LiveAction, LiveState } from './state.ts';

/**
 * No slide parameters yet: the run is the lecture's Keras program. A link
 * shortens it with the URL parameters of src/train/config.ts (train-size,
 * test-size, epochs, backend).
 */
const params = z.object({}).strict();

export type LiveParams = z.output<typeof params>;

export default defineDemo<typeof params, LiveState, LiveAction>({
  name: 'mnist-training',
  keys: [
    { key: 'T', description: 'Train: start, pause or resume the live MNIST network', action: { type: 'toggle' } },
    { key: 'R', description: 'Reset the live training: new weights, new run', action: { type: 'reset' } },
  ],
  params,
  needs: { worker: true, tfjs: true },
  load: () => import('./index.ts'),
});
