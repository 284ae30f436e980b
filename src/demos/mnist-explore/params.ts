/** "Explore the data": what the slide shows of the real MNIST. Checked when the site is built. */
import { z } from 'zod';

export const params = z
  .object({
    /**
     * "explore" (the default): the shapes, the first training digits, one of them with its pixel values, and the
     * clicker's reshape and scaling. "digits": only the first 24 training digits, large, each with its label, for
     * a slide that introduces the data set before any code.
     */
    show: z.enum(['explore', 'digits']).default('explore'),
  })
  .strict();

export type ExploreParams = z.output<typeof params>;
