/**
 * The example demo's slide parameters: checked, with their defaults, when
 * the site is built (the browser receives the result and needs no schema).
 * `::demo[A counter]{name="example" start="3"}` gives `{ start: 3 }`.
 */
import { z } from 'zod';

export const params = z
  .object({
    /** Where the counter starts, a whole number. */
    start: z.coerce.number().int().default(0),
  })
  .strict();

export type ExampleParams = z.output<typeof params>;
