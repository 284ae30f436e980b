/**
 * The deck in the browser: reveal.js with the plugins lecturers expect, and
 * the demo lifecycle. This is the only script every visitor downloads; demos
 * bring their own code when their slide is reached.
 *
 * The same page runs in three roles. On the projector (and on phones) it is
 * the deck itself, and it computes every demo. In the speaker view's two
 * preview frames (reveal.js loads them with `receiver` in the query) it
 * mirrors the projected deck's demos and sends their keys and controls back.
 * With `?print-pdf` it lays out every slide, with every demo as a still.
 */
import Reveal, { type RevealApi } from 'reveal.js';
import Zoom from 'reveal.js/plugin/zoom';
import 'reveal.js/reset.css';
import 'reveal.js/reveal.css';
import 'katex/dist/katex.min.css';
import '../styles/deck.css';
import { readPageAddress } from '../address.ts';
import { MANIFESTS } from './demos.ts';
import { bindDemoKeys } from './keys.ts';
import { DemoLifecycle } from './lifecycle.ts';
import type { Mirroring } from './lifecycle.ts';
import { MirrorHub, MirrorLink, projectedWindow } from './mirror.ts';
import { keepTrainingOffline, registerOffline } from './offline.ts';
import { holdEarlyLoad } from './early-load.ts';
import { followAlong } from './qr.ts';
import { lazyPlugins } from './plugins.ts';
import { DeckRoomLink, roomSetup } from './room-link.ts';
import { markSidewaysScrolling } from './scroll-hints.ts';
import { previewFrame } from './speaker-preview.ts';
import { contentHeightPages, pinSlide, ScrollPages, scrollTopOfSlide } from './scroll-pages.ts';
import { setUpTheme } from './theme.ts';

const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
const idInHash = () => /^#\/([a-z][a-z0-9-]*)$/.exec(location.hash)?.[1];
/**
 * A link to an id a slide had before (`::slide{formerly="…"}`, kept so that
 * readers' bookmarks keep working) becomes a link to that slide, before
 * reveal.js reads the address, on load and whenever the address changes.
 */
function followFormerId(): void {
  const id = idInHash();
  if (!id || document.getElementById(id)) return;
  const successor = document.querySelector<HTMLElement>(`.reveal .slides section[data-formerly~="${id}"]`);
  if (successor?.id) history.replaceState(null, '', `#/${successor.id}`);
}
followFormerId();
addEventListener('hashchange', followFormerId, { capture: true });
// Read before reveal.js rewrites it: the scroll view loses a deep link on load.
const linkedId = idInHash();
/** A speaker-view preview frame, as reveal.js's notes plugin recognises them. */
const receiver = /receiver/i.test(location.search);
// Which preview: the upcoming one starts its slide below the speaker view's "Upcoming" label (deck.css).
const preview = previewFrame(location.search);
if (preview) document.documentElement.dataset.preview = preview;
const print = /print-pdf/i.test(location.search);
// The room, when the build has a relay: first of all, the presenter's key leaves the address.
const setup = roomSetup(document, location.search, { print, receiver });
const room = setup ? new DeckRoomLink(setup.key ? 'presenter' : 'follower') : undefined;
document.documentElement.dataset.room = setup ? 'connecting' : 'off';
// The URL parameters, checked with their table (loaded only when there is a query string).
const address = await readPageAddress(location.search);
// Before the first paint: the theme colours everything, figures included.
const toggleTheme = setUpTheme(address.given.theme);

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
 * canvas is tall (1750) and the scale is set by the width alone (minScale).
 * Each page then takes its slide's own height (deck.css, scroll-pages.ts),
 * and nothing snaps: the reader scrolls through the lecture as one page.
 */
const PHONE = { width: 600, height: 1750 };
const layout = () =>
  phone.matches
    ? {
        ...PHONE,
        minScale: (innerWidth * (1 - MARGIN)) / PHONE.width,
        maxScale: (innerWidth * (1 - MARGIN)) / PHONE.width,
        scrollLayout: 'compact' as const,
        scrollSnap: false as const,
      }
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
  // "Next" visits every slide in order, vertical stacks included: a lecturer's clicker has only next and back.
  navigationMode: 'linear',
  // Print every fragment's final state on one page per slide.
  pdfSeparateFragments: false,
  pdfMaxPagesPerSlide: 1,
  transition: reducedMotion ? 'none' : 'slide',
  backgroundTransition: reducedMotion ? 'none' : 'fade',
  // Narrow screens (phones) get reveal's scroll view: slides one under another.
  scrollActivationWidth: SCROLL_VIEW_WIDTH,
  // The speaker view and search load when asked for, or when a laptop is idle (plugins.ts): a phone never needs them.
  plugins: [Zoom, ScrollPages],
});

