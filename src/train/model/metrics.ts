/** Measures of a training run, as pure functions over plain numbers. */

/** A 10 × 10 matrix: rows are the true digits, columns the predicted ones. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes = 10): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) matrix[truth[i]!]![predicted[i]!]! += 1;
  return matrix;
}

export function accuracyOf(matrix: number[][]): number {
  let right = 0;
  let all = 0;
  matrix.forEach((row, i) =>
    row.forEach((n, j) => {
      all += n;
      if (i === j) right += n;
    }),
  );
  return all === 0 ? 0 : right / all;
}

/**
 * Exponential moving average with bias correction (as TensorBoard smooths):
 * the smoothed curve starts where the raw one does.
 */
export function smooth(values: readonly number[], weight = 0.9): number[] {
  const out: number[] = [];
  let last = 0;
  values.forEach((v, i) => {
    last = weight * last + (1 - weight) * v;
    out.push(last / (1 - weight ** (i + 1)));
  });
  return out;
}

/** Examples per second over a sliding window of (time, examples) samples. */
export class Throughput {
  readonly #samples: { time: number; examples: number }[] = [];
  readonly windowMs: number;
  constructor(windowMs = 5000) {
    this.windowMs = windowMs;
  }
  add(time: number, examples: number): void {
    this.#samples.push({ time, examples });
    while (this.#samples.length > 2 && time - this.#samples[0]!.time > this.windowMs) this.#samples.shift();
  }
  perSecond(): number {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.time <= first.time) return 0;
    return ((last.examples - first.examples) * 1000) / (last.time - first.time);
  }
  reset(): void {
    this.#samples.length = 0;
  }
}

/** The index of the largest of `length` values starting at `offset` (the first on a tie): the class a network predicts. */
export function argmax(values: ArrayLike<number>, offset = 0, length = 10): number {
  let best = 0;
  for (let c = 1; c < length; c++) if (values[offset + c]! > values[offset + best]!) best = c;
  return best;
}
