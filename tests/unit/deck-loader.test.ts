/**
 * The slides loader as Astro drives it: what `astro build` prints when a slide
 * is wrong, and what `astro dev` shows.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { LoaderContext } from 'astro/loaders';
import { afterEach, describe, expect, it, vi } from 'vitest';
// Astro's own error printing, the code `astro build` runs on an error from a loader (astro/dist/cli/throw-and-exit.js).
import { collectErrorMetadata } from '../../node_modules/astro/dist/core/errors/dev/utils.js';
import { formatErrorMessage } from '../../node_modules/astro/dist/core/messages/runtime.js';
import { SLIDE_ERROR_ID, slidesLoader } from '../../src/integrations/slides-loader.ts';

const fixture = (name: string) => new URL(`../fixtures/slides/${name}.md`, import.meta.url);

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A project whose slides/ holds the given fixtures, as `01-<name>.md`, `02-…`. */
function project(...names: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'slides-loader-'));
  roots.push(root);
  mkdirSync(join(root, 'slides'));
  names.forEach((name, i) => copyFileSync(fixture(name), join(root, 'slides', `0${i + 1}-${name}.md`)));
  return root;
}

type Listener = (event: string, path: string) => void;

/** Just enough of Astro's loader context: a store, a logger, and in dev a watcher. */
function context(root: string, dev: boolean) {
  const entries = new Map<string, { id: string; data: Record<string, unknown> }>();
  const listeners: Listener[] = [];
  const errors: string[] = [];
  const ctx = {
    collection: 'slides',
    store: {
      clear: () => entries.clear(),
      set: (entry: { id: string; data: Record<string, unknown> }) => entries.set(entry.id, entry) && true,
    },
    parseData: async ({ data }: { data: unknown }) => data,
    generateDigest: () => 'digest',
    logger: { info: () => {}, warn: () => {}, error: (message: string) => errors.push(message) },
    config: { root: pathToFileURL(`${root}/`), base: '/', site: 'http://localhost:4321' },
    watcher: dev ? { add: () => {}, on: (_: string, listener: Listener) => listeners.push(listener) } : undefined,
  };
  return {
    ctx: ctx as unknown as LoaderContext,
    entries,
    errors,
    change: (path: string) => listeners.forEach((listener) => listener('change', path)),
  };
}

describe('slidesLoader', () => {
  it("fails the build with an error that Astro prints as the slide's file, line and message alone, with no stack into src/", async () => {
    const root = project('frontmatter-unknown-field');
    const { ctx } = context(root, false);
    const error = await slidesLoader({ dir: 'slides' })
      .load(ctx)
      .then(
        () => undefined,
        (error: unknown) => error as Error,
      );
    expect(error).toBeInstanceOf(Error);
    expect(error!.stack ?? '').not.toMatch(/\bat |src\//);
    const printed = stripVTControlCharacters(formatErrorMessage(collectErrorMetadata(error), true));
    expect(printed).toBe(
      'slides/01-frontmatter-unknown-field.md:3: field "minuts" is not a known field (known fields: title, minutes, draft)',
    );
  });

  it("in dev, shows a slide's mistake as the collection's only entry, and the deck again once the file is fixed", async () => {
    const root = project('frontmatter-wrong-type');
    const { ctx, entries, errors, change } = context(root, true);
    await slidesLoader({ dir: 'slides' }).load(ctx);
    const message = [
      'slides/01-frontmatter-wrong-type.md:3: field "minutes" must be a number, not "lots"',
      'slides/01-frontmatter-wrong-type.md:4: field "draft" must be true or false, not "no"',
    ].join('\n');
    expect([...entries.keys()]).toEqual([SLIDE_ERROR_ID]);
    expect(entries.get(SLIDE_ERROR_ID)!.data).toEqual({ error: message });
    expect(errors).toEqual([message]);

    const path = join(root, 'slides', '01-frontmatter-wrong-type.md');
    writeFileSync(path, '---\ntitle: Training\nminutes: 3\n---\n\n## The training loop\n');
    change(path);
    await vi.waitFor(() => expect([...entries.keys()]).toEqual(['01-frontmatter-wrong-type']));
  });
});
