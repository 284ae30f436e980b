/**
 * An Astro content loader for `slides/`: one collection entry per file, each
 * holding the file's frontmatter and its rendered slides.
 *
 * The loader reads files and hands them to the pure {@link buildDeck}; in dev
 * it watches the folder and rebuilds the collection when a slide or figure
 * changes.
 *
 * A mistake in a slide fails `astro build` with a {@link SlideError}, which
 * Astro prints as its message alone. In `astro dev` the same mistake becomes
 * the collection's only entry, {@link SLIDE_ERROR_ID}, which the page shows in
 * place of the deck until the file is fixed: thrown from a watcher, it would
 * reach the terminal only, while the browser kept the last good deck.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader } from 'astro/loaders';
import { z } from 'zod';
import { buildDeck, type Part, type SourceFile } from '../markdown/deck.ts';
import type { DemoSpec } from '../markdown/demo-params.ts';
import { SlideError } from '../markdown/errors.ts';
import { MANIFESTS } from '../deck/demos.ts';

/** The id of the entry that holds a slide error in `astro dev`. */
export const SLIDE_ERROR_ID = 'slide-error';

/** Each demo's slide parameters, from its params.ts (build time only: the browser receives the checked values). */
const SCHEMAS = import.meta.glob<z.ZodObject>('../demos/*/params.ts', { eager: true, import: 'params' });

/** The parameters of a demo without params.ts: none, so that any attribute but name and steps fails the build. */
const NO_PARAMS = z.object({}).strict();

/** What the build checks every `::demo{…}` and `::poll{…}` against: each demo's parameter schema, and its keys and reports from its manifest. */
const DEMO_SPECS: ReadonlyMap<string, DemoSpec> = new Map(
  [...MANIFESTS].map(([name, manifest]) => [
    name,
    {
      params: SCHEMAS[`../demos/${name}/params.ts`] ?? NO_PARAMS,
      keys: manifest.keys.map((k) => k.key),
      ...(manifest.reports ? { reports: manifest.reports } : {}),
    },
  ]),
);

export interface SlidesLoaderOptions {
  /** Folder of slide sources, relative to the project root. */
  dir: string;
}

/** Reads `*.md` files from the slide folder (figures live in its `figures/`). */
export function readSlideSources(root: string, dir: string): SourceFile[] {
  const folder = resolve(root, dir);
  if (!existsSync(folder))
    throw new SlideError({ file: `${dir}/`, message: 'the slide folder does not exist; create it with at least one Markdown file' });
  return readdirSync(folder)
    .filter((name) => /\.mdx?$/.test(name) && !/^readme\.md$/i.test(name))
    .map((name) => ({ path: `${dir}/${name}`, source: readFileSync(join(folder, name), 'utf8') }));
}

/** Returns the SVG of `<dir>/figures/<name>.svg`, or undefined when there is none (or the name is not a plain one). */
function figureReader(folder: string): (name: string) => string | undefined {
  return (name) => {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return undefined;
    const path = join(folder, 'figures', `${name}.svg`);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  };
}

/** The lecture as the build makes it, from the slide folder of a project: for the loader, and for tests of the real deck. */
export async function buildLecture(root: string, dir: string, siteUrl?: string): Promise<Part[]> {
  return buildDeck(readSlideSources(root, dir), { demos: DEMO_SPECS, readFigure: figureReader(resolve(root, dir)), siteUrl });
}

/** The content loader of the `slides` collection: one entry per file in `dir`, or in `astro dev` the error entry. */
export function slidesLoader({ dir }: SlidesLoaderOptions): Loader {
  return {
    name: 'slides-loader',
    load: async ({ store, parseData, generateDigest, watcher, logger, config }) => {
      const root = fileURLToPath(config.root);
      const folder = resolve(root, dir);

      const sync = async () => {
        const siteUrl = config.site ? new URL(config.base, config.site).href : undefined;
        const parts = await buildLecture(root, dir, siteUrl);
        store.clear();
        for (const part of parts) {
          const data = await parseData({ id: part.id, data: { ...part }, filePath: part.file });
          store.set({ id: part.id, data, digest: generateDigest(data), filePath: part.file });
        }
        logger.info(`${parts.length} files, ${parts.reduce((n, p) => n + p.stacks.reduce((m, s) => m + s.slides.length, 0), 0)} slides`);
        if (!siteUrl) {
          logger.warn(
            'SITE_URL is not set, so the deck has no public address: its follow-along QR code will show the address each page is served from. Set SITE_URL (and BASE_PATH) when publishing.',
          );
        }
      };

      // Only `astro dev` has a watcher; there a mistake is shown, not thrown.
      const show = async (error: unknown) => {
        logger.error(error instanceof SlideError ? error.message : ((error as Error).stack ?? String(error)));
        const message = error instanceof SlideError ? error.message : String((error as Error).message ?? error);
        store.clear();
        const data = await parseData({ id: SLIDE_ERROR_ID, data: { error: message } });
        store.set({ id: SLIDE_ERROR_ID, data, digest: generateDigest(data) });
      };

      if (!watcher) {
        await sync();
        return;
      }
      await sync().catch(show);

      // One rebuild at a time: saving several files at once must not interleave two rebuilds of the store.
      let queue = Promise.resolve();
      watcher.add(folder);
      watcher.on('all', (_event, path) => {
        if (relative(folder, path).startsWith('..')) return;
        queue = queue.then(() => sync().catch(show)).catch((error: unknown) => logger.error(String(error)));
      });
    },
  };
}
