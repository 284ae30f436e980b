/**
 * The check and preparation of an SVG before it is inlined in a slide: our
 * figures from slides/figures/ (`::figure`) and the QR code (`::qr`).
 *
 * A figure is minified, its ids are made unique to it (several figures share
 * one page, and an id such as `arrow` would otherwise clash) and it gets an
 * accessible name. A figure that does not parse is the author's mistake, not
 * ours, so the message names the file to open rather than the code.
 */
import { optimize } from 'svgo';

/** The SVG to inline, or the sentence that says why the file cannot be. */
export type PreparedSvg = { ok: true; svg: string } | { ok: false; problem: string };

/**
 * Minifies an SVG, prefixes its ids with `fig-<name>` and names it for screen readers.
 *
 * @param svg The SVG's text.
 * @param name The figure's name, `slides/figures/<name>.svg`: the ids' prefix and, in a problem, the file.
 * @param alt The text alternative, as the SVG's aria-label.
 */
export function accessibleSvg(svg: string, name: string, alt: string): PreparedSvg {
  let data: string;
  try {
    data = optimize(svg, {
      multipass: true,
      plugins: ['preset-default', { name: 'prefixIds', params: { prefix: `fig-${name}` } }, 'removeTitle', 'removeDimensions'],
    }).data;
  } catch (error) {
    return {
      ok: false,
      problem: `slides/figures/${name}.svg is not valid SVG: ${(error as Error).message.split('\n')[0]}; open it in an editor and fix or re-export it`,
    };
  }
  const escaped = alt.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return { ok: true, svg: data.replace(/^<svg\b/, `<svg role="img" aria-label="${escaped}" focusable="false"`) };
}
