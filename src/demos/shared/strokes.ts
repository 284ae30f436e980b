/**
 * Strokes as the drawing pad paints them, without a canvas: the pad's size
 * and pen, and the ink a list of strokes leaves, computed in plain
 * arithmetic. The pad (draw-pad.ts) paints on a canvas in the browser;
 * this lets Node draw the same digits (bench/record-room.ts records a wall
 * of hand-drawn digits for paper) and pass them through the same
 * preprocessing (src/train/page/preprocess.ts).
 */
import { toMnistInput } from '../../train/page/preprocess.ts';

/** Pad pixels per side. */
export const PAD_SIZE = 280;
/** The pen's width in pad pixels; its ends and joins are round. */
export const LINE_WIDTH = 18;

/**
 * The ink (0 to 1, row by row) that strokes leave on the pad: each stroke is
 * x, y pairs in pad pixels, drawn with a round pen of LINE_WIDTH, its edge
 * smoothed over one pixel as a canvas's anti-aliasing does.
 */
export function inkOfStrokes(strokes: readonly (readonly number[])[], size = PAD_SIZE, width = LINE_WIDTH): Float32Array {
  const ink = new Float32Array(size * size);
  const r = width / 2;
  const segment = (ax: number, ay: number, bx: number, by: number) => {
    const dx = bx - ax;
    const dy = by - ay;
    const length2 = dx * dx + dy * dy;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1));
    const x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx) + r + 1));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 1));
    const y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by) + r + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length2));
        const distance = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
        const cover = Math.max(0, Math.min(1, r + 0.5 - distance));
        if (cover > ink[y * size + x]!) ink[y * size + x] = cover;
      }
    }
  };
  for (const stroke of strokes) {
    if (stroke.length < 2) continue;
    segment(stroke[0]!, stroke[1]!, stroke[0]!, stroke[1]!);
    for (let i = 2; i + 1 < stroke.length; i += 2) segment(stroke[i - 2]!, stroke[i - 1]!, stroke[i]!, stroke[i + 1]!);
  }
  return ink;
}

/** The network's input for strokes drawn in Node: the pad's ink, then MNIST's preparation (a 20 × 20 box, centred by mass). */
export function inputOfStrokes(strokes: readonly (readonly number[])[]): Float32Array {
  return toMnistInput(inkOfStrokes(strokes), PAD_SIZE, PAD_SIZE);
}
