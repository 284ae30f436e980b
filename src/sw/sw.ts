/**
 * The deck's service worker, bundled by esbuild and given its precache
 * manifest by Workbox's injectManifest after the build
 * (src/integrations/offline.ts).
 *
 * It precaches the whole deck so that it works offline after one visit, and
 * answers with the cross-origin isolation headers (src/sw/isolation.ts), so
 * that on a static host that sends none the deck is still isolated, from its
 * second load on, and TensorFlow.js can use WebAssembly threads. Browsers
 * honour COOP and COEP on a navigation answered by a service worker, and on
 * the training worker's script (/_astro/worker-*.js), which is precached too.
 *
 * A new version waits until the page posts {type: 'SKIP_WAITING'} (when the
 * reader accepts "A new version of this deck is available", src/deck/offline.ts),
 * and never claims open pages: a page never runs a mix of two builds.
 */
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { withIsolation } from './isolation.ts';

// The service worker's global scope. The project's TypeScript libraries are the
// page's (DOM); the WebWorker library cannot be added beside them, so the few
// members used here are declared.
declare const self: {
  /** Replaced with the list of files and their revisions by injectManifest. */
  __WB_MANIFEST: Array<PrecacheEntry | string>;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
};

self.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Every response the precache answers with, navigations included, carries the
// isolation headers; the copies stored in the cache stay as the server sent them.
addPlugins([{ handlerWillRespond: async ({ response }) => withIsolation(response) }]);

precacheAndRoute(self.__WB_MANIFEST, {
  // One page: its links differ only in the query (?gd1=…, ?receiver) and the hash.
  ignoreURLParametersMatching: [/./],
  directoryIndex: 'index.html',
});
cleanupOutdatedCaches();
