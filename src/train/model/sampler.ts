/**
 * Which examples go into which batch.
 *
 * Every epoch visits each training example exactly once, in a fresh random
 * order (Keras' `shuffle=True`). Training may start before all the data has
 * arrived: examples join the current epoch's pool as their shard is
 * verified, mixed in at random, and `next` answers `null` while the pool
 * holds less than a batch and more data is still to come.
 */
import { mulberry32, shuffleInPlace } from '../../lib/random.ts';

export interface SamplerState {
  epoch: number;
  /** Indices not yet used in this epoch. */
  pool: number[];
  /** How many examples exist so far. */
  available: number;
  /** How many examples there will be. */
  total: number;
  /** The generator's position, as a count of draws, to replay it exactly. */
  draws: number;
  seed: number;
  /** Examples served in this epoch. */
  served: number;
}

export class EpochSampler {
  #state: SamplerState;
  #random: () => number;

  /**
   * @param total Examples the epoch will hold once every shard is in.
   * @param seed Seed of the shuffles.
   */
  constructor(total: number, seed: number) {
    this.#state = { epoch: 0, pool: [], available: 0, total, draws: 0, seed, served: 0 };
    this.#random = this.#counted(mulberry32(seed));
  }

  get epoch(): number {
    return this.#state.epoch;
  }

  /** Examples served so far in the current epoch. */
  get served(): number {
    return this.#state.served;
  }

  get total(): number {
    return this.#state.total;
  }

  /** Makes examples [available, available + count) usable, mixing them into the current epoch. */
  add(count: number): void {
    const s = this.#state;
    const start = s.available;
    s.available = Math.min(s.total, s.available + count);
    for (let i = start; i < s.available; i++) s.pool.push(i);
    shuffleInPlace(s.pool, this.#random);
  }

  /**
   * The next batch of indices, or `null` while a full batch is not yet
   * available. The last batch of an epoch may be smaller, as in Keras.
   * Returns an empty array when the epoch is over.
   */
  next(batchSize: number): Int32Array | null {
    const s = this.#state;
    const remaining = s.total - s.served;
    if (remaining === 0) return new Int32Array(0);
    const size = Math.min(batchSize, remaining);
    if (s.pool.length < size) return null;
    const batch = Int32Array.from(s.pool.splice(s.pool.length - size, size));
    s.served += size;
    return batch;
  }

  /** True when every example of this epoch has been served. */
  get epochDone(): boolean {
    return this.#state.served === this.#state.total;
  }

  /** Starts the next epoch over every available example. */
  nextEpoch(): void {
    const s = this.#state;
    s.epoch += 1;
    s.served = 0;
    s.pool = shuffleInPlace(
      Array.from({ length: s.available }, (_, i) => i),
      this.#random,
    );
  }

  /** A copy of the state, to come back to after a failure. */
  save(): SamplerState {
    return { ...this.#state, pool: [...this.#state.pool] };
  }

  /** Goes back to a saved state, random generator included. */
  restore(state: SamplerState): void {
    this.#state = { ...state, pool: [...state.pool] };
    const random = mulberry32(state.seed);
    for (let i = 0; i < state.draws; i++) random();
    this.#random = this.#counted(random);
  }

  #counted(random: () => number): () => number {
    return () => {
      this.#state.draws += 1;
      return random();
    };
  }
}
