import { describe, expect, it } from 'vitest';
import { zoomFor } from '../../src/reader/layout.ts';

describe("the reader's slide stills", () => {
  it('zoom the 1280 canvas to the column, or on a wide screen to the margin beside the prose', () => {
    expect(zoomFor(736)).toEqual({ zoom: 0.575, phone: false });
    expect(zoomFor(1184, 534)).toEqual({ zoom: 0.417, phone: false });
  });
  it("use the deck's phone canvas on a narrow column, and never zoom past the canvas's size", () => {
    expect(zoomFor(350)).toEqual({ zoom: 0.583, phone: true });
    expect(zoomFor(2000)).toEqual({ zoom: 1, phone: false });
  });
});
