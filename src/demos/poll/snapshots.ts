/**
 * A poll on the projector before it opens and while open (the count only,
 * no button, no key), the same open poll in the speaker view (the counts,
 * V's hint and the button), revealed with the answer marked, on a phone,
 * and without a room.
 */
import { defineSnapshots } from '../../contract/demo.ts';
import { castVote, initialPoll, publicState, reduce, type PollAction, type PollState } from './model.ts';
import type { PollParams } from './params.ts';
import { createView } from './view.ts';

const PARAMS: PollParams = {
  id: 'which-model',
  question: 'Which model will be most accurate?',
  options: [
    { value: 'logistic', label: 'Logistic regression' },
    { value: 'dense', label: 'The lecture’s network' },
    { value: 'cnn', label: 'A small convnet' },
  ],
  answerFrom: { demo: 'model-comparison', report: 'best' },
};

const apply = (s: PollState, actions: PollAction[]) => actions.reduce(reduce, s);

export default defineSnapshots<PollState>({
  view: createView,
  snapshots() {
    const projector: PollState = { ...initialPoll(PARAMS), side: 'projector' };
    // Nine phones vote, through a ballot box of their own, as the projector's controller counts them.
    const box = new Map<string, number>();
    const open = [0, 1, 1, 2, 2, 2, 2, 1, 2].reduce(
      (s, option, k) => castVote(s, box, `phone-${k}-abcdef`, option),
      apply(projector, [{ type: 'advance' }]),
    );
    const revealed = apply(open, [{ type: 'advance' }, { type: 'advance' }, { type: 'answer', value: 'cnn' }]);
    const phone = apply({ ...initialPoll(PARAMS), side: 'phone' }, [
      { type: 'published', value: publicState(open) },
      { type: 'choose', option: 1 },
      { type: 'published', value: publicState(revealed) },
    ]);
    return [
      { name: 'poll-ready', states: [projector] },
      { name: 'poll-open', states: [open] },
      { name: 'poll-open-speaker', states: [open], role: 'mirror' },
      { name: 'poll-revealed', states: [revealed] },
      { name: 'poll-phone', states: [phone] },
      { name: 'poll-alone', states: [initialPoll(PARAMS)], print: true },
    ];
  },
});
