/** Gradient descent on one parameter: the slide chooses the learning rate and the curve. Checked when the site is built. */
import { z } from 'zod';

export const params = z
  .object({
    /** The learning rate the figure starts with, by name: "small" (η = 0.05), "good" (η = 0.9) or "large" (η = 2.6, diverges). */
    preset: z.enum(['small', 'good', 'large']).default('good'),
    /** The loss curve: "valley" (one minimum) or "two-valleys" (a local minimum on the left). */
    curve: z.enum(['valley', 'two-valleys']).default('valley'),
  })
  .strict();

export type Gd1Params = z.output<typeof params>;