deckRef = deck;
// reveal.js's API, as its own builds expose it: for the console, and for tests that show every fragment.
(window as unknown as { Reveal: RevealApi }).Reveal = deck;

/** How demo states travel: the projected deck publishes them, the speaker view's frames mirror them. */
const mirroring: Mirroring | undefined = receiver
  ? new MirrorLink(window, projectedWindow(window))
  : print
    ? undefined
    : new MirrorHub(window, (id, action) => lifecycle.actOn(id, action));
const lifecycle = new DemoLifecycle({
  manifests: MANIFESTS,
  role: receiver ? 'mirror' : 'main',
  address,
  room: () => room,
  reducedMotion,
  print,
  mirroring,
  onError: (name, error) => console.error(`demo "${name}" failed to mount`, error),
});

bindDemoKeys(deck, document, MANIFESTS, (key) => lifecycle.pressKey(key));
deck.addKeyBinding({ keyCode: 68, key: 'D', description: 'Dark or light theme (also ?theme=dark in the address)' }, toggleTheme);

/** The reader's edition at this slide: every slide with its notes as prose, to read at one's own pace. */
const readerHref = () => `${import.meta.env.BASE_URL}read/#${deck.getCurrentSlide()?.id ?? ''}`;
deck.addKeyBinding({ keyCode: 69, key: 'E', description: "Read this part in the reader's edition (slides and notes, as a page)" }, () => {
  location.href = readerHref();
});
if (!receiver && !print) {
  const link = document.createElement('a');
  link.className = 'read-link';
  link.textContent = 'Read this part';
  link.href = readerHref();
  deck.on('slidechanged', () => (link.href = readerHref()));
  document.querySelector('.reveal')?.append(link);
}

deck.on('ready', () => {
  if (print) void lifecycle.mountAll(document);
  else lifecycle.showSlide(deck.getCurrentSlide());
});
deck.on('slidechanged', (event) => lifecycle.showSlide((event as unknown as { currentSlide?: HTMLElement }).currentSlide));
// TensorFlow.js is kept for offline use once a slide that trains is reached (not on a connection that saves data), or when asked with K.
let keptTraining = false;
deck.on('slidechanged', () => {
  const trains = [...(deck.getCurrentSlide()?.querySelectorAll<HTMLElement>('[data-demo]') ?? [])].some(
    (root) => MANIFESTS.get(root.dataset.demo ?? '')?.needs.tfjs,
  );
  if (trains && !keptTraining && !receiver && !print) {
    keptTraining = true;
    keepTrainingOffline();
  }
});
deck.addKeyBinding({ keyCode: 75, key: 'K', description: 'Keep this deck offline, its live training included (2.6 MB more)' }, () =>
  keepTrainingOffline(true),
);
const onFragment = (event: Event) => {
  const root = (event as unknown as { fragment?: HTMLElement }).fragment?.closest<HTMLElement>('[data-demo]');
  if (root) lifecycle.step(root);
};
deck.on('fragmentshown', onFragment);
deck.on('fragmenthidden', onFragment);
document.addEventListener('visibilitychange', () => (document.hidden ? lifecycle.hideAll() : lifecycle.restore()));
window.addEventListener('pagehide', (event) => {
  if (!event.persisted) lifecycle.dispose();
});

// Slides reveal.js hides from the screen (aria-hidden) are out of reach of the keyboard too: their links and buttons
// would otherwise sit in the tab order, unseen. The scroll view (phones) shows every slide, so hides none.
const hideUnseen = () => {
  const scroll = deck.isScrollView();
  for (const section of document.querySelectorAll<HTMLElement>('.reveal .slides section'))
    section.inert = !scroll && !print && section.getAttribute('aria-hidden') === 'true';
};
deck.on('ready', hideUnseen);
deck.on('slidechanged', hideUnseen);

