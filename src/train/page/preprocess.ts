/**
 * Turning a digit drawn on a canvas into an MNIST-like input.
 *
 * MNIST's digits were scaled to fit a 20 × 20 box, keeping their aspect
 * ratio, and placed in a 28 × 28 image so that their centre of mass is at
 * the centre (LeCun, Cortes and Burges). A drawing gets the same treatment,
 * so the network sees what it was trained on.
 */
import { IMAGE_HEIGHT, IMAGE_WIDTH } from '../../mnist/format.ts';

/**
 * @param ink Row-major ink amounts in [0, 1] (1 = full ink), `width` × `height`.
 * @returns 784 values in [0, 1], or all zeros when nothing was drawn.
 */
export function toMnistInput(ink: ArrayLike<number>, width: number, height: number): Float32Array {
  const out = new Float32Array(IMAGE_WIDTH * IMAGE_HEIGHT);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > 0.05) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));

  // Area-average the bounding box down (or up) to tw × th.
  const small = new Float32Array(tw * th);
  for (let ty = 0; ty < th; ty++) {
    const sy0 = y0 + ty / scale;
    const sy1 = y0 + (ty + 1) / scale;
    for (let tx = 0; tx < tw; tx++) {
      const sx0 = x0 + tx / scale;
      const sx1 = x0 + (tx + 1) / scale;
      let sum = 0;
      let area = 0;
      for (let sy = Math.floor(sy0); sy < Math.ceil(sy1); sy++) {
        const wy = Math.min(sy + 1, sy1) - Math.max(sy, sy0);
        if (wy <= 0 || sy >= height) continue;
        for (let sx = Math.floor(sx0); sx < Math.ceil(sx1); sx++) {
          const wx = Math.min(sx + 1, sx1) - Math.max(sx, sx0);
          if (wx <= 0 || sx >= width) continue;
          sum += ink[sy * width + sx]! * wx * wy;
          area += wx * wy;
        }
      }
      small[ty * tw + tx] = area > 0 ? Math.min(1, sum / area) : 0;
    }
  }

  // Centre of mass of the scaled digit, then place it at the image's centre.
  let mass = 0;
  let cx = 0;
  let cy = 0;
  small.forEach((v, i) => {
    mass += v;
    cx += v * ((i % tw) + 0.5);
    cy += v * (Math.floor(i / tw) + 0.5);
  });
  const left = Math.round(IMAGE_WIDTH / 2 - cx / mass);
  const top = Math.round(IMAGE_HEIGHT / 2 - cy / mass);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const X = x + left;
      const Y = y + top;
      if (X >= 0 && X < IMAGE_WIDTH && Y >= 0 && Y < IMAGE_HEIGHT) out[Y * IMAGE_WIDTH + X] = small[y * tw + x]!;
    }
  }
  return out;
}
