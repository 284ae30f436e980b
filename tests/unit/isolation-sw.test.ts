/**
 * The deck's service worker (src/sw/sw.ts), bundled as the build bundles it
 * and run in a small stand-in for a service worker's global scope: Cache
 * Storage in memory, and a host that sends no isolation headers. It must
 * precache the manifest, answer the page (whatever its query) and the
 * training worker's script with COOP, COEP and CORP, leave what it does not
 * precache to the network, and take over only when the page asks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { bundleServiceWorker } from '../../src/integrations/offline.ts';

const SCOPE = 'https://deck.example/intro-to-deep-learning/';
/** What a plain static host answers: the files, with no isolation headers. */
const HOST: Record<string, [string, string]> = {
  'index.html': ['text/html', '<!doctype html><title>deck</title>'],
  '_astro/worker-abc.js': ['text/javascript', 'postMessage(1);'],
  '_astro/tfjs-backend-wasm-threaded-simd.x.wasm': ['application/wasm', '\0asm'],
};
/** TensorFlow.js's files, which the build leaves out of the precache and names to the worker on their own. */
const TRAINING = ['_astro/worker-abc.js', '_astro/tfjs-backend-wasm-threaded-simd.x.wasm'];
const MANIFEST = Object.keys(HOST)
  .filter((url) => !TRAINING.includes(url))
  .map((url, i) => ({ url, revision: String(i) }));

class MemoryCache {
  readonly entries = new Map<string, Response>();
  private readonly fetch: (input: Request | string) => Promise<Response>;
  constructor(fetch: (input: Request | string) => Promise<Response> = async () => new Response(null, { status: 404 })) {
    this.fetch = fetch;
  }
  async add(request: Request | string) {
    const response = await this.fetch(request);
    if (!response.ok) throw new TypeError(`${String(request)}: ${response.status}`);
    await this.put(request, response);
  }
  async match(request: Request | string, options: { ignoreSearch?: boolean } = {}) {
    let url = typeof request === 'string' ? new URL(request, SCOPE).href : request.url;
    if (options.ignoreSearch) url = url.split('?')[0]!;
    return this.entries.get(url)?.clone();
  }
  async put(request: Request | string, response: Response) {
    this.entries.set(typeof request === 'string' ? new URL(request, SCOPE).href : request.url, response.clone());
  }
  async delete(request: Request | string) {
    return this.entries.delete(typeof request === 'string' ? new URL(request, SCOPE).href : request.url);
  }
  async keys() {
    return [...this.entries.keys()].map((url) => new Request(url));
  }
}

class ExtendableEvent {
  readonly pending: Promise<unknown>[] = [];
  readonly type: string;
  constructor(type: string) {
    this.type = type;
  }
  waitUntil(promise: Promise<unknown>) {
    this.pending.push(promise);
  }
}
class FetchEvent extends ExtendableEvent {
  response: Promise<Response> | undefined;
  readonly request: Request;
  constructor(request: Request) {
    super('fetch');
    this.request = request;
  }
  respondWith(response: Promise<Response>) {
    this.response = response;
  }
}

/** A service worker's global scope, as much of it as Workbox's precaching uses. */
function scope(source: string) {
  const listeners = new Map<string, ((event: unknown) => void)[]>();
  const stores = new Map<string, MemoryCache>();
  const fetched: string[] = [];
  const state = { skippedWaiting: false };
  const caches = {
    open: async (name: string) => stores.get(name) ?? stores.set(name, new MemoryCache(fetch)).get(name)!,
    keys: async () => [...stores.keys()],
    delete: async (name: string) => stores.delete(name),
    has: async (name: string) => stores.has(name),
    match: async (request: Request) => {
      for (const store of stores.values()) {
        const found = await store.match(request);
        if (found) return found;
      }
      return undefined;
    },
  };
  const fetch = async (input: Request | string) => {
    const url = new URL(typeof input === 'string' ? input : input.url, SCOPE);
    fetched.push(url.pathname + url.search);
    const file = HOST[url.pathname.slice(new URL(SCOPE).pathname.length)];
    return file ? new Response(file[1], { headers: { 'content-type': file[0] } }) : new Response('Not found', { status: 404 });
  };
  const globals = {
    caches,
    fetch,
    Request,
    Response,
    Headers,
    URL,
    console,
    setTimeout,
    clearTimeout,
    FetchEvent,
    ExtendableEvent,
    location: new URL('sw.js', SCOPE),
    registration: { scope: SCOPE },
    clients: { claim: async () => {} },
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    skipWaiting: async () => {
      state.skippedWaiting = true;
    },
  };
  const context = vm.createContext(globals) as typeof globals & { self: unknown };
  context.self = context;
  vm.runInContext(source, context);
  const dispatch = async <E extends ExtendableEvent>(event: E): Promise<E> => {
    for (const listener of listeners.get(event.type) ?? []) listener(event);
    await Promise.all(event.pending);
    return event;
  };
  return { stores, fetched, state, dispatch };
}

