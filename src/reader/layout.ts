/**
 * How a slide still fits the reading column: the deck's 1280 px canvas,
 * zoomed to the column's width; on a column narrower than the deck's phone
 * canvas (600 px) would need, the phone canvas itself, whose layouts are
 * made for narrow screens and keep text readable.
 */
export const CANVAS = 1280;
export const PHONE_CANVAS = 600;
/** Below this column width the 1280 canvas would shrink text under 16 px (40 px × zoom). */
export const PHONE_BELOW = 560;

/**
 * `column` is the reading column's width, which decides the canvas; `still`
 * the width a still has, which sets the zoom: the column's on a narrow
 * screen, the margin's on a wide one, where the slide sits beside its prose.
 */
export function zoomFor(column: number, still = column): { zoom: number; phone: boolean } {
  const phone = column > 0 && column < PHONE_BELOW;
  const width = phone ? PHONE_CANVAS : CANVAS;
  const zoom = still > 0 ? Math.min(1, still / width) : 0.55;
  return { zoom: Math.round(zoom * 1000) / 1000, phone };
}
