/**
 * One successful render of each slide-source feature, kept as a snapshot
 * beside its fixture, as Slidev's parser keeps them: every file in
 * tests/fixtures/render/ is built into slides, and their ids, titles,
 * attributes, HTML and notes are compared with `<name>.snap.json`. A change
 * to the Markdown pipeline shows up here as a diff to read; accept a meant
 * one with `npx vitest run tests/unit/render-fixtures.test.ts -u`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildDeck } from '../../src/markdown/deck.ts';
import type { RenderOptions } from '../../src/markdown/render.ts';

const DIR = join(import.meta.dirname, '../fixtures/render');

const options: RenderOptions = {
  demos: new Map([
    ['gradient-descent-1d', { params: z.object({ preset: z.enum(['small', 'good', 'large']).default('good') }), keys: ['A'] }],
  ]),
  readFigure: (name) =>
    name === 'loop'
      ? '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>A loop</title><path d="M1 1L9 9" stroke="currentColor"/></svg>'
      : undefined,
};

describe('a successful render of each slide-source feature', () => {
  for (const name of readdirSync(DIR).filter((f) => f.endsWith('.md'))) {
    it(`renders ${name} as its snapshot says`, async () => {
      const parts = await buildDeck([{ path: `slides/${name}`, source: readFileSync(join(DIR, name), 'utf8') }], options);
      const slides = parts.flatMap((part) =>
        part.stacks.map((stack) => stack.slides.map(({ id, title, attributes, html, notes }) => ({ id, title, attributes, html, notes }))),
      );
      await expect(JSON.stringify(slides, null, 2) + '\n').toMatchFileSnapshot(join(DIR, name.replace(/\.md$/, '.snap.json')));
    });
  }
});
