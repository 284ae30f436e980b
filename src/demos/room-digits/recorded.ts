/**
 * The wall on paper, and in a deck without a room: thirty hand-drawn digits
 * that bench/record-room.ts drew as the pad draws (strokes of its pen, in
 * three hands per digit), prepared as the pad prepares a drawing, and read
 * by the lecture's network trained briefly under Node (recorded.json),
 * labelled as a recorded wall in words for the audience (no file, no
 * date: recorded.json keeps when and where). Loaded only then.
 */
import record from './recorded.json';
import { count } from '../../lib/format.ts';
import { newFineTune, type RoomDigitsState, type WallEntry } from './model.ts';

export function recordedWall(state: RoomDigitsState): RoomDigitsState {
  const wall: WallEntry[] = record.digits.map((d, i) => ({
    id: i + 1,
    from: '',
    label: d.label,
    pixels: d.pixels,
    guess: d.guess,
    probabilities: d.probabilities,
    status: 'classified',
    hidden: false,
  }));
  return {
    ...state,
    side: 'alone',
    wall,
    nextId: wall.length + 1,
    network: 'ready',
    testAccuracy: record.testAccuracy,
    fineTune: newFineTune(),
    // Said to the audience, on paper or on a screen without a room: no file, no date.
    recorded: `A recorded wall, not this room’s: ${wall.length} digits drawn in advance by a program, stroke by stroke as a finger draws on the pad, and read by the lecture’s network after ${count(record.run.epochs, 'epoch')} on ${count(record.run.trainSize, 'image')}. With a room, your phones fill this wall.`,
  };
}
