/**
 * Paint that every engine draws: WebKit (every iPhone) does not support
 * SVG's context-stroke and context-fill, and paints such an arrowhead
 * black, whatever its line's colour. Figures give their markers a colour
 * of their own instead (a class with a theme colour, or a fill).
 */
import { globSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SOURCES = ['slides/**/*.svg', 'slides/**/*.md', 'src/**/*.ts', 'src/**/*.css', 'src/**/*.astro'];

describe('SVG paint', () => {
  it('no figure, drawn or inlined, paints with context-stroke or context-fill, which WebKit draws black', () => {
    const files = SOURCES.flatMap((pattern) => globSync(pattern));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((file) => /context-(stroke|fill)/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
