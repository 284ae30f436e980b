/**
 * The example demo's manifest: what the deck knows before loading its code.
 * Embed it with `::demo[A counter]{name="example" start="3"}`.
 */
import { z } from 'zod';
import { defineDemo } from '../../contract/demo.ts';
import type { CounterAction, CounterState } from './model.ts';

const params = z
  .object({
    /** Where the counter starts, a whole number. */
    start: z.coerce.number().int().default(0),
  })
  .strict();

export type ExampleParams = z.output<typeof params>;

export default defineDemo<typeof params, CounterState, CounterAction>({
  name: 'example',
  keys: [{ key: 'C', description: 'Count: add one to the example counter', action: { type: 'add', by: 1 } }],
  params,
  load: () => import('./index.ts'),
});