// reveal.js does not update the address in the scroll view; do it, so that a
// reader on a phone can reload, bookmark or share the slide they are on.
deck.on('slidechanged', () => {
  const id = deck.getCurrentSlide()?.id;
  if (id && deck.isScrollView() && location.hash !== `#/${id}`) history.replaceState(null, '', `#/${id}`);
});

/**
 * In the scroll view, brings the slide with this id to the top of the screen
 * (scroll-pages.ts says where that is), and makes reveal.js's current slide follow. reveal.js reads its current
 * slide from the scroll position when its viewport scrolls; a deep link at
 * phone width once left it on the slide before while the right one was on
 * screen, so the scroll view is asked to read the position again (its
 * onScroll waits for the next frame, after the scroll has been laid out).
 */
/** The latest scrollToSlide: an earlier one still placing its slide gives way to it. */
let placing = 0;
function scrollToSlide(id: string | undefined): void {
  const viewport = deck.getViewportElement();
  if (!id || !viewport) return;
  const mine = ++placing;
  // Pages not yet rendered have estimated heights (deck.css, content-visibility), which become true as they come into
  // view, and demos mount; the target is placed again each frame until it has stayed put for ten frames (at most two
  // seconds), unless the reader takes over.
  // Meanwhile the slide is pinned as the current one (scroll-pages.ts), so that nothing on the way becomes current.
  const started = performance.now();
  let still = 0;
  let stopped = false;
  const stop = () => (stopped = true);
  for (const type of ['wheel', 'touchstart', 'keydown']) addEventListener(type, stop, { once: true, passive: true });
  pinSlide(id);
  const place = () => {
    if (mine !== placing) return;
    const top = scrollTopOfSlide(deck, id);
    if (top !== undefined && !stopped) {
      if (Math.abs(viewport.scrollTop - top) > 1) {
        viewport.scrollTop = top;
        still = 0;
      } else still++;
      viewport.dispatchEvent(new Event('scroll'));
      if (still < 10 && performance.now() - started < 2000) return void requestAnimationFrame(place);
    }
    pinSlide(undefined);
  };
  place();
}

/**
 * A deep link wins over the place a phone last read: reveal.js's scroll view
 * restores the scroll position it kept in this tab's sessionStorage
 * (ScrollView.restoreScrollPosition, node_modules/reveal.js/js/controllers/scrollview.js),
 * which showed the slide read last, and mounted its demos, for a second before
 * scrollToSlide came.
 */
if (linkedId) {
  try {
    sessionStorage.removeItem('reveal-scroll-top');
  } catch {
    // Storage refused: nothing was kept either.
  }
}

if (!receiver) registerOffline();
followAlong(document);

// Before reveal.js adds its own load listener: an early load event must not reach its layout (early-load.ts).
holdEarlyLoad(deck);

void deck.initialize().then(() => {
  if (!receiver && !print) lazyPlugins(deck, { idle: !deck.isScrollView() });
  contentHeightPages(deck);
  if (!print) markSidewaysScrolling();
  if (deck.isScrollView()) scrollToSlide(linkedId);
  // reveal.js's own scrolling to a new #/<id> in the scroll view can miss by a slide. Read the address before
  // reveal.js does (a capturing listener runs first): once it has moved, the address names the slide it moved to.
  window.addEventListener(
    'hashchange',
    () => {
      if (deck.isScrollView()) scrollToSlide(idInHash());
    },
    { capture: true },
  );
  phone.addEventListener('change', () => {
    useFragments(!phone.matches);
    deck.configure(layout());
    deck.sync();
  });
  // A phone turned sideways (still narrow) keeps the scale set by its width.
  addEventListener('resize', () => phone.matches && deck.configure(layout()));
  // The room, once the first slide is on screen: its code (socket.io-client) loads only now, and only with a relay.
  if (setup && room) {
    const join = () =>
      void import('./room.ts')
        .then(({ joinRoom }) =>
          joinRoom({
            setup,
            link: room,
            deck,
            base: import.meta.env.BASE_URL,
            scrollToSlide,
            showFollowLink: (id) => followAlong(document, id),
          }),
        )
        // The page is being left, or the deck was published anew since it loaded: it works on without the room.
        .catch((error: unknown) => {
          document.documentElement.dataset.room = 'off';
          console.warn('The room could not load:', error);
        });
    if ('requestIdleCallback' in window) requestIdleCallback(join, { timeout: 1000 });
    else setTimeout(join, 200);
  }
});
