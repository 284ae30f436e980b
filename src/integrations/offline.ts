/**
 * Offline: after the build, Workbox writes a service worker (sw.js) that
 * precaches the whole deck: the page, styles, scripts, KaTeX's woff2 fonts,
 * every demo's code and the TensorFlow.js worker and wasm binaries. The MNIST
 * shards are not precached (11 MB): the data loader keeps the shards it has
 * verified in Cache Storage, so after the live slide has loaded them once,
 * they work offline too.
 *
 * Each build's files carry content hashes and the precache a revision per
 * file, so a new build replaces the old cache, and the new service worker
 * waits until the page asks it to take over (see src/deck/offline.ts): a
 * visitor never runs a mix of two builds.
 */
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { generateSW } from 'workbox-build';

export function offline(): AstroIntegration {
  return {
    name: 'offline-service-worker',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const root = fileURLToPath(dir);
        const { count, size, warnings } = await generateSW({
          globDirectory: root,
          globPatterns: ['**/*.{html,js,css,woff2,svg,wasm,png,ico,webmanifest}'],
          globIgnores: ['mnist/**', 'sw.js', 'workbox-*.js'],
          swDest: `${root}sw.js`,
          // The live slide's worker bundles TensorFlow.js and its backends (about 2 MB).
          maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
          // One page: its links differ only in the query (?gd1=…) and the hash.
          ignoreURLParametersMatching: [/./],
          directoryIndex: 'index.html',
          cleanupOutdatedCaches: true,
          skipWaiting: false,
          clientsClaim: false,
          inlineWorkboxRuntime: true,
          sourcemap: false,
          mode: 'production',
        });
        for (const warning of warnings) logger.warn(warning);
        logger.info(`service worker precaches ${count} files, ${(size / 1e6).toFixed(2)} MB`);
      },
    },
  };
}
