/**
 * Readers keep links to slides: every id the deck has published
 * (tests/fixtures/published-ids.txt) must still open a slide, as its id or as
 * one it had before (`::slide{formerly="…"}`). The deck's and the reader's
 * pages follow a former id to its slide (tests/e2e/lecture.spec.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildLecture } from '../../src/integrations/slides-loader.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const published = readFileSync(new URL('../fixtures/published-ids.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

describe('the ids readers may have bookmarked', () => {
  it('each opens a slide: its own, or the one that names it as a former id', async () => {
    const parts = await buildLecture(root, 'slides');
    const slides = parts.flatMap((part) => part.stacks.flatMap((stack) => stack.slides));
    const opens = new Map<string, string>();
    for (const slide of slides) {
      opens.set(slide.id, slide.id);
      for (const old of slide.formerly) opens.set(old, slide.id);
    }
    expect(published.length).toBeGreaterThanOrEqual(67);
    expect(published.filter((id) => !opens.has(id))).toEqual([]);
  });
});
