/**
 * The same-origin policy of the slides: nothing a browser would fetch, or go
 * to, without anyone following a link may be on another origin. The deck
 * must work offline and must not leak its audience to third parties. Links
 * (`<a href>`) are fine: nothing is fetched until someone follows them.
 *
 * Each mistake is recorded with the element, the attribute and the URL, at
 * the element's line (or, in a `<style>`, at the line of the URL).
 */
import type { Element, Root as HastRoot } from 'hast';
import type { Point, Position } from 'unist';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { report } from '../problems.ts';
import { urlsInCss, type CssKind } from './css-urls.ts';

/** A URL with a scheme (`https:`, `data:` excepted: it has no `//`) or protocol-relative: on another origin. */
export const REMOTE = /^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i;

/**
 * Attributes whose URL the browser fetches, or goes to, without anyone
 * following a link: hast's property name, then the name an author writes.
 */
const URL_ATTRIBUTES: Readonly<Record<string, string>> = {
  src: 'src',
  poster: 'poster',
  data: 'data',
  background: 'background',
  href: 'href',
  xLinkHref: 'xlink:href',
  action: 'action',
  formAction: 'formaction',
  codeBase: 'codebase',
  manifest: 'manifest',
};

/** Attributes holding comma-separated `url width` candidates. */
const SRCSET_ATTRIBUTES: Readonly<Record<string, string>> = { srcSet: 'srcset', imageSrcSet: 'imagesrcset' };

/** Attributes whose value is CSS, where `url(…)` is fetched: `style` and SVG's presentation attributes. */
const CSS_ATTRIBUTES: Readonly<Record<string, string>> = {
  style: 'style',
  fill: 'fill',
  stroke: 'stroke',
  filter: 'filter',
  mask: 'mask',
  clipPath: 'clip-path',
  markerStart: 'marker-start',
  markerMid: 'marker-mid',
  markerEnd: 'marker-end',
  cursor: 'cursor',
};

/** Elements whose href is a link: nothing is fetched until someone follows it. */
const LINK_ELEMENTS = new Set(['a', 'area']);

/** Attributes that navigate or submit rather than load. */
const NAVIGATING = new Set(['action', 'formAction']);

/** Records everything in a slide that a browser would fetch from another origin by itself. */
export function rehypeSameOrigin() {
  return (tree: HastRoot, file: VFile) => {
    visit(tree, 'element', (node: Element) => {
      const refuse = (what: string, url: string, navigates = false, place: Point | Position | undefined = node.position) =>
        report(
          file,
          'same-origin',
          navigates
            ? `${what} would go to ${url}, on another origin, without anyone following a link; link to it with <a href="${url}"> instead`
            : `${what} would load ${url} from another origin; save the file under public/ (or draw it in slides/figures/) and refer to it by path, or link to it with <a href>`,
          place,
        );

      for (const [property, value] of Object.entries(node.properties)) {
        if (value == null || value === false) continue;
        const attribute = URL_ATTRIBUTES[property];
        if (attribute && !((property === 'href' || property === 'xLinkHref') && LINK_ELEMENTS.has(node.tagName))) {
          const url = String(value);
          if (REMOTE.test(url)) refuse(`<${node.tagName} ${attribute}>`, url.trim(), NAVIGATING.has(property));
        }
        const srcset = SRCSET_ATTRIBUTES[property];
        if (srcset) {
          const candidates = Array.isArray(value) ? value.map(String) : String(value).split(',');
          for (const candidate of candidates) {
            const url = candidate.trim().split(/\s+/)[0] ?? '';
            if (REMOTE.test(url)) refuse(`<${node.tagName} ${srcset}>`, url);
          }
        }
        const css = CSS_ATTRIBUTES[property];
        if (css && typeof value === 'string') {
          const kind: CssKind = property === 'style' ? 'declarationList' : 'value';
          for (const found of urlsInCss(value, kind)) {
            if (REMOTE.test(found.url)) refuse(`<${node.tagName} ${css}> with ${found.via}`, found.url);
          }
        }
      }

      if (
        node.tagName === 'meta' &&
        String(node.properties.httpEquiv ?? '')
          .toLowerCase()
          .includes('refresh')
      ) {
        const url = /url\s*=\s*['"]?([^'"\s;]+)/i.exec(String(node.properties.content ?? ''))?.[1];
        if (url && REMOTE.test(url)) refuse('<meta http-equiv="refresh">', url, true);
      }

      if (node.tagName === 'style') {
        for (const child of node.children) {
          if (child.type !== 'text') continue;
          const start = child.position?.start.line ?? node.position?.start.line;
          for (const found of urlsInCss(child.value, 'stylesheet')) {
            if (!REMOTE.test(found.url)) continue;
            // The line of the URL itself: a style sheet can be long.
            refuse(
              `<style> with ${found.via}`,
              found.url,
              false,
              start === undefined ? undefined : { line: start + found.line - 1, column: 1 },
            );
          }
        }
      }
    });
  };
}
