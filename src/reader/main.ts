/**
 * The reader's edition in the browser: the slides' demos, live where they
 * stand, through the same lifecycle as the deck. A demo mounts when it is
 * scrolled near and pauses when it leaves; a demo with clicker steps gets a
 * Back / Next control. `?print` is the handout: every demo mounted at once
 * as a still frame. Slide stills are drawn at the deck's canvas size, zoomed
 * to the reading column (the deck's phone canvas on narrow screens).
 */
import 'katex/dist/katex.min.css';
import '../styles/deck.css';
import './reader.css';
import { readPageAddress } from '../address.ts';
import { MANIFESTS } from '../deck/demos.ts';
import { DemoLifecycle } from '../deck/lifecycle.ts';
import { registerOffline } from '../deck/offline.ts';
import { applyTheme, setUpTheme } from '../deck/theme.ts';
import { zoomFor } from './layout.ts';

const print = new URLSearchParams(location.search).has('print');

/** read/#<former id> (`::slide{formerly="…"}`) opens the slide that has it now, under its id now. */
function followFormerId(): void {
  const id = /^#([a-z][a-z0-9-]*)$/.exec(location.hash)?.[1];
  if (!id || document.getElementById(id)) return;
  const successor = document.querySelector<HTMLElement>(`.read-slide[data-formerly~="${id}"]`);
  if (!successor) return;
  history.replaceState(null, '', `#${successor.id}`);
  successor.scrollIntoView();
}
followFormerId();
addEventListener('hashchange', followFormerId);
// The URL parameters, checked with their table (loaded only when there is a query string).
const address = await readPageAddress(location.search);
const toggleTheme = setUpTheme(address.given.theme);
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;

const lifecycle = new DemoLifecycle({
  manifests: MANIFESTS,
  role: 'main',
  address,
  reducedMotion,
  print,
  onError: (name, error) => console.error(`demo "${name}" failed to mount`, error),
});

/** Scales every slide still to the column, and switches to the phone canvas on narrow screens. */
const main = document.querySelector<HTMLElement>('.read-main')!;
const fit = () => {
  // The still's inner width: the column's, or on a wide screen the margin's beside the prose (reader.css).
  const still = main.querySelector<HTMLElement>('.read-still');
  const { zoom, phone } = zoomFor(main.clientWidth, still ? still.clientWidth : main.clientWidth);
  document.documentElement.style.setProperty('--still-zoom', String(zoom));
  document.documentElement.style.setProperty('--slide-scale', String(zoom));
  main.classList.toggle('reveal-scroll', phone);
};
new ResizeObserver(fit).observe(main);
const firstStill = main.querySelector<HTMLElement>('.read-still');
if (firstStill) new ResizeObserver(fit).observe(firstStill);
fit();

const figures = [...document.querySelectorAll<HTMLElement>('.read-slide figure.demo')];
/** The demos near the screen now. */
const near = new Set<HTMLElement>();
if (print) {
  document.body.classList.add('handout');
  void lifecycle.mountAll(document).then(() => document.body.setAttribute('data-handout', 'ready'));
} else {
  // Near the screen: mounted and shown; away: hidden (paused), not disposed.
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const figure = entry.target as HTMLElement;
        if (entry.isIntersecting) near.add(figure);
        else near.delete(figure);
        void lifecycle.display(figure, entry.isIntersecting);
      }
    },
    { rootMargin: '300px 0px' },
  );
  for (const figure of figures) observer.observe(figure);
  for (const figure of figures) addStepper(figure);
}

/** Back / Next buttons for a demo that the deck's clicker steps through. */
function addStepper(figure: HTMLElement): void {
  const steps = [...figure.querySelectorAll<HTMLElement>('.demo-step')];
  if (steps.length === 0) return;
  const bar = document.createElement('div');
  bar.className = 'read-stepper';
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', 'Steps of this figure');
  const back = document.createElement('button');
  back.type = 'button';
  back.textContent = '◀ Back';
  const next = document.createElement('button');
  next.type = 'button';
  next.textContent = 'Next ▶';
  const label = document.createElement('span');
  label.setAttribute('aria-live', 'polite');
  const go = (shown: number) => {
    steps.forEach((step, i) => step.classList.toggle('visible', i < shown));
    label.textContent = `Step ${shown} of ${steps.length}`;
    back.disabled = shown === 0;
    next.disabled = shown === steps.length;
    lifecycle.step(figure);
  };
  let shown = 0;
  back.addEventListener('click', () => go((shown = Math.max(0, shown - 1))));
  next.addEventListener('click', () => go((shown = Math.min(steps.length, shown + 1))));
  bar.append(back, label, next);
  figure.closest('.read-still')?.after(bar);
  go(0);
}

// A theme switch for readers, who have no D key to press in a page of text. It is in the page from the
// start (read.astro), so that nothing moves when this script arrives; here it learns what to do.
const themeButton = document.querySelector<HTMLButtonElement>('.read-theme')!;
const label = () => (themeButton.textContent = document.documentElement.dataset.theme === 'dark' ? 'Light theme' : 'Dark theme');
themeButton.addEventListener('click', () => {
  toggleTheme();
  label();
});
label();
if (print) applyTheme('light');

document.addEventListener('visibilitychange', () => {
  if (document.hidden) lifecycle.hideAll();
  else for (const figure of near) void lifecycle.display(figure, true);
});
window.addEventListener('pagehide', (event) => {
  if (!event.persisted) lifecycle.dispose();
});
registerOffline();
