/**
 * The deck in the browser: reveal.js with the plugins lecturers expect, and
 * the demo lifecycle. This is the only script every visitor downloads; demos
 * bring their own code when their slide is reached.
 */
import Reveal, { type RevealApi } from 'reveal.js';
import Notes from 'reveal.js/plugin/notes';
import Search from 'reveal.js/plugin/search';
import Zoom from 'reveal.js/plugin/zoom';
import 'reveal.js/reset.css';
import 'reveal.js/reveal.css';
import 'katex/dist/katex.min.css';
import '../styles/deck.css';
import { DemoLifecycle, type DeckEvents } from './lifecycle.ts';
import type { DemoModule } from './demo.ts';
import { registerOffline } from './offline.ts';
import { registry } from './registry.ts';

const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
const idInHash = () => /^#\/([a-z][a-z0-9-]*)$/.exec(location.hash)?.[1];
// Read before reveal.js rewrites it: the scroll view loses a deep link on load.
const linkedId = idInHash();
const query = new URLSearchParams(location.search);

/**
 * The slide canvas, which reveal scales to the screen. A projector or laptop
 * gets a 16:9 canvas. A phone gets reveal's scroll view (slides one under
 * another), and a narrower, taller canvas, so that text is scaled down less
 * and stays readable (at least 16 CSS px at 360 px wide).
 */
const SCROLL_VIEW_WIDTH = 435;
const MARGIN = 0.05;
const phone = matchMedia(`(max-width: ${Math.floor(SCROLL_VIEW_WIDTH / (1 - MARGIN))}px)`);
/**
 * On a phone every slide must fit its page, whatever its length, so the
 * canvas is tall (1750) and the scale is set by the width alone (minScale),
 * with compact pages: a long slide takes a screen and a half, a short one
 * leaves room below. reveal.js's scroll view needs pages of equal height.
 */
const PHONE = { width: 600, height: 1750 };
const layout = () =>
  phone.matches
    ? { ...PHONE, minScale: (innerWidth * (1 - MARGIN)) / PHONE.width, maxScale: (innerWidth * (1 - MARGIN)) / PHONE.width, scrollLayout: 'compact' as const, scrollSnap: 'proximity' as const }
    : { width: 1280, height: 720, minScale: 0.2, maxScale: 2, scrollLayout: 'full' as const, scrollSnap: 'mandatory' as const };

/**
 * On a phone the reader scrolls at their own pace, so everything a slide
 * holds is shown at once: fragments are for the presenter's clicker. (Turning
 * reveal's `fragments` option off is not enough: its scroll view still gives
 * every fragment a screen's height of scrolling.)
 */
function useFragments(on: boolean): void {
  for (const element of document.querySelectorAll<HTMLElement>(on ? '[data-fragment]' : '.reveal .slides .fragment')) {
    element.classList.toggle('fragment', on);
    if (on) delete element.dataset.fragment;
    else element.dataset.fragment = '';
  }
}
useFragments(!phone.matches);

/** "#/vocabulary · 12/57": the id an attendee can type, and where we are. */
let deckRef: RevealApi | undefined;
function slideNumber(slide: HTMLElement | undefined): [string, string, string] {
  if (!deckRef || !slide) return ['', '', ''];
  // reveal.js shows the third part only when it is a number.
  const total = deckRef.getTotalSlides() as unknown as string;
  return [`${slide.id ? `#/${slide.id} · ` : ''}${deckRef.getSlidePastCount(slide) + 1}`, '/', total];
}

const deck = new Reveal(document.querySelector<HTMLElement>('.reveal')!, {
  ...layout(),
  margin: MARGIN,
  hash: true,
  history: false,
  respondToHashChanges: true,
  slideNumber,
  showSlideNumber: 'all',
  progress: true,
  controls: true,
  controlsTutorial: false,
  center: false,
  overview: true,
  touch: true,
  help: true,
  // Print every fragment's final state on one page per slide.
  pdfSeparateFragments: false,
  pdfMaxPagesPerSlide: 1,
  transition: reducedMotion ? 'none' : 'slide',
  backgroundTransition: reducedMotion ? 'none' : 'fade',
  // Narrow screens (phones) get reveal's scroll view: slides one under another.
  scrollActivationWidth: SCROLL_VIEW_WIDTH,
  plugins: [Notes, Search, Zoom],
});

deckRef = deck;

const keyHandlers: Record<number, ((event: KeyboardEvent) => void)[]> = {};
const lifecycle = new DemoLifecycle({
  load: (name) => (registry as Partial<Record<string, () => Promise<DemoModule>>>)[name]?.(),
  query,
  reducedMotion,
  onError: (name, error) => console.error(`demo "${name}" failed to mount`, error),
  addKeyBinding: (key, description, handler) => {
    // Several demos may share a key; each handler checks that its slide is on screen.
    const keyCode = key.toUpperCase().charCodeAt(0);
    const handlers = (keyHandlers[keyCode] ??= []);
    handlers.push(handler);
    if (handlers.length === 1) {
      deck.addKeyBinding({ keyCode, key: key.toUpperCase(), description }, (event: KeyboardEvent) => {
        for (const h of keyHandlers[keyCode]!) h(event);
      });
    }
  },
});
lifecycle.attach(deck as unknown as DeckEvents);

// reveal.js does not update the address in the scroll view; do it, so that a
// reader on a phone can reload, bookmark or share the slide they are on.
deck.on('slidechanged', () => {
  const id = deck.getCurrentSlide()?.id;
  if (id && deck.isScrollView() && location.hash !== `#/${id}`) history.replaceState(null, '', `#/${id}`);
});

/** In the scroll view, brings the slide with this id to the top of the screen. */
function scrollToSlide(id: string | undefined): void {
  const page = id ? document.getElementById(id)?.closest<HTMLElement>('.scroll-page') : undefined;
  page?.scrollIntoView({ block: 'start' });
}

registerOffline();

void deck.initialize().then(() => {
  if (deck.isScrollView()) scrollToSlide(linkedId);
  // reveal.js's own scrolling to a new #/<id> in the scroll view can miss by a slide.
  window.addEventListener('hashchange', () => {
    if (deck.isScrollView()) scrollToSlide(idInHash());
  });
  phone.addEventListener('change', () => {
    useFragments(!phone.matches);
    deck.configure(layout());
    deck.sync();
  });
  // A phone turned sideways (still narrow) keeps the scale set by its width.
  addEventListener('resize', () => phone.matches && deck.configure(layout()));
});
