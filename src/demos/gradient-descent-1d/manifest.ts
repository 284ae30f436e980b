import { z } from 'zod';
import { defineDemo } from '../../contract/demo.ts';
import type { Gd1Action, Gd1State } from './model.ts';

const params = z
  .object({
    /** The learning rate the figure starts with, by name: "small" (η = 0.05), "good" (η = 0.9) or "large" (η = 2.6, diverges). */
    preset: z.enum(['small', 'good', 'large']).default('good'),
    /** The loss curve: "valley" (one minimum) or "two-valleys" (a local minimum on the left). */
    curve: z.enum(['valley', 'two-valleys']).default('valley'),
  })
  .strict();

export type Gd1Params = z.output<typeof params>;

export default defineDemo<typeof params, Gd1State, Gd1Action>({
  name: 'gradient-descent-1d',
  keys: [{ key: 'A', description: 'Animate: play or pause gradient descent on one parameter', action: { type: 'toggle-play' } }],
  params,
  load: () => import('./index.ts'),
});
