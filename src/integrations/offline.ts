/**
 * Offline and cross-origin isolated: after the build, this integration
 *
 * - bundles our service worker (src/sw/sw.ts) with esbuild, and Workbox's
 *   injectManifest gives it the list of files to precache: the page, styles,
 *   scripts, fonts (KaTeX's too) and every demo's code. TensorFlow.js (the
 *   training worker and its wasm, 2.6 MB) is cached when a demo first needs
 *   it, not up front. The MNIST shards are not precached (11 MB): the
 *   data loader keeps the shards it has verified in Cache Storage, so after
 *   the live slide has loaded them once, they work offline too;
 * - writes `_headers`, which tells static hosts that read it (Netlify,
 *   Cloudflare Pages) to send the cross-origin isolation headers.
 *
 * Each build's files carry content hashes and the precache a revision per
 * file, so a new build replaces the old cache, and the new service worker
 * waits until the page asks it to take over (see src/deck/offline.ts): a
 * visitor never runs a mix of two builds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { build } from 'esbuild';
import { injectManifest } from 'workbox-build';
import { headersFile, normalizeBase } from '../sw/isolation.ts';

/** The service worker's source, relative to the project's root. */
const SW_SOURCE = 'src/sw/sw.ts';

/**
 * The Astro integration that writes the service worker (sw.js) and the
 * `_headers` file into the built site.
 */
export function offline(): AstroIntegration {
  let base = '/';
  let projectRoot = '';
  return {
    name: 'offline-service-worker',
    hooks: {
      'astro:config:done': ({ config }) => {
        base = config.base;
        projectRoot = fileURLToPath(config.root);
      },
      'astro:build:done': async ({ dir, logger }) => {
        const root = fileURLToPath(dir);
        writeFileSync(join(root, '_headers'), headersFile(base));
        // injectManifest writes into a copy; the bundle itself is a build by-product.
        const scratch = mkdtempSync(join(tmpdir(), 'deck-sw-'));
        try {
          const swSrc = join(scratch, 'sw.js');
          await bundleServiceWorker(join(projectRoot, SW_SOURCE), swSrc);
          const { count, size, warnings } = await injectManifest({
            swSrc,
            swDest: join(root, 'sw.js'),
            globDirectory: root,
            globPatterns: ['**/*.{html,js,css,woff2,svg,wasm,png,ico,webmanifest}'],
            // TensorFlow.js (the training worker and its wasm) is cached when a demo first needs it (src/sw/sw.ts), not up front.
            globIgnores: ['mnist/**', 'sw.js', 'workbox-*.js', '_astro/worker-*.js', '_astro/*.wasm'],
          });
          for (const warning of warnings) logger.warn(warning);
          // The TensorFlow.js files, which the service worker keeps when a demo needs them rather than up front.
          const training = readdirSync(join(root, '_astro')).filter((f) => /^worker-[\w-]+\.js$|\.wasm$/.test(f));
          const sw = readFileSync(join(root, 'sw.js'), 'utf8');
          if (!sw.includes('self.__DECK_TRAINING_FILES'))
            throw new Error('sw.js: the placeholder self.__DECK_TRAINING_FILES is missing; see src/sw/sw.ts');
          writeFileSync(join(root, 'sw.js'), sw.replace('self.__DECK_TRAINING_FILES', JSON.stringify(training.map((f) => `_astro/${f}`))));
          logger.info(`service worker precaches ${count} files, ${(size / 1e6).toFixed(2)} MB; _headers isolates ${normalizeBase(base)}*`);
        } finally {
          rmSync(scratch, { recursive: true, force: true });
        }
      },
    },
  };
}

/**
 * Bundles the service worker's source into one classic script, as browsers
 * register it, with Workbox in production mode. The manifest's injection
 * point, `self.__WB_MANIFEST`, is left for injectManifest to fill.
 */
export async function bundleServiceWorker(source: string, outfile: string): Promise<void> {
  try {
    await build({
      entryPoints: [source],
      outfile,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      // Workbox drops its development logging and assertions in production.
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
  } catch (error) {
    throw new Error(
      `The service worker (${source}) did not bundle; fix the error below and build again.\n${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
