/**
 * A poll: a question put to the room before an experiment. Slides write it
 * with `::poll[Question?]{id="…" options="value:Label|…" answer="…"}` or
 * `answer-from="<demo>.<report>"` (src/markdown/poll.ts checks it), never
 * with ::demo. Phones vote; V opens, closes and reveals the votes, and
 * then marks the right answer.
 */
import { defineDemo } from '../../contract/demo.ts';
import type { PollAction, PollState } from './model.ts';
import type { PollParams } from './params.ts';

export default defineDemo<PollParams, PollState, PollAction>({
  name: 'poll',
  keys: [{ key: 'V', description: 'Poll: open, close, reveal the votes', action: { type: 'advance' } }],
  load: () => import('./index.ts'),
});
