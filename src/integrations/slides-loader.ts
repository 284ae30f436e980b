/**
 * An Astro content loader for `slides/`: one collection entry per file, each
 * holding the file's frontmatter and its rendered slides.
 *
 * The loader reads files and hands them to the pure {@link buildDeck}; in dev
 * it watches the folder and rebuilds the collection when a slide or figure
 * changes.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader } from 'astro/loaders';
import { buildDeck, type SourceFile } from '../markdown/deck.ts';
import { DEMO_NAMES } from '../deck/demo-names.ts';

export interface SlidesLoaderOptions {
  /** Folder of slide sources, relative to the project root. */
  dir: string;
}

/** Reads `*.md` files from the slide folder (figures live in its `figures/`). */
export function readSlideSources(root: string, dir: string): SourceFile[] {
  const folder = resolve(root, dir);
  if (!existsSync(folder)) throw new Error(`${dir}/: the slide folder does not exist; create it with at least one Markdown file`);
  return readdirSync(folder)
    .filter((name) => /\.mdx?$/.test(name) && !/^readme\.md$/i.test(name))
    .map((name) => ({ path: `${dir}/${name}`, source: readFileSync(join(folder, name), 'utf8') }));
}

export function slidesLoader({ dir }: SlidesLoaderOptions): Loader {
  return {
    name: 'slides-loader',
    load: async ({ store, parseData, generateDigest, watcher, logger, config }) => {
      const root = fileURLToPath(config.root);
      const folder = resolve(root, dir);
      const readFigure = (name: string) => {
        if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return undefined;
        const path = join(folder, 'figures', `${name}.svg`);
        return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      };

      const sync = async () => {
        const siteUrl = new URL(config.base, config.site ?? 'http://localhost:4321/').href;
        const parts = await buildDeck(readSlideSources(root, dir), { demoNames: DEMO_NAMES, readFigure, siteUrl });
        store.clear();
        for (const part of parts) {
          const data = await parseData({ id: part.id, data: { ...part }, filePath: part.file });
          store.set({ id: part.id, data, digest: generateDigest(data), filePath: part.file });
        }
        logger.info(`${parts.length} files, ${parts.reduce((n, p) => n + p.stacks.reduce((m, s) => m + s.slides.length, 0), 0)} slides`);
      };

      await sync();

      watcher?.add(folder);
      watcher?.on('all', (_event, path) => {
        if (relative(folder, path).startsWith('..')) return;
        sync().catch((error: Error) => logger.error(error.message));
      });
    },
  };
}
