/**
 * "Your digits": the audience draws digits on their phones, and the network
 * trained on the live slide reads them on the projector, beside its MNIST
 * test accuracy; then it is trained with half of them and measured on the
 * other half. No slide parameters: train-size, test-size and epochs in the
 * address shorten its runs.
 */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { RoomDigitsAction, RoomDigitsState } from './model.ts';

export default defineDemo<NoParams, RoomDigitsState, RoomDigitsAction>({
  name: 'room-digits',
  keys: [
    {
      key: 'T',
      description: 'Your digits: train the lecture’s network briefly when none has been; pause or resume',
      action: { type: 'train' },
    },
    { key: 'Y', description: 'Train with your digits', action: { type: 'fine-tune' } },
    { key: 'C', description: 'Your digits: clear the wall', action: { type: 'clear' } },
  ],
  needs: { worker: true, tfjs: true },
  reports: ['count', 'room-accuracy', 'test-accuracy', 'heldout-before', 'heldout-after'],
  load: () => import('./index.ts'),
});
