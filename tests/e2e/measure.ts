/**
 * Measuring a slide as it lands on the projector: every text's effective
 * size (CSS px times reveal.js's scale, or the SVG's screen transform), what
 * is cut off or scrolls, and how much of the canvas is left empty below the
 * content. Used by the layout test and by `node bench/measure-slides.ts`.
 */
import type { Page } from '@playwright/test';
import { PNG } from 'pngjs';
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
    // The page is as tall as its slide (with its padding and rule), not a screen.
    const scrollPage = section.closest<HTMLElement>('.scroll-page');
    if (scrollPage) {
      const extra = scrollPage.getBoundingClientRect().height - section.getBoundingClientRect().height;
      if (extra > 40) found.push(`#${slideId}: its page is ${Math.round(extra)} px taller than the slide`);
    }
    // "Read this part" and the room's status sit in the bar below the scrolling deck, never over a slide.
    const scroller = document.querySelector<HTMLElement>('.reveal-viewport')!.getBoundingClientRect();
    for (const overlay of document.querySelectorAll<HTMLElement>('.read-link, .room-status')) {
      const r = overlay.getBoundingClientRect();
      if (r.height > 0 && r.top < scroller.bottom - 1)
        found.push(`#${slideId}: ${overlay.className} reaches into the deck (${Math.round(r.top)} < ${Math.round(scroller.bottom)})`);
    }
    // What scrolls sideways says so: a shadow at its edge ([data-scrolls]) and "scroll sideways →" under it.
    for (const el of section.querySelectorAll<HTMLElement>('pre, table, .katex-display')) {
      if (el.scrollWidth <= el.clientWidth + 1 || el.getBoundingClientRect().width === 0) continue;
      const hint = el.nextElementSibling;
      if (!el.hasAttribute('data-scrolls') || !hint?.classList.contains('scroll-hint') || getComputedStyle(hint).display === 'none')
        found.push(`#${slideId}: <${el.tagName.toLowerCase()}> scrolls sideways without saying so`);
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

/** A text on a slide, as the contrast check needs it: where it is drawn, in what colour, how large. */
interface DrawnText {
  what: string;
  /** Its boxes on screen, CSS px of the page. */
  rects: { x: number; y: number; width: number; height: number }[];
  /** Its colour, 0–255, and its opacity (its own alpha times every ancestor's opacity). */
  rgb: [number, number, number];
  alpha: number;
  /** Effective size on the canvas, px: 24 and more is large text. */
  px: number;
}

/** The contrast a text needs: 4.5:1, or 3:1 for large text (24 effective px and more). */
export const CONTRAST = { normal: 4.5, large: 3, largeFrom: 24 };

/**
 * Measures, on the rendered pixels, how every text of slide `id` stands
 * out from what is behind it, and names each one that does not: the slide,
 * the text and its ratio. One screenshot per slide: every text of the slide
 * is made transparent (its glyphs only: layout, backgrounds, lines and
 * marks stay), the page is photographed, and each text's colour is set
 * against the pixels inside its own boxes. A text's ratio is that of the
 * tenth-worst pixel behind it, so that a stray pixel of an underline or a
 * neighbour's edge does not decide, while a line or a mark under a label
 * does.
 */
export async function contrastProblems(page: Page, id: string): Promise<{ problems: string[]; least: number | undefined }> {
  const texts = await page.evaluate((slideId): DrawnText[] => {
    const section = document.getElementById(slideId)!;
    const slides = document.querySelector<HTMLElement>('.reveal .slides')!;
    const scale = slides.getBoundingClientRect().width / slides.offsetWidth || 1;
    const parse = (c: string): [number, number, number, number] | undefined => {
      const m = /rgba?\(([\d.]+)[, ]+([\d.]+)[, ]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\)/.exec(c);
      if (!m) return undefined;
      const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
      return [Number(m[1]), Number(m[2]), Number(m[3]), a];
    };
    const opacity = (el: Element) => {
      let o = 1;
      for (let e: Element | null = el; e && e !== document.documentElement; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };
    const out: DrawnText[] = [];
    const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.nodeValue ?? '').trim();
      if (!text) continue;
      const el = node.parentElement;
      if (!el || el.closest('aside.notes, .sr-only, .demo-alt, .katex-mathml, [hidden], [aria-hidden="true"], title, style, script'))
        continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const svg = el instanceof SVGElement;
      const colour = parse(svg ? style.fill : style.color);
      if (!colour) continue;
      const alpha = colour[3] * (svg ? Number(style.fillOpacity) : 1) * opacity(el);
      if (alpha < 0.05) continue;
      let rects: DOMRect[];
      if (svg) rects = [el.getBoundingClientRect()];
      else {
        const range = document.createRange();
        range.selectNodeContents(node);
        rects = [...range.getClientRects()];
      }
      rects = rects.filter((r) => r.width > 1 && r.height > 1);
      if (rects.length === 0) continue;
      const size = parseFloat(style.fontSize);
      const m = svg ? (el as unknown as SVGGraphicsElement).getScreenCTM?.() : null;
      const px = size * (m ? Math.hypot(m.a, m.b) : scale);
      out.push({
        what: text.replace(/\s+/g, ' ').slice(0, 40),
        rects: rects.map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })),
        rgb: [colour[0], colour[1], colour[2]],
        alpha,
        px,
      });
    }
    return out;
  }, id);
  if (texts.length === 0) return { problems: [], least: undefined };
  // The slide without its glyphs: what is behind each text.
  const hide = await page.addStyleTag({
    content: `section#${id}, section#${id} * { -webkit-text-fill-color: transparent !important; text-shadow: none !important; caret-color: transparent !important; }
      section#${id} svg text, section#${id} svg tspan { fill-opacity: 0 !important; stroke-opacity: 0 !important; }`,
  });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const shot = PNG.sync.read(await page.screenshot());
  await hide.evaluate((style) => (style as Element).remove());
  const ratio = ([r1, g1, b1]: number[], [r2, g2, b2]: number[]) => {
    const lum = (r: number, g: number, b: number) => {
      const l = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * l(r) + 0.7152 * l(g) + 0.0722 * l(b);
    };
    const [a, b] = [lum(r1!, g1!, b1!), lum(r2!, g2!, b2!)].sort((x, y) => y - x);
    return (a! + 0.05) / (b! + 0.05);
  };
  const problems: string[] = [];
  let least: number | undefined;
  for (const t of texts) {
    const ratios: number[] = [];
    let worstBg: number[] = [];
    for (const r of t.rects) {
      const stepsX = Math.max(2, Math.min(16, Math.round(r.width / 6)));
      const stepsY = Math.max(2, Math.min(6, Math.round(r.height / 6)));
      for (let i = 0; i < stepsX; i++)
        for (let j = 0; j < stepsY; j++) {
          const x = Math.floor(r.x + ((i + 0.5) * r.width) / stepsX);
          const y = Math.floor(r.y + ((j + 0.5) * r.height) / stepsY);
          if (x < 0 || y < 0 || x >= shot.width || y >= shot.height) continue;
          const k = (y * shot.width + x) * 4;
          const bg = [shot.data[k]!, shot.data[k + 1]!, shot.data[k + 2]!];
          const fg = t.rgb.map((c, n) => c * t.alpha + bg[n]! * (1 - t.alpha));
          const value = ratio(fg, bg);
          if (ratios.length === 0 || value < Math.min(...ratios)) worstBg = bg;
          ratios.push(value);
        }
    }
    if (ratios.length === 0) continue;
    ratios.sort((a, b) => a - b);
    const value = ratios[Math.floor(ratios.length / 10)]!;
    least = least === undefined ? value : Math.min(least, value);
    const needed = t.px >= CONTRAST.largeFrom - 0.05 ? CONTRAST.large : CONTRAST.normal;
    if (value < needed)
      problems.push(
        `#${id}: "${t.what}" ${value.toFixed(2)}:1 < ${needed} (${Math.round(t.px)} px, rgb(${t.rgb.join(',')}) on about rgb(${worstBg.map(Math.round).join(',')}))`,
      );
  }
  return { problems, least };
}

