/**
 * Measuring a slide as it lands on the projector: every text's effective
 * size (CSS px times reveal.js's scale, or the SVG's screen transform), what
 * is cut off or scrolls, and how much of the canvas is left empty below the
 * content. Used by the layout test and by `node bench/measure-slides.ts`.
 */
import type { Page } from '@playwright/test';
import { visitSlide } from './deck.ts';

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

/** Shows every fragment of slide `id` and waits for its demos, its fonts and two frames: the slide as the clicker leaves it. */
export async function showAll(page: Page, id: string): Promise<void> {
  await visitSlide(page, id, { allFragments: true });
  // The walk emulates reduced motion, so slides and fragments do not animate; with the fonts in, two frames let the demos draw.
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
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

/**
 * What does not fit slide `id` in the phone's scroll view: sideways
 * scrolling, content cut off at the bottom of its page, HTML text under 16
 * CSS px, and controls under 44 px for a finger. Text inside SVG figures is
 * left out: figures scale as a whole, have a text alternative, and can be
 * zoomed with two fingers.
 */
export function phoneProblems(page: Page, id: string): Promise<string[]> {
  return page.evaluate((slideId) => {
    const found: string[] = [];
    const section = document.getElementById(slideId)!;
    const viewport = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > viewport) found.push(`#${slideId}: the page scrolls sideways`);
    // Nothing is cut off at the bottom of the slide's page.
    const page = section.closest('.scroll-page-content') ?? section;
    if (
      section.scrollHeight > section.clientHeight + 1 ||
      section.getBoundingClientRect().height > page.getBoundingClientRect().height + 1
    ) {
      found.push(`#${slideId}: ${section.scrollHeight} px of content in a ${section.clientHeight} px slide`);
    }
    // Anything wider than the screen must sit inside a box that scrolls.
    for (const el of section.querySelectorAll<HTMLElement>('*')) {
      if (el.closest('aside.notes, .katex-mathml')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= viewport + 1) continue;
      let clipped = false;
      for (let a = el.parentElement; a && a !== section; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (/(auto|scroll|hidden)/.test(style.overflowX) && a.getBoundingClientRect().right <= viewport + 1) clipped = true;
      }
      if (!clipped)
        found.push(
          `#${slideId}: <${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> reaches ${Math.round(r.right)} px`,
        );
    }
    const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!;
      if (!n.textContent!.trim() || el instanceof SVGElement) continue;
      if (el.closest('aside.notes, .sr-only, .katex-mathml, [aria-hidden="true"], .demo-alt, svg, [hidden]')) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      if (range.getClientRects().length === 0) continue;
      const scale = el.offsetWidth ? el.getBoundingClientRect().width / el.offsetWidth : 1;
      const size = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (size < 15.9) found.push(`#${slideId}: "${n.textContent!.trim().slice(0, 30)}" is ${size.toFixed(1)} px`);
    }
    for (const control of section.querySelectorAll<HTMLElement>('button, input, select')) {
      const r = control.getBoundingClientRect();
      if (r.width === 0 || control.closest('[hidden]')) continue;
      if (r.height < 43.5 || r.width < 43.5)
        found.push(
          `#${slideId}: ${control.tagName.toLowerCase()} "${control.textContent?.trim() || control.getAttribute('aria-label')}" is ${Math.round(r.width)} × ${Math.round(r.height)} px`,
        );
    }
    return found;
  }, id);
}
