/**
 * Before any digit (no network yet: the wall invites the room to draw), a
 * wall of twelve with some read wrong, one hidden and one not classified
 * yet, on the projector (no button) and in the speaker view (the
 * presenter's controls and a Hide or Show button on each digit), the same
 * after training with the room's digits, a wall of more digits than fit
 * (whole rows and "+N more"), a phone after its digit came back, and the
 * recorded wall on paper.
 */
import { defineSnapshots } from '../../contract/demo.ts';
import type { FromWorker } from '../../train/protocol.ts';
import { finishReports, WASM_BACKEND } from '../shared/snapshot-reports.ts';
import {
  addDigit,
  beginFineTune,
  classify,
  decodePixels,
  hide,
  initialRoomDigits,
  publicWall,
  resultLine,
  resultOf,
  unclassified,
  update,
  type RoomDigitsState,
} from './model.ts';
import record from './recorded.json';
import { recordedWall } from './recorded.ts';
import { createView } from './view.ts';

/** Twelve of the recorded digits, four of them read wrong. */
const TWELVE = [0, 1, 3, 5, 9, 12, 15, 18, 21, 22, 26, 29];

export default defineSnapshots<RoomDigitsState>({
  view: createView,
  snapshots() {
    const start = { ...update(initialRoomDigits({}), WASM_BACKEND), side: 'projector' as const };
    const idle: RoomDigitsState = { ...start, network: 'none' };
    let wall: RoomDigitsState = { ...start, network: 'ready', testAccuracy: 0.9787 };
    for (const [k, index] of TWELVE.entries()) {
      const d = record.digits[index]!;
      wall = addDigit(wall, { from: `phone-${String(k).padStart(4, '0')}`, label: d.label, pixels: decodePixels(d.pixels) });
      // The last to arrive is still being read when the picture is taken; the one before it timed out.
      if (k < TWELVE.length - 2) wall = classify(wall, wall.nextId - 1, d.probabilities);
      if (k === TWELVE.length - 2) wall = unclassified(wall, wall.nextId - 1);
    }
    wall = hide(wall, 6, true);

    // Forty-five digits, the recorded thirty and fifteen of them again: more than the wall's places.
    let full: RoomDigitsState = { ...start, network: 'ready', testAccuracy: 0.9787 };
    for (let k = 0; k < 45; k++) {
      const d = record.digits[k % record.digits.length]!;
      full = addDigit(full, { from: `phone-${String(k).padStart(4, '0')}`, label: d.label, pixels: decodePixels(d.pixels) });
      full = classify(full, full.nextId - 1, d.probabilities);
    }

    const tuning = beginFineTune(wall, 'room-tune-1', 5, 5);
    const reports: FromWorker[] = [
      { type: 'state', run: 'room-tune-1', state: 'training' },
      { type: 'epoch', run: 'room-tune-1', epoch: 1, accuracy: 0.9771, loss: 0.08, confusion: [], heldOutAccuracy: 0.8 },
      { type: 'epoch', run: 'room-tune-1', epoch: 2, accuracy: 0.978, loss: 0.07, confusion: [], heldOutAccuracy: 1 },
      ...finishReports('room-tune-1', 0.978, 6.2, { heldOutBefore: 0.6, heldOutAfter: 1 }),
    ];
    const tuned = reports.reduce(update, tuning);

    const sent = wall.wall[3]!;
    const phone: RoomDigitsState = {
      ...initialRoomDigits({}),
      side: 'phone',
      shared: publicWall(wall),
      pad: { strokes: [], label: undefined, sent: 1, result: resultOf(sent), line: resultLine(resultOf(sent)) },
    };

    return [
      { name: 'room-digits-idle', states: [idle] },
      { name: 'room-digits-wall', states: [wall] },
      { name: 'room-digits-wall-speaker', states: [wall], role: 'mirror' },
      { name: 'room-digits-full', states: [full] },
      { name: 'room-digits-fine-tuned', states: [tuned] },
      { name: 'room-digits-phone', states: [phone] },
      { name: 'room-digits-recorded', states: [recordedWall(initialRoomDigits({}))], print: true },
    ];
  },
});
