/**
 * Loading MNIST in the browser (a page or a Web Worker) from the shards the
 * build wrote. No DOM here: only fetch, streams, DecompressionStream,
 * crypto.subtle and, when there is one, Cache Storage.
 *
 *     const loader = new MnistLoader({ manifestUrl, signal, onProgress });
 *     for await (const shard of loader.shards('train')) train(shard);
 *
 * Every shard is checked before it is handed out: its gzip must decompress,
 * its length must be what the manifest says, and its sha256 must match. A
 * verified shard is kept in Cache Storage, under a cache named after the
 * manifest's version, so a reload or an offline visit does not download it
 * again; caches of other versions are deleted. Nothing that failed a check is
 * used or cached, and a retry starts cleanly.
 */
import { IMAGE_BYTES, validateManifest, type Manifest, type ShardEntry, type Split } from './format.ts';

export type MnistErrorKind = 'network' | 'http' | 'corrupt' | 'length' | 'checksum' | 'manifest' | 'aborted';

/** A loading failure, with what failed and what the reader can do. */
export class MnistError extends Error {
  readonly kind: MnistErrorKind;
  /** The shard's file name, or "manifest.json". */
  readonly file: string;
  constructor(kind: MnistErrorKind, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MnistError';
    this.kind = kind;
    this.file = file;
  }
}

/** A verified shard: `count` examples starting at `offset` in its split. */
export interface MnistShard {
  split: Split;
  file: string;
  offset: number;
  count: number;
  /** count labels, 0–9. */
  labels: Uint8Array;
  /** count × 784 pixels, 0–255, image after image, row by row. */
  images: Uint8Array;
  /** True when it came from Cache Storage rather than the network. */
  fromCache: boolean;
}

export interface MnistProgress {
  split: Split;
  /** Compressed bytes of this split received (or found in the cache) so far. */
  loadedBytes: number;
  totalBytes: number;
  /** Examples verified and usable so far. */
  loadedExamples: number;
  totalExamples: number;
  /** The shard being read. */
  file: string;
}

/** The parts of Cache Storage the loader uses, so tests can pass their own. */
export interface CacheLike {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
  delete(request: string): Promise<boolean>;
}
export interface CacheStorageLike {
  open(name: string): Promise<CacheLike>;
  keys(): Promise<string[]>;
  delete(name: string): Promise<boolean>;
}

export interface MnistLoaderOptions {
  /** Absolute URL of manifest.json; shard URLs are resolved against it. */
  manifestUrl: string | URL;
  signal?: AbortSignal;
  onProgress?: (progress: MnistProgress) => void;
  /** Cache Storage; defaults to `globalThis.caches` where it exists. Pass null for none. */
  caches?: CacheStorageLike | null;
  fetch?: typeof fetch;
}

/** Caches this loader owns are named with this prefix and the manifest version. */
export const CACHE_PREFIX = 'mnist-shards-';

export class MnistLoader {
  readonly #options: MnistLoaderOptions;
  readonly #fetch: typeof fetch;
  readonly #caches: CacheStorageLike | null;
  #manifest: Promise<Manifest> | undefined;

  constructor(options: MnistLoaderOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#caches = options.caches === undefined ? ((globalThis as { caches?: CacheStorageLike }).caches ?? null) : options.caches;
  }

