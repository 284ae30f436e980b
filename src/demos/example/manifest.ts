/**
 * The example demo's manifest: what the deck knows before loading its code.
 * Embed it with `::demo[A counter]{name="example" start="3"}`; its
 * parameters are in params.ts, checked when the site is built.
 */
import { defineDemo } from '../../contract/demo.ts';
import type { CounterAction, CounterState } from './model.ts';
import type { ExampleParams } from './params.ts';

export default defineDemo<ExampleParams, CounterState, CounterAction>({
  name: 'example',
  keys: [{ key: 'C', description: 'Count: add one to the example counter', action: { type: 'add', by: 1 } }],
  load: () => import('./index.ts'),
});