let dir = '';
let source = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sw-test-'));
  await bundleServiceWorker('src/sw/sw.ts', join(dir, 'sw.js'));
  // What Workbox's injectManifest and src/integrations/offline.ts do after the build.
  source = readFileSync(join(dir, 'sw.js'), 'utf8')
    .replace('self.__WB_MANIFEST', JSON.stringify(MANIFEST))
    .replace('self.__DECK_TRAINING_FILES', JSON.stringify(TRAINING));
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function installed() {
  const worker = scope(source);
  await worker.dispatch(new ExtendableEvent('install'));
  await worker.dispatch(new ExtendableEvent('activate'));
  return worker;
}

async function answer(worker: ReturnType<typeof scope>, path: string): Promise<Response | undefined> {
  const event = await worker.dispatch(new FetchEvent(new Request(new URL(path, SCOPE))));
  return event.response && (await event.response);
}

const isolationOf = (response: Response) =>
  ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy'].map((name) => response.headers.get(name));

describe('the service worker on a host that sends no isolation headers', () => {
  it('precaches every file of the manifest when it installs, and not TensorFlow.js', async () => {
    const worker = await installed();
    const [store, ...others] = [...worker.stores.values()];
    expect(others).toEqual([]);
    expect([...store!.entries.keys()].map((url) => url.split('?')[0]).sort()).toEqual(MANIFEST.map(({ url }) => SCOPE + url).sort());
    expect(worker.fetched.some((path) => TRAINING.some((file) => path.endsWith(file)))).toBe(false);
  });

  it('answers the page, with any query, with COOP, COEP and CORP', async () => {
    const worker = await installed();
    for (const path of ['', 'index.html', '?receiver', '?gd1=3&backend=wasm']) {
      const response = await answer(worker, path);
      expect(response?.status, path).toBe(200);
      expect(isolationOf(response!), path).toEqual(['same-origin', 'require-corp', 'same-origin']);
      expect(await response!.text(), path).toBe(HOST['index.html']![1]);
    }
  });

  it("answers the training worker's script and the threaded wasm binary with the isolation headers, and keeps them", async () => {
    const worker = await installed();
    for (const path of TRAINING) {
      const response = await answer(worker, path);
      expect(response?.headers.get('content-type'), path).toBe(HOST[path]![0]);
      expect(isolationOf(response!), path).toEqual(['same-origin', 'require-corp', 'same-origin']);
    }
    const fetched = worker.fetched.length;
    for (const path of TRAINING)
      expect(isolationOf((await answer(worker, path))!), path).toEqual(['same-origin', 'require-corp', 'same-origin']);
    expect(worker.fetched.length, 'the second time from the cache').toBe(fetched);
    const training = [...worker.stores.keys()].filter((name) => name.startsWith('deck-training-'));
    expect(training).toHaveLength(1);
  });

  it('keeps TensorFlow.js ahead when the page asks (CACHE_TRAINING), and drops an older build’s copy when it activates', async () => {
    const worker = scope(source);
    await worker.dispatch(new ExtendableEvent('install'));
    await worker.dispatch(Object.assign(new ExtendableEvent('message'), { data: { type: 'CACHE_TRAINING' } }));
    const names = [...worker.stores.keys()].filter((name) => name.startsWith('deck-training-'));
    expect(names).toHaveLength(1);
    expect([...worker.stores.get(names[0]!)!.entries.keys()].sort()).toEqual(TRAINING.map((file) => SCOPE + file).sort());
    worker.stores.set('deck-training-old', new MemoryCache());
    await worker.dispatch(new ExtendableEvent('activate'));
    expect([...worker.stores.keys()].filter((name) => name.startsWith('deck-training-'))).toEqual(names);
  });

  it('answers from its cache, without the network, once installed', async () => {
    const worker = await installed();
    const before = worker.fetched.length;
    await answer(worker, '?receiver');
    expect(worker.fetched.length).toBe(before);
  });

  it('leaves what it does not precache, such as the MNIST shards, to the network', async () => {
    const worker = await installed();
    expect(await answer(worker, 'mnist/manifest.json')).toBeUndefined();
  });

  it('takes over only when the page posts SKIP_WAITING', async () => {
    const worker = await installed();
    await worker.dispatch(Object.assign(new ExtendableEvent('message'), { data: { type: 'hello' } }));
    expect(worker.state.skippedWaiting).toBe(false);
    await worker.dispatch(Object.assign(new ExtendableEvent('message'), { data: null }));
    expect(worker.state.skippedWaiting).toBe(false);
    await worker.dispatch(Object.assign(new ExtendableEvent('message'), { data: { type: 'SKIP_WAITING' } }));
    expect(worker.state.skippedWaiting).toBe(true);
  });
});
