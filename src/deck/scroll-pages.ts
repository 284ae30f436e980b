/**
 * Pages as tall as their slides in reveal.js's scroll view (phones).
 *
 * reveal.js gives every page of its scroll view the same height (a screen,
 * or the canvas's height in its compact layout), so a slide of three lines
 * took a whole screen: the deck was some eighty mostly blank screens on a
 * phone. deck.css lets each page take its slide's height instead. reveal.js
 * then still has to know which slide is on screen: it reads the scroll
 * position as a fraction of the whole, and gives every page an equal share
 * of it (ScrollView.setTriggerRanges in node_modules/reveal.js/js/controllers/
 * scrollview.js). This module gives each page the share its height takes,
 * through the same method on the deck's scroll view, so that reveal.js's own
 * reading of the position (current slide, address, demos shown) stays true.
 *
 * Which slide is "on screen": the one at a line just below the top of the
 * screen, and, in the last screen's worth of scrolling, a line that moves
 * down to the bottom, so that the last slides, which can never reach the
 * top, become current in turn as the reader scrolls to the end.
 */
import type { RevealApi } from 'reveal.js';

/** How far below the top of the screen the line that picks the current slide runs, px. */
const LINE = 8;

interface ScrollPage {
  pageElement: HTMLElement;
}
interface SlideTrigger {
  page: ScrollPage & { scrollTriggers: unknown[] };
  range: [number, number];
}
/** The parts of reveal.js's scroll view this module reads and replaces (reveal.js 6). */
interface ScrollViewInternals {
  isActive(): boolean;
  slideTriggers?: SlideTrigger[];
  totalScrollTriggerCount?: number;
  setTriggerRanges(): void;
  syncScrollPosition(): void;
  viewportElement: HTMLElement;
}

/** The geometry of the scroll: where each page starts, the scroller's height and its window's. */
export interface Geometry {
  tops: number[];
  /** The scroller's whole height. */
  height: number;
  /** The height of its window (the screen). */
  window: number;
}

/**
 * Where the line that picks the current slide is, in the content, when the
 * scroller is at `scrollTop`: just below the top of the screen, and in the
 * last screen of scrolling, moving down so that it reaches the end.
 */
export function lineAt(scrollTop: number, g: Geometry): number {
  const max = Math.max(0, g.height - g.window);
  const ramp = Math.min(g.window, max);
  const start = max - ramp;
  if (scrollTop <= start || ramp === 0) return scrollTop + LINE;
  return start + LINE + ((scrollTop - start) * (g.height - start - LINE)) / ramp;
}

/** The scroll position at which the line reaches `y` in the content: the inverse of lineAt. */
export function scrollTopFor(y: number, g: Geometry): number {
  const max = Math.max(0, g.height - g.window);
  const ramp = Math.min(g.window, max);
  const start = max - ramp;
  if (y - LINE <= start || ramp === 0) return Math.max(0, Math.min(max, y - LINE));
  return Math.min(max, start + ((y - start - LINE) * ramp) / (g.height - start - LINE));
}

/** Each page's share of the scroll, as reveal.js's ranges: fractions of the scrollable height. */
export function ranges(g: Geometry): [number, number][] {
  const max = Math.max(1, g.height - g.window);
  const at = (y: number) => Math.max(0, Math.min(1, scrollTopFor(y, g) / max));
  return g.tops.map((top, i) => [i === 0 ? 0 : at(top), i === g.tops.length - 1 ? 1 : at(g.tops[i + 1]!)]);
}

/** The scroll view of the deck, which reveal.js hands its plugins (its API does not expose it). */
let internals: ScrollViewInternals | undefined;
/** While the deck scrolls itself to a slide, that slide is the current one, whatever passes the screen meanwhile. */
let pinned: string | undefined;

/** A reveal.js plugin that only keeps hold of the deck's scroll view, for the functions below. */
export const ScrollPages = {
  id: 'scroll-pages',
  init(reveal: unknown): void {
    internals = (reveal as { scroll?: ScrollViewInternals }).scroll;
  },
};

function scrollView(_deck: RevealApi): ScrollViewInternals | undefined {
  return internals;
}

function geometry(view: ScrollViewInternals, triggers: SlideTrigger[]): Geometry {
  const viewport = view.viewportElement;
  const origin = viewport.getBoundingClientRect().top - viewport.scrollTop;
  return {
    tops: triggers.map((t) => t.page.pageElement.getBoundingClientRect().top - origin),
    height: viewport.scrollHeight,
    window: viewport.clientHeight,
  };
}

/**
 * Gives each page of the deck's scroll view its own height's share of the
 * scroll, now and whenever a page's height changes (a demo mounts, a font
 * arrives, the phone turns).
 */
export function contentHeightPages(deck: RevealApi): void {
  const view = scrollView(deck);
  if (!view || typeof view.setTriggerRanges !== 'function') return;
  const equalShares = view.setTriggerRanges.bind(view);
  view.setTriggerRanges = () => {
    equalShares();
    const triggers = view.slideTriggers ?? [];
    // Fragments are off on phones (main.ts), so each page is one trigger; otherwise keep reveal.js's shares.
    if (!view.isActive() || triggers.length === 0 || triggers.some((t) => t.page.scrollTriggers.length > 0)) return;
    const target = pinned ? document.getElementById(pinned) : null;
    if (target && triggers.some((t) => t.page.pageElement.contains(target))) {
      // Pinned: the whole scroll picks the target, the others nothing (a range above 1 is never reached).
      for (const t of triggers) t.range = t.page.pageElement.contains(target) ? [0, 1] : [2, 2];
      return;
    }
    ranges(geometry(view, triggers)).forEach((range, i) => (triggers[i]!.range = range));
  };
  let queued = false;
  const again = (): void => {
    if (queued || !view.isActive()) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      view.setTriggerRanges();
      view.syncScrollPosition();
    });
  };
  resync = again;
  // Every page, not the slides' box, whose height reveal.js may fix: a page grows when it is first rendered or a demo mounts.
  if ('ResizeObserver' in window) {
    const observer = new ResizeObserver(again);
    const observeAll = () => {
      observer.disconnect();
      for (const page of deck.getSlidesElement()?.querySelectorAll('.scroll-page') ?? []) observer.observe(page);
    };
    observeAll();
    // The scroll view builds its pages anew when it is switched on (a phone turned, a window narrowed).
    deck.on('resize', observeAll);
  }
  again();
}

/** Recomputes the shares and rereads the position (set once contentHeightPages has run). */
let resync: (() => void) | undefined;

/**
 * Makes slide `id` the current one while the deck scrolls itself to it (a
 * link, the presenter's move), so that the pages it passes, or a page above
 * it that grows as it is first drawn, never become current on the way and
 * are not taken for the reader's own moves; `undefined` ends it.
 */
export function pinSlide(id: string | undefined): void {
  if (pinned === id) return;
  pinned = id;
  resync?.();
}

/** Where to scroll so that the page of slide `id` is the current one, at the top of the screen when it can be. */
export function scrollTopOfSlide(deck: RevealApi, id: string): number | undefined {
  const view = scrollView(deck);
  const page = document.getElementById(id)?.closest<HTMLElement>('.scroll-page');
  if (!view || !page) return undefined;
  const viewport = view.viewportElement;
  const origin = viewport.getBoundingClientRect().top - viewport.scrollTop;
  const top = page.getBoundingClientRect().top - origin;
  return scrollTopFor(top + LINE, { tops: [], height: viewport.scrollHeight, window: viewport.clientHeight });
}