/**
 * Labels that cover each other or the data, in every SVG figure of slide
 * `id`: two texts whose boxes overlap by more than a pixel each way, or a
 * text whose box a data mark (`.fig-data`: a curve, a dot, a bar) crosses.
 */
export function overlapProblems(page: Page, id: string): Promise<string[]> {
  return page.evaluate((slideId) => {
    const found: string[] = [];
    const section = document.getElementById(slideId)!;
    const shown = (el: Element) => {
      if (el.closest('[hidden], .sr-only, aside.notes')) return false;
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0 && r.width > 0 && r.height > 0;
    };
    for (const svg of section.querySelectorAll('svg')) {
      const texts = [...svg.querySelectorAll<SVGTextElement>('text')].filter((t) => (t.textContent ?? '').trim() && shown(t));
      const boxes = texts.map((t) => ({ t, r: t.getBoundingClientRect() }));
      const name = (t: Element) => `"${(t.textContent ?? '').trim().slice(0, 24)}"`;
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.r;
          const b = boxes[j]!.r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          // Glyph boxes include the line's leading: overlaps of a few pixels are the boxes, not the ink.
          if (w > 2 && h > Math.min(a.height, b.height) * 0.3) found.push(`#${slideId}: ${name(boxes[i]!.t)} covers ${name(boxes[j]!.t)}`);
        }
      const marks = [...svg.querySelectorAll<SVGGeometryElement>('.fig-data')].filter(shown);
      for (const { t, r } of boxes) {
        // The text's inner box: the glyphs, without the leading above and below.
        const inner = { left: r.left + 2, right: r.right - 2, top: r.top + r.height * 0.25, bottom: r.bottom - r.height * 0.2 };
        for (const mark of marks) {
          const m = mark.getBoundingClientRect();
          if (m.right < inner.left || m.left > inner.right || m.bottom < inner.top || m.top > inner.bottom) continue;
          const ctm = mark.getScreenCTM();
          if (!ctm) continue;
          const inverse = ctm.inverse();
          let hit = false;
          for (let i = 0; i <= 8 && !hit; i++)
            for (let j = 0; j <= 3 && !hit; j++) {
              const p = new DOMPoint(
                inner.left + ((inner.right - inner.left) * i) / 8,
                inner.top + ((inner.bottom - inner.top) * j) / 3,
              ).matrixTransform(inverse);
              const filled = getComputedStyle(mark).fill !== 'none' && mark.isPointInFill(p);
              hit = filled || (getComputedStyle(mark).stroke !== 'none' && mark.isPointInStroke(p));
            }
          if (hit) found.push(`#${slideId}: ${name(t)} covers data (${mark.getAttribute('class')})`);
        }
      }
    }
    return [...new Set(found)];
  }, id);
}
