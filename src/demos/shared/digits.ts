/** Drawing MNIST digits: the same pixels in every figure that shows one. */
import { IMAGE_WIDTH } from '../../mnist/format.ts';

/**
 * Paints one 28 × 28 digit into a canvas, dark ink on white (matplotlib's
 * cmap=binary). Does nothing where canvases cannot draw (a test's DOM).
 */
export function paintDigit(canvas: HTMLCanvasElement, pixels: Uint8Array): void {
  canvas.width = IMAGE_WIDTH;
  canvas.height = pixels.length / IMAGE_WIDTH;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(canvas.width, canvas.height);
  const rgba = image.data;
  for (let i = 0; i < pixels.length; i++) {
    const v = 255 - pixels[i]!;
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}
