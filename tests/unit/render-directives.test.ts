/**
 * The table of slide directives (src/markdown/directives/): declared once,
 * and from it the visitor's look-up, the list an unknown directive's message
 * gives, and slides/README.md's table of directives.
 */
import { readFileSync } from 'node:fs';
import { z } from 'astro/zod';
import { describe, expect, it } from 'vitest';
import { buildDeck } from '../../src/markdown/deck.ts';
import { DIRECTIVES, findDirective, knownDirectives, readmeTable } from '../../src/markdown/directives/index.ts';

describe('the table of directives', () => {
  it('declares each directive once, with the kinds it may be written as and a row for the README', () => {
    const names = DIRECTIVES.map((directive) => directive.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'slide',
      'demo',
      'poll',
      'figure',
      'qr',
      'label',
      'fragments',
      'fragment',
      'small',
      'columns',
      'column',
      'lecturer',
    ]);
    for (const directive of DIRECTIVES) {
      expect(directive.kinds.length, directive.name).toBeGreaterThan(0);
      expect(directive.readme.write, directive.name).toContain(directive.name);
      expect(directive.readme.get, directive.name).not.toBe('');
    }
  });

  it('finds a directive only as the kinds it is declared as', () => {
    expect(findDirective('leafDirective', 'demo')?.name).toBe('demo');
    expect(findDirective('containerDirective', 'demo')).toBeUndefined();
    expect(findDirective('textDirective', 'lecturer')?.name).toBe('lecturer');
    expect(findDirective('containerDirective', 'lecturer')?.name).toBe('lecturer');
    expect(findDirective('leafDirective', 'figurine')).toBeUndefined();
  });

  it('lists the known directives in an unknown one’s message, from the table', async () => {
    expect(knownDirectives()).toBe(
      '::slide, ::demo, ::poll, ::figure, ::qr, ::label, :::fragments, :::fragment, :::small, :::columns, :::column, and in notes :::lecturer',
    );
    const options = { demos: new Map([['gradient-descent-1d', { params: z.object({}), keys: [] }]]), readFigure: () => undefined };
    await expect(
      buildDeck([{ path: 'slides/01.md', source: '---\ntitle: A\n---\n\n## A\n\n:::figurine\nx\n:::' }], options),
    ).rejects.toThrow(`slides/01.md:7: unknown directive ":::figurine"; known: ${knownDirectives()}`);
  });
});

describe('slides/README.md', () => {
  it('documents every directive, ::poll included, exactly as the table declares it', () => {
    const readme = readFileSync(new URL('../../slides/README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('<!-- directives:start -->');
    const end = readme.indexOf('<!-- directives:end -->');
    expect(
      start,
      'slides/README.md marks its table of directives with <!-- directives:start --> and <!-- directives:end -->',
    ).toBeGreaterThan(0);
    expect(
      readme.slice(start + '<!-- directives:start -->'.length, end).trim(),
      'the table differs from src/markdown/directives/: run `node scripts/readme-directives.ts`',
    ).toBe(readmeTable());
    for (const directive of DIRECTIVES) expect(readmeTable()).toMatch(new RegExp(`\`:{1,4}${directive.name}\\b`));
    expect(readmeTable()).toContain('`::poll[');
  });
});
