/**
 * Which slide is current in the phone's scroll view, now that pages have
 * their slides' heights (src/deck/scroll-pages.ts): each page's share of the
 * scroll, and where to scroll to bring a slide up.
 */
import { describe, expect, it } from 'vitest';
import { lineAt, ranges, scrollTopFor } from '../../src/deck/scroll-pages.ts';

// Five pages of different heights in a 1,000 px tall scroller, seen through a 400 px screen.
const G = { tops: [0, 100, 400, 700, 850], height: 1000, window: 400 };

describe('the scroll view with pages of their own height', () => {
  it('picks the page at a line just below the top of the screen, and sweeps the line to the end over the last screen', () => {
    expect(lineAt(0, G)).toBe(8);
    expect(lineAt(150, G)).toBe(158);
    expect(lineAt(600, G)).toBe(1000);
  });

  it('scrolls a page to the top of the screen where it can, and just far enough for the last ones to become current', () => {
    expect(scrollTopFor(100 + 8, G)).toBe(100);
    const last = scrollTopFor(850 + 8, G);
    expect(lineAt(last, G)).toBeCloseTo(858, 6);
    expect(last).toBeLessThanOrEqual(600);
  });

  it('gives each page a share of the scroll in proportion to where it lies, covering it all in order', () => {
    const r = ranges(G);
    expect(r[0]![0]).toBe(0);
    expect(r.at(-1)![1]).toBe(1);
    for (let i = 1; i < r.length; i++) expect(r[i]![0]).toBeCloseTo(r[i - 1]![1], 9);
    // The first page (100 px tall) gets far less of the scroll than the second (300 px).
    expect(r[0]![1] - r[0]![0]).toBeLessThan((r[1]![1] - r[1]![0]) / 2);
    // A page scrolled to the top of the screen is the current one.
    const max = G.height - G.window;
    for (const i of [1, 2, 3, 4]) {
      const p = scrollTopFor(G.tops[i]! + 8, G) / max;
      expect(p >= r[i]![0] && p <= r[i]![1], `page ${i}`).toBe(true);
    }
  });
});
