/**
 * Measuring a slide as it lands on the projector: every text's effective
 * size (CSS px times reveal.js's scale, or the SVG's screen transform), what
 * is cut off or scrolls, and how much of the canvas is left empty below the
 * content. Used by the layout test and by `node bench/measure-slides.ts`.
 */
import type { Page } from '@playwright/test';

export interface Measured {
  id: string;
  /** The smallest effective text size per kind, with the element that has it. */
  smallest: Record<TextKind, { px: number; what: string } | undefined>;
  /** Elements whose box leaves the slide, or that scroll. */
  clipped: string[];
  /** Share of the slide's height left empty below its content, 0–1. */
  emptyBelow: number;
  /** A title or section slide, allowed to be mostly empty. */
  sparse: boolean;
}

/** What a text is, which decides how large it must be. */
export type TextKind = 'body' | 'code' | 'figure';

/** The sizes each kind must reach on the 1280 × 720 canvas, in effective px. */
export const MINIMUM: Record<TextKind, number> = { body: 28, code: 24, figure: 18 };

/** Shows every fragment of the slide on screen and waits for its demos. */
export async function showAll(page: Page, id: string): Promise<void> {
  await page.evaluate((hash) => (location.hash = hash), `#/${id}`);
  await page.waitForFunction((slide) => document.querySelector('.reveal .slides section.present:not(.stack)')?.id === slide, id);
  await page.evaluate(() => {
    const deck = (window as unknown as { Reveal?: { availableFragments(): { next: boolean }; nextFragment(): boolean } }).Reveal;
    for (let i = 0; i < 60 && deck?.availableFragments().next; i++) deck.nextFragment();
  });
  await page.waitForFunction(
    (slide) =>
      [...document.querySelectorAll<HTMLElement>(`section#${slide} [data-demo]`)].every((d) =>
        /ready|error/.test(d.dataset.demoState ?? ''),
      ),
    id,
    { timeout: 30_000 },
  );
  // The layout tests emulate reduced motion, so slides and fragments do not animate; two frames let the demos draw.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForTimeout(200);
}

/** Measures the slide on screen. */
export function measure(page: Page, id: string): Promise<Measured> {
  return page.evaluate((slideId): Measured => {
    const section = document.getElementById(slideId)!;
    const slides = document.querySelector<HTMLElement>('.reveal .slides')!;
    const canvas = slides.getBoundingClientRect();
    // reveal.js scales .slides with a transform (or zoom); its rendered width over its layout width is the scale.
    const scale = canvas.width / slides.offsetWidth;
    const describe = (el: Element) => {
      const cls =
        typeof el.className === 'string' ? el.className.split(/\s+/).filter(Boolean)[0] : (el.getAttribute('class') ?? '').split(/\s+/)[0];
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 32);
      return `<${el.tagName.toLowerCase()}${cls ? `.${cls}` : ''}> "${text}"`;
    };
    const visible = (el: Element) => {
      if (el.closest('aside.notes, .sr-only, .demo-alt, .katex-mathml, [hidden], [aria-hidden="true"]')) return false;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const smallest: Measured['smallest'] = { body: undefined, code: undefined, figure: undefined };
    const note = (kind: TextKind, px: number, el: Element) => {
      const current = smallest[kind];
      if (!current || px < current.px) smallest[kind] = { px: Math.round(px * 10) / 10, what: describe(el) };
    };
    const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!(node.nodeValue ?? '').trim()) continue;
      const el = node.parentElement;
      if (!el || !visible(el)) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      let px: number;
      const svg = el.closest('svg');
      if (svg && el instanceof SVGElement) {
        // SVG text: its font size in user units times the SVG's scale on screen (which includes reveal's).
        const m = (el as unknown as SVGGraphicsElement).getScreenCTM?.();
        px = size * (m ? Math.hypot(m.a, m.b) : scale);
      } else {
        px = size * scale;
      }
      const kind: TextKind =
        el.closest('pre, code') && !el.closest('.demo')
          ? 'code'
          : el.closest('figure, .demo, svg, figcaption, .small, small, button, label, p.label, .katex-display')
            ? 'figure'
            : 'body';
      note(kind, px, el);
    }
    // Clipping: anything wider or taller than the canvas, and any box that scrolls.
    const clipped: string[] = [];
    const margin = 2;
    for (const el of section.querySelectorAll<HTMLElement>('*')) {
      if (!visible(el) || el.closest('svg')) continue;
      const r = el.getBoundingClientRect();
      if (r.right > canvas.right + margin || r.left < canvas.left - margin || r.bottom > canvas.bottom + margin)
        clipped.push(`${describe(el)} outside the canvas`);
      const style = getComputedStyle(el);
      const scrollsX = /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
      const scrollsY = /auto|scroll/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
      if (scrollsX || scrollsY)
        clipped.push(`${describe(el)} scrolls (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
    }
    // Empty space below the content.
    let bottom = canvas.top;
    for (const el of section.querySelector(':scope > .slide-body')?.children ?? section.children) {
      if (!visible(el)) continue;
      bottom = Math.max(bottom, el.getBoundingClientRect().bottom);
    }
    const emptyBelow = Math.max(0, (canvas.bottom - bottom) / canvas.height);
    const sparse = section.matches('.title-slide, .section-slide, .center, [data-sparse]');
    return { id: slideId, smallest, clipped: [...new Set(clipped)].slice(0, 8), emptyBelow: Math.round(emptyBelow * 100) / 100, sparse };
  }, id);
}
