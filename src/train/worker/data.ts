/**
 * The MNIST data a training worker has: training shards as they arrive,
 * and the test set, loaded once and shared by every run. Runs wait here
 * for what they need; a failed download is kept and given to whoever waits
 * next, so that "Try again" can start over. DOM-free: the worker gives it
 * the verified loader (src/mnist/loader.ts), the tests a source over the
 * real files.
 */
import { IMAGE_BYTES } from '../../mnist/format.ts';

/** Where shards come from: an async sequence of verified shards of one split. */
export interface ShardSource {
  shards(split: 'train' | 'test'): AsyncIterable<{ offset: number; count: number; labels: Uint8Array; images: Uint8Array }>;
}

export interface Labelled {
  labels: Uint8Array;
  images: Uint8Array;
}

/** Thrown into a wait that a cancellation ended. */
export class Stopped extends Error {}

export class DataStore {
  readonly #source: ShardSource;
  /** Verified training shards, in order. */
  readonly train: Labelled[] = [];
  trainCount = 0;
  test: Labelled | undefined;
  #loading: Promise<void> | undefined;
  #waiters: (() => void)[] = [];
  #error: unknown;

  constructor(source: ShardSource) {
    this.#source = source;
  }

  /** Starts loading the training shards up to `trainSize` examples, then the test set up to `testSize`. */
  load(trainSize: number, testSize: number): void {
    if (this.#loading || (this.trainCount >= trainSize && (this.test?.labels.length ?? 0) >= Math.min(testSize, 10000))) return;
    this.#loading = (async () => {
      try {
        if (this.trainCount < trainSize) {
          for await (const shard of this.#source.shards('train')) {
            if (shard.offset < this.trainCount) continue;
            this.train.push({ labels: shard.labels, images: shard.images });
            this.trainCount += shard.count;
            this.#wake();
            if (this.trainCount >= trainSize) break;
          }
        }
        const need = Math.min(testSize, 10000);
        if ((this.test?.labels.length ?? 0) < need) {
          const labels = new Uint8Array(need);
          const images = new Uint8Array(need * IMAGE_BYTES);
          let have = 0;
          for await (const shard of this.#source.shards('test')) {
            const take = Math.min(shard.count, need - shard.offset);
            labels.set(shard.labels.subarray(0, take), shard.offset);
            images.set(shard.images.subarray(0, take * IMAGE_BYTES), shard.offset * IMAGE_BYTES);
            have = shard.offset + take;
            if (have >= need) break;
          }
          this.test = { labels: labels.subarray(0, have), images: images.subarray(0, have * IMAGE_BYTES) };
          this.#wake();
        }
      } catch (error) {
        this.#error = error;
        this.#wake();
      } finally {
        this.#loading = undefined;
      }
    })();
  }

  /** The first `count` training examples as one array (copied only when they span shards). */
  firstTraining(count: number): Labelled {
    const n = Math.min(count, this.trainCount);
    const first = this.train[0];
    if (first && first.labels.length >= n)
      return { labels: first.labels.subarray(0, n), images: first.images.subarray(0, n * IMAGE_BYTES) };
    const labels = new Uint8Array(n);
    const images = new Uint8Array(n * IMAGE_BYTES);
    let at = 0;
    for (const shard of this.train) {
      const take = Math.min(shard.labels.length, n - at);
      labels.set(shard.labels.subarray(0, take), at);
      images.set(shard.images.subarray(0, take * IMAGE_BYTES), at * IMAGE_BYTES);
      at += take;
      if (at >= n) break;
    }
    return { labels, images };
  }

  /** Waits for the next shard (or the test set); throws a download's error, or Stopped when `stopped()` turns true. */
  async next(stopped: () => boolean): Promise<void> {
    this.#raise();
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (stopped()) throw new Stopped();
    this.#raise();
  }

  /** Lets every waiter go (a cancellation, so that they see it). */
  release(): void {
    this.#wake();
  }

  #raise(): void {
    if (this.#error === undefined) return;
    const error = this.#error;
    this.#error = undefined;
    throw error;
  }

  #wake(): void {
    this.#waiters.splice(0).forEach((wake) => wake());
  }
}
