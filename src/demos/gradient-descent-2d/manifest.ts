import { z } from 'zod';
import { defineDemo } from '../../contract/demo.ts';
import { BATCHES, ETA_RANGE, MOMENTA, type Gd2Action, type Gd2State } from './model.ts';

const params = z
  .object({
    /** The learning rate η the figure starts with, from 0.01 to 0.6. */
    eta: z.coerce.number().min(ETA_RANGE.min).max(ETA_RANGE.max).default(0.15),
    /** Examples per mini-batch: 1, 4, 8, 16, or 64 (the whole data set, so both paths coincide). */
    batch: z.coerce
      .number()
      .refine((b) => (BATCHES as readonly number[]).includes(b), { message: `must be one of ${BATCHES.join(', ')}` })
      .default(8),
    /** Heavy-ball momentum: 0 (off) or 0.8. */
    momentum: z.coerce
      .number()
      .refine((m) => (MOMENTA as readonly number[]).includes(m), { message: `must be one of ${MOMENTA.join(', ')}` })
      .default(0),
  })
  .strict();

export default defineDemo<typeof params, Gd2State, Gd2Action>({
  name: 'gradient-descent-2d',
  keys: [{ key: 'A', description: 'Animate: play or pause gradient descent on two parameters', action: { type: 'toggle-play' } }],
  params,
  load: () => import('./index.ts'),
});
