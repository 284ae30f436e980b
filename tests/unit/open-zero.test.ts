/**
 * Prose's open zero (src/integrations/open-zero.ts): the text face's own
 * zero, at a pinned weight, with its slash taken out, and nothing else of
 * the font changed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import subsetFont from 'subset-font';
import { describe, expect, it } from 'vitest';
import { openZero, openZeros } from '../../src/integrations/open-zero.ts';

const require = createRequire(import.meta.url);
const TEXT = readFileSync(
  require.resolve('@fontsource-variable/atkinson-hyperlegible-next/files/atkinson-hyperlegible-next-latin-wght-normal.woff2'),
);

/** The number of contours of each glyph of a TrueType font. */
function contourCounts(font: Buffer): number[] {
  const tables = new Map<string, Buffer>();
  for (let i = 0; i < font.readUInt16BE(4); i++) {
    const at = 12 + 16 * i;
    tables.set(
      font.toString('latin1', at, at + 4),
      font.subarray(font.readUInt32BE(at + 8), font.readUInt32BE(at + 8) + font.readUInt32BE(at + 12)),
    );
  }
  const long = tables.get('head')!.readInt16BE(50) === 1;
  const loca = tables.get('loca')!;
  const glyf = tables.get('glyf')!;
  const n = tables.get('maxp')!.readUInt16BE(4);
  const offset = (i: number) => (long ? loca.readUInt32BE(4 * i) : loca.readUInt16BE(2 * i) * 2);
  return Array.from({ length: n }, (_, i) => (offset(i + 1) > offset(i) ? glyf.readInt16BE(offset(i)) : 0));
}

describe('the open zero', () => {
  it('takes the slash out of the text face’s zero, at each weight, leaving two contours (the outline and one counter)', async () => {
    for (const wght of [400, 700]) {
      const instance = Buffer.from(await subsetFont(TEXT, '0', { targetFormat: 'truetype', variationAxes: { wght } }));
      expect(contourCounts(instance)).toContain(3);
      const { font, opened } = openZeros(instance);
      expect(opened).toBe(1);
      expect(contourCounts(font)).not.toContain(3);
      expect(contourCounts(font)).toContain(2);
      // The result is a font the subsetter (HarfBuzz) reads and packs again.
      expect((await subsetFont(font, '0', { targetFormat: 'woff2' })).length).toBeGreaterThan(200);
    }
  });

  it('leaves a glyph that is not a slashed zero alone', () => {
    const square = [
      [
        { x: 0, y: 0, on: true },
        { x: 0, y: 10, on: true },
        { x: 10, y: 10, on: true },
        { x: 10, y: 0, on: true },
      ],
    ];
    expect(openZero(square)).toBeUndefined();
  });
});
