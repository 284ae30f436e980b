/**
 * The deck's service worker, bundled by esbuild and given its precache
 * manifest by Workbox's injectManifest after the build
 * (src/integrations/offline.ts).
 *
 * It precaches the deck (its text, styles, fonts, figures and demos) so that
 * it works offline after one visit, and answers with the cross-origin
 * isolation headers (src/sw/isolation.ts), so
 * that on a static host that sends none the deck is still isolated, from its
 * second load on, and TensorFlow.js can use WebAssembly threads (the first
 * load reloads itself once if nobody has touched it yet, and otherwise waits
 * for the next load: src/deck/offline.ts). Browsers
 * honour COOP and COEP on a navigation answered by a service worker, and on
 * the training worker's script (/_astro/worker-*.js).
 *
 * TensorFlow.js (the training worker and its WebAssembly, 2.6 MB) is not
 * precached: a phone that only reads the slides never downloads it. It is
 * kept, in a cache of its own, the first time a demo trains, or when the page
 * asks (`{type: 'CACHE_TRAINING'}`: a training slide was reached on a
 * connection that is not metered, or someone asked to keep the deck
 * offline); each build's copy replaces the last.
 *
 * A new version waits until the page posts {type: 'SKIP_WAITING'} (when the
 * reader accepts "A new version of this deck is available", src/deck/offline.ts),
 * and never claims open pages: a page never runs a mix of two builds.
 */
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { withIsolation } from './isolation.ts';

// The service worker's global scope. The project's TypeScript libraries are the
// page's (DOM); the WebWorker library cannot be added beside them, so the few
// members used here are declared.
declare const self: {
  /** Replaced with the list of files and their revisions by injectManifest. */
  __WB_MANIFEST: Array<PrecacheEntry | string>;
  /** Replaced with the build's TensorFlow.js files (relative to the scope) by src/integrations/offline.ts. */
  __DECK_TRAINING_FILES: string[];
  registration: { scope: string };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown> & { waitUntil(p: Promise<unknown>): void }) => void): void;
  addEventListener(type: 'activate', listener: (event: { waitUntil(p: Promise<unknown>): void }) => void): void;
};

/** The files of TensorFlow.js: the training worker's bundle and the WebAssembly backends. */
export const TRAINING_FILES = /\/_astro\/(worker-[\w-]+\.js|[\w.-]+\.wasm)$/;

/** This build's TensorFlow.js files (their names carry their contents' hashes), relative to the scope. */
const TRAINING_FILES_OF_BUILD: string[] = self.__DECK_TRAINING_FILES;
/** This build's cache for them, named by those files, so that a new build starts a new one and drops the old. */
const TRAINING_CACHE = `deck-training-${hash(JSON.stringify(TRAINING_FILES_OF_BUILD))}`;

function hash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

/** This build's TensorFlow.js files, as addresses. */
const TRAINING_URLS = TRAINING_FILES_OF_BUILD.map((file) => new URL(file, self.registration.scope).href);

self.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (data?.type === 'CACHE_TRAINING') {
    const urls = TRAINING_URLS;
    event.waitUntil(
      caches.open(TRAINING_CACHE).then(async (cache) => {
        for (const url of urls) if (!(await cache.match(url))) await cache.add(url).catch(() => undefined);
      }),
    );
  }
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('deck-training-') && k !== TRAINING_CACHE).map((k) => caches.delete(k)))),
  );
});

// Every response the precache answers with, navigations included, carries the
// isolation headers; the copies stored in the cache stay as the server sent them.
addPlugins([{ handlerWillRespond: async ({ response }) => withIsolation(response) }]);

// TensorFlow.js, when a demo first trains (or the page asked for it ahead): from the cache from then on, isolated too.
registerRoute(
  ({ url }) => TRAINING_FILES.test(url.pathname),
  new CacheFirst({ cacheName: TRAINING_CACHE, plugins: [{ handlerWillRespond: async ({ response }) => withIsolation(response) }] }),
);

precacheAndRoute(self.__WB_MANIFEST, {
  // One page: its links differ only in the query (?gd1=…, ?receiver) and the hash.
  ignoreURLParametersMatching: [/./],
  directoryIndex: 'index.html',
});
cleanupOutdatedCaches();