  /** The manifest, fetched once. A failed fetch is forgotten, so calling again retries. */
  manifest(): Promise<Manifest> {
    this.#manifest ??= this.#loadManifest().catch((error: unknown) => {
      this.#manifest = undefined;
      throw error;
    });
    return this.#manifest;
  }

  /**
   * Yields the shards of one split in order, each as soon as it is verified,
   * so training can start on the first while the rest arrive.
   */
  async *shards(split: Split): AsyncGenerator<MnistShard> {
    const manifest = await this.manifest();
    const entries = manifest.shards.filter((s) => s.split === split);
    const totalBytes = entries.reduce((n, s) => n + s.bytes, 0);
    const progress: MnistProgress = {
      split,
      loadedBytes: 0,
      totalBytes,
      loadedExamples: 0,
      totalExamples: manifest.counts[split],
      file: entries[0]?.file ?? '',
    };
    const cache = await this.#openCache(manifest.version);
    for (const entry of entries) {
      progress.file = entry.file;
      const before = progress.loadedBytes;
      const shard = await this.#loadShard(entry, cache, (bytes) => {
        progress.loadedBytes = before + bytes;
        this.#options.onProgress?.({ ...progress });
      });
      progress.loadedBytes = before + entry.bytes;
      progress.loadedExamples += entry.count;
      this.#options.onProgress?.({ ...progress });
      yield shard;
    }
  }

  /** Loads a whole split into two typed arrays. */
  async split(split: Split): Promise<{ labels: Uint8Array; images: Uint8Array; count: number }> {
    const manifest = await this.manifest();
    const count = manifest.counts[split];
    const labels = new Uint8Array(count);
    const images = new Uint8Array(count * IMAGE_BYTES);
    for await (const shard of this.shards(split)) {
      labels.set(shard.labels, shard.offset);
      images.set(shard.images, shard.offset * IMAGE_BYTES);
    }
    return { labels, images, count };
  }

  async #loadManifest(): Promise<Manifest> {
    const url = String(this.#options.manifestUrl);
    let response: Response;
    try {
      // Revalidate, so that a new deployment's data are noticed.
      response = await this.#fetch(url, { signal: this.#options.signal, cache: 'no-cache' });
    } catch (error) {
      this.#throwIfAborted('manifest.json', error);
      const cached = await this.#cachedManifest();
      if (cached) return cached;
      throw new MnistError(
        'network',
        'manifest.json',
        `Could not download the MNIST manifest (${describe(error)}). Check the network connection and try again.`,
        { cause: error },
      );
    }
    if (!response.ok) {
      throw new MnistError(
        'http',
        'manifest.json',
        `The server answered ${response.status} ${response.statusText} for the MNIST manifest (${url}). Rebuild and redeploy the site, then try again.`,
      );
    }
    let manifest: Manifest;
    try {
      manifest = validateManifest(JSON.parse(await response.text()));
    } catch (error) {
      this.#throwIfAborted('manifest.json', error);
      throw new MnistError('manifest', 'manifest.json', `${describe(error)} (${url}). Rebuild the site, then reload the page.`, {
        cause: error,
      });
    }
    await this.#rememberManifest(manifest);
    return manifest;
  }

  async #loadShard(entry: ShardEntry, cache: CacheLike | null, onBytes: (bytes: number) => void): Promise<MnistShard> {
    const url = new URL(entry.file, this.#options.manifestUrl).href;
    if (cache) {
      const cached = await cache.match(url).catch(() => undefined);
      if (cached) {
        try {
          const compressed = new Uint8Array(await cached.arrayBuffer());
          const shard = await this.#verify(entry, compressed);
          onBytes(entry.bytes);
          return { ...shard, fromCache: true };
        } catch (error) {
          this.#throwIfAborted(entry.file, error);
          // A damaged cache entry is dropped and the shard downloaded again.
          await cache.delete(url).catch(() => false);
        }
      }
    }
    const compressed = await this.#download(entry, url, onBytes);
    const shard = await this.#verify(entry, compressed);
    if (cache)
      await cache.put(url, new Response(compressed, { headers: { 'Content-Type': 'application/octet-stream' } })).catch(() => undefined);
    return { ...shard, fromCache: false };
  }

  async #download(entry: ShardEntry, url: string, onBytes: (bytes: number) => void): Promise<Uint8Array<ArrayBuffer>> {
    let response: Response;
    try {
      response = await this.#fetch(url, { signal: this.#options.signal });
    } catch (error) {
      this.#throwIfAborted(entry.file, error);
      throw new MnistError(
        'network',
        entry.file,
        `Could not download the MNIST shard ${entry.file} (${describe(error)}). Check the network connection and try again.`,
        { cause: error },
      );
    }
    if (!response.ok || !response.body) {
      throw new MnistError(
        'http',
        entry.file,
        `The server answered ${response.status} ${response.statusText} for the MNIST shard ${entry.file}. Rebuild and redeploy the site, then try again.`,
      );
    }
    const compressed = new Uint8Array(new ArrayBuffer(entry.bytes));
    let received = 0;
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (received + value.length > entry.bytes) {
          throw new MnistError(
            'length',
            entry.file,
            `The MNIST shard ${entry.file} is longer than the ${entry.bytes} bytes the manifest announces. The site's files do not match; rebuild and redeploy it.`,
          );
        }
        compressed.set(value, received);
        received += value.length;
        onBytes(received);
      }
    } catch (error) {
      this.#throwIfAborted(entry.file, error);
      if (error instanceof MnistError) throw error;
      throw new MnistError(
        'network',
        entry.file,
        `The download of the MNIST shard ${entry.file} broke off after ${received} of ${entry.bytes} bytes (${describe(error)}). Try again.`,
        { cause: error },
      );
    } finally {
      reader.releaseLock();
    }
    if (received !== entry.bytes) {
      throw new MnistError(
        'length',
        entry.file,
        `The MNIST shard ${entry.file} arrived truncated: ${received} of ${entry.bytes} bytes. Try again.`,
      );
    }
    return compressed;
  }

  /** Decompresses and checks a shard; returns views into its bytes. */
  async #verify(entry: ShardEntry, compressed: Uint8Array): Promise<Omit<MnistShard, 'fromCache'>> {
    let bytes: Uint8Array;
    try {
      bytes = await gunzip(compressed, entry.size + 1, this.#options.signal);
    } catch (error) {
      this.#throwIfAborted(entry.file, error);
      throw new MnistError(
        'corrupt',
        entry.file,
        `The MNIST shard ${entry.file} is corrupt: it does not decompress as gzip (${describe(error)}). Try again; if it fails again, the site's files are damaged.`,
        { cause: error },
      );
    }
    if (bytes.length !== entry.size) {
      const found = bytes.length > entry.size ? `more than ${entry.size} bytes` : `${bytes.length} bytes`;
      throw new MnistError(
        'length',
        entry.file,
        `The MNIST shard ${entry.file} holds ${found}, the manifest says ${entry.size}. The site's files do not match; rebuild and redeploy it.`,
      );
    }
    const digest = hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    if (digest !== entry.sha256) {
      throw new MnistError(
        'checksum',
        entry.file,
        `The MNIST shard ${entry.file} failed its checksum (sha256 ${digest.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…). It was not used. Try again.`,
      );
    }
    return {
      split: entry.split,
      file: entry.file,
      offset: entry.offset,
      count: entry.count,
      labels: bytes.subarray(0, entry.count),
      images: bytes.subarray(entry.count),
    };
  }

  async #openCache(version: string): Promise<CacheLike | null> {
    if (!this.#caches) return null;
    try {
      const name = CACHE_PREFIX + version;
      for (const key of await this.#caches.keys()) {
        if (key.startsWith(CACHE_PREFIX) && key !== name) await this.#caches.delete(key);
      }
      return await this.#caches.open(name);
    } catch {
      // Cache Storage can be unavailable (private browsing, quota); load without it.
      return null;
    }
  }

  async #rememberManifest(manifest: Manifest): Promise<void> {
    const cache = await this.#openCache(manifest.version);
    await cache
      ?.put(String(this.#options.manifestUrl), new Response(JSON.stringify(manifest), { headers: { 'Content-Type': 'application/json' } }))
      .catch(() => undefined);
  }

  /** Offline: the manifest a previous visit verified and kept. */
  async #cachedManifest(): Promise<Manifest | undefined> {
    if (!this.#caches) return undefined;
    try {
      for (const key of await this.#caches.keys()) {
        if (!key.startsWith(CACHE_PREFIX)) continue;
        const response = await (await this.#caches.open(key)).match(String(this.#options.manifestUrl));
        if (response) return validateManifest(await response.json());
      }
    } catch {
      return undefined;
    }
    return undefined;
  }

  #throwIfAborted(file: string, error: unknown): void {
    if (this.#options.signal?.aborted || (error as { name?: string })?.name === 'AbortError') {
      throw new MnistError('aborted', file, `Loading MNIST was stopped (${file}).`, { cause: error });
    }
  }
}

/** Decompresses gzip bytes with the platform's DecompressionStream, refusing more than `limit` bytes. */
async function gunzip(compressed: Uint8Array, limit: number, signal?: AbortSignal): Promise<Uint8Array> {
  // The bytes are written straight into the decompressor, not read from a Blob's stream: in a Firefox worker that
  // stream sometimes never delivered, and the live slide waited at "Loading the training images" for good.
  const gzip = new DecompressionStream('gzip');
  const writer = gzip.writable.getWriter();
  void writer
    .write(compressed as Uint8Array<ArrayBuffer>)
    .then(() => writer.close())
    .catch(() => {});
  const out = new Uint8Array(limit);
  let length = 0;
  const reader = gzip.readable.getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      const room = Math.min(value.length, limit - length);
      out.set(value.subarray(0, room), length);
      length += value.length;
      if (length > limit) {
        await reader.cancel();
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return length > limit ? new Uint8Array(length) : out.subarray(0, length);
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
