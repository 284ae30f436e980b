/**
 * The wall on paper, and in a deck without a room: thirty hand-drawn digits
 * that bench/record-room.ts drew as the pad draws (strokes of its pen, in
 * three hands per digit), prepared as the pad prepares a drawing, and read
 * by the lecture's network trained briefly under Node (recorded.json),
 * labelled as a recorded wall. Loaded only then.
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
    recorded: `A recorded wall: ${wall.length} hand-drawn digits (drawn by bench/record-room.ts, not by an audience), read by the lecture’s network after ${count(record.run.epochs, 'epoch')} on ${count(record.run.trainSize, 'image')}, recorded on ${record.recorded} (${record.where}). In the lecture, the audience’s phones fill this wall.`,
  };
}
