/**
 * The saliency picture both interpretability demos draw: the digit in light
 * grey, and over it in red each pixel's contribution to the answer, the
 * gradient of the answer's score times the pixel's ink (gradient × input,
 * `contributions` in src/train/model/interpret.ts), scaled to the largest. Blank
 * pixels contribute nothing, so the picture shows which strokes the answer
 * rests on, and not the noise that a dense network's untrained border
 * weights leave in the plain gradient.
 */
import { contributions } from '../../train/model/interpret.ts';
import { IMAGE_BYTES, IMAGE_WIDTH } from '../../mnist/format.ts';

/**
 * Paints the attribution of `saliency` (the gradient, 784 values) on `input`
 * (784 pixel values from 0 to 1) into a 28 × 28 canvas.
 */
export function paintAttribution(canvas: HTMLCanvasElement, input: ArrayLike<number>, saliency: ArrayLike<number>): void {
  canvas.width = canvas.height = IMAGE_WIDTH;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const map = contributions(saliency, input);
  let largest = 1e-12;
  for (const v of map) largest = Math.max(largest, Math.abs(v));
  const out = ctx.createImageData(IMAGE_WIDTH, IMAGE_WIDTH);
  for (let i = 0; i < IMAGE_BYTES; i++) {
    const t = Math.min(1, Math.abs(map[i]!) / largest);
    const grey = 255 - input[i]! * 90;
    // From the digit's grey to a strong red as the contribution grows.
    out.data.set(
      [Math.round(grey + (200 - grey) * t), Math.round(grey * (1 - t) + 30 * t), Math.round(grey * (1 - t) + 30 * t), 255],
      i * 4,
    );
  }
  ctx.putImageData(out, 0, 0);
}
