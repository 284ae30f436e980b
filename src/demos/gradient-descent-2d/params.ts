/** Gradient descent on two parameters: the slide chooses η, the batch and momentum. Checked when the site is built. */
import { z } from 'zod';
import { BATCHES, ETA_RANGE, MOMENTA, type Gd2Params } from './model.ts';

export const params = z
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

/** The schema's output is what the model's initial state takes (a compile-time check). */
export const toState: (parsed: z.output<typeof params>) => Gd2Params = (parsed) => parsed;
