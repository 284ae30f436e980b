/**
 * Weights drawn as images: a hidden unit's (or a class's) 784 incoming
 * weights as a 28 × 28 picture, in a diverging colour map with zero as the
 * paper's colour: blue where ink raises the unit, orange where it lowers it.
 * Shared by the live slide's templates and a digit's path.
 */
import { IMAGE_BYTES, IMAGE_WIDTH } from '../../mnist/format.ts';

/** Blue for positive weights, orange for negative, alpha by size: transparent at zero, on either theme. */
export function weightColour(value: number, limit: number): [number, number, number, number] {
  const t = limit > 0 ? Math.max(-1, Math.min(1, value / limit)) : 0;
  return t >= 0 ? [11, 92, 173, Math.round(255 * t)] : [217, 95, 2, Math.round(-255 * t)];
}

/** Paints one template into a canvas (nothing where canvases cannot draw). */
export function paintTemplate(canvas: HTMLCanvasElement, weights: Float32Array, limit: number): void {
  canvas.width = IMAGE_WIDTH;
  canvas.height = IMAGE_WIDTH;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(IMAGE_WIDTH, IMAGE_WIDTH);
  for (let i = 0; i < IMAGE_BYTES; i++) image.data.set(weightColour(weights[i]!, limit), i * 4);
  ctx.putImageData(image, 0, 0);
}
