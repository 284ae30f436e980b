/**
 * Compressed siblings of every text file of the built site: after the build
 * (and after the service worker is written), this integration writes
 * `<file>.br` (Brotli, the best quality) and `<file>.gz` (gzip -9) beside
 * each HTML, script, style, SVG, JSON and WebAssembly file. The deck's server
 * (scripts/serve.ts) sends them to browsers that accept them, with the right
 * Content-Encoding and `Vary: Accept-Encoding`; static hosts that compress by
 * themselves ignore them. Every phone in the hall loads the deck over the
 * same Wi-Fi, so the page goes out at a quarter of its size.
 *
 * The MNIST shards are left alone: they are gzip already, and their loader
 * checks their bytes as they are.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { AstroIntegration } from 'astro';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** What is worth compressing: text, and WebAssembly (which compresses to a quarter). */
export const COMPRESSIBLE = /\.(html|js|mjs|css|svg|json|wasm|txt|xml|webmanifest)$/;

/** Files of the build to compress: every compressible file but the MNIST shards' folder. */
export function compressibleFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (relative(root, path) !== 'mnist') walk(path);
      } else if (COMPRESSIBLE.test(name)) out.push(path);
    }
  };
  walk(root);
  return out;
}

/** Writes the .br and .gz siblings of `files`; returns the bytes before and after Brotli. */
export async function writeCompressed(files: string[]): Promise<{ raw: number; br: number; gz: number }> {
  const totals = { raw: 0, br: 0, gz: 0 };
  await Promise.all(
    files.map(async (file) => {
      const bytes = readFileSync(file);
      const [b, g] = await Promise.all([
        brotli(bytes, {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
        }),
        gz(bytes, { level: 9 }),
      ]);
      writeFileSync(`${file}.br`, b);
      writeFileSync(`${file}.gz`, g);
      totals.raw += bytes.length;
      totals.br += b.length;
      totals.gz += g.length;
    }),
  );
  return totals;
}

/** The Astro integration; list it last, so that it compresses what the others wrote (the service worker). */
export function compress(): AstroIntegration {
  return {
    name: 'compressed-siblings',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const files = compressibleFiles(fileURLToPath(dir));
        const t = await writeCompressed(files);
        const mb = (n: number) => (n / 1e6).toFixed(2);
        logger.info(`${files.length} files: ${mb(t.raw)} MB, ${mb(t.br)} MB as Brotli, ${mb(t.gz)} MB as gzip`);
      },
    },
  };
}
