/**
 * Registers the service worker that makes the deck work offline after one
 * visit, and offers a new version when one has been published. The new
 * version takes over only when the reader chooses to reload, so the page
 * never mixes two builds.
 *
 * The service worker also answers with the cross-origin isolation headers
 * (src/sw/sw.ts), which lets TensorFlow.js use WebAssembly threads on a host
 * that sends none. A page loaded before the worker was installed is not
 * isolated. If nobody has touched it yet when the worker is active, it
 * reloads once, by itself, and a session flag makes sure that it never
 * reloads twice. If someone has (a click, a key, a touch, the wheel, typing),
 * the reload would throw away what they did (a demo turned, a slider moved),
 * so the page stays as it is, on one thread where it trains (the live slide
 * says "one thread: the page is not cross-origin isolated"), and isolation
 * comes with the next navigation: the next time a document of the deck loads,
 * in this tab or another (a reload, a link with a query such as `?gd1=…`,
 * the deck opened again), the service worker answers it with the headers. A
 * hash change (`#/slide`), the deck's own way of moving, is no navigation and
 * changes nothing; nor does hiding the tab, since a reload then would lose
 * the same work, only later.
 */

/** What the page knows when it decides whether to reload to become isolated. */
export interface IsolationState {
  /** The page is already cross-origin isolated (`crossOriginIsolated`). */
  isolated: boolean;
  /** A service worker already controls the page. */
  controlled: boolean;
  /** The page is a speaker-view preview frame (`?receiver`). */
  receiver: boolean;
  /** The page is laid out for printing (`?print-pdf`). */
  print: boolean;
  /** This tab already reloaded once for isolation. */
  reloaded: boolean;
  /** A demo is training, paused or done: a reload would lose its run. */
  busy: boolean;
  /** Someone has acted on the page (`INTERACTIONS`): a reload would lose what they did. */
  interacted: boolean;
}

/**
 * What the page does about isolation, as the root element's `data-isolation`:
 *
 * - "isolated": it is;
 * - "reloading": it reloads once as soon as the service worker is active
 *   (before that, an interaction still turns this into "next-load");
 * - "next-load": it is left as it is, because someone acted on it or a run is
 *   on screen; the service worker isolates the next document load;
 * - "stays": it is not isolated, and neither a reload nor the next load would
 *   change that here: a preview frame, print, a page a worker already answers
 *   without isolating it, or a tab that already reloaded once for it.
 */
export type IsolationPlan = 'isolated' | 'reloading' | 'next-load' | 'stays';

/**
 * Decides what the page does to be isolated. Only a page that nobody
 * controls yet gains from a reload: a controlled page that is not isolated is
 * served by an older worker (the update banner handles that) or by a browser
 * that ignores the headers, and reloading it again would change nothing. A
 * page someone has acted on, or that shows a run, is not reloaded under them:
 * it waits for the next navigation.
 */
export function planIsolation(state: IsolationState): IsolationPlan {
  if (state.isolated) return 'isolated';
  if (state.controlled || state.receiver || state.print || state.reloaded) return 'stays';
  if (state.interacted || state.busy) return 'next-load';
  return 'reloading';
}

/** Whether the page should reload now, so that the active service worker answers it with the isolation headers. */
export function shouldReloadForIsolation(state: IsolationState): boolean {
  return planIsolation(state) === 'reloading';
}

/**
 * The events by which a person acts on the page. Scroll events are left out:
 * the browser and reveal.js scroll by themselves (a deep link, the scroll
 * view restoring its place), and a person scrolls with the wheel, a touch or
 * a key, each counted here. A drag of the scrollbar starts with pointerdown.
 */
export const INTERACTIONS = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'] as const;

/** Where interactions arrive: the window (a stand-in in tests). */
export interface InteractionTarget {
  addEventListener(type: string, listener: (event: { isTrusted: boolean }) => void, options: AddEventListenerOptions): void;
  removeEventListener(type: string, listener: (event: { isTrusted: boolean }) => void, options: EventListenerOptions): void;
}

/** Whether someone has acted on the page yet, and a way to be told of the first time. */
export interface FirstInteraction {
  readonly happened: boolean;
  /** Calls `listener` at the first interaction (at once if there was one). */
  onFirst(listener: () => void): void;
  /** Stops listening. */
  stop(): void;
}

/**
 * Watches for the first interaction. Only events the browser dispatched for
 * a person count (`isTrusted`): none that a script of the deck dispatches. It
 * listens in the capture phase of the window, ahead of reveal.js and the
 * demos, and passively, so that it never holds up a scroll.
 */
export function watchFirstInteraction(target: InteractionTarget = window): FirstInteraction {
  let happened = false;
  const listeners: (() => void)[] = [];
  const options = { capture: true, passive: true };
  const stop = () => {
    for (const type of INTERACTIONS) target.removeEventListener(type, seen, { capture: true });
  };
  function seen(event: { isTrusted: boolean }) {
    if (!event.isTrusted || happened) return;
    happened = true;
    stop();
    for (const listener of listeners.splice(0)) listener();
  }
  for (const type of INTERACTIONS) target.addEventListener(type, seen, options);
  return {
    get happened() {
      return happened;
    },
    onFirst(listener) {
      if (happened) listener();
      else listeners.push(listener);
    },
    stop,
  };
}

/** The sessionStorage key that records the one reload, per deck on this origin. */
const reloadKey = (base: string) => `deck:isolation-reload:${base}`;

/** Demo states (README, "The live slide") in which a reload would throw away a run the audience is watching. */
const BUSY = ['training', 'paused', 'done'].map((state) => `[data-demo][data-state="${state}"]`).join(', ');

function currentState(base: string, interacted: boolean): IsolationState {
  let reloaded = true;
  try {
    reloaded = sessionStorage.getItem(reloadKey(base)) !== null;
  } catch {
    // Storage refused (a privacy setting): without the guard, never reload.
  }
  return {
    isolated: globalThis.crossOriginIsolated === true,
    controlled: navigator.serviceWorker.controller !== null,
    receiver: /receiver/i.test(location.search),
    print: /print-pdf/i.test(location.search),
    reloaded,
    busy: document.querySelector(BUSY) !== null,
    interacted,
  };
}

/**
 * Decides, and says so on the root element as `data-isolation`
 * (`IsolationPlan`). Tests wait for it instead of waiting for time.
 */
function decide(base: string, interaction: FirstInteraction): IsolationPlan {
  const plan = planIsolation(currentState(base, interaction.happened));
  document.documentElement.dataset.isolation = plan;
  return plan;
}

/**
 * Reloads the page once, when the service worker is active, if that makes it
 * isolated and nobody has acted on it; otherwise leaves isolation to the next
 * navigation.
 */
function isolateOnce(base: string, interaction: FirstInteraction): void {
  if (decide(base, interaction) !== 'reloading') {
    interaction.stop();
    return;
  }
  // Say at once that the reload is off, rather than when the worker is active.
  interaction.onFirst(() => decide(base, interaction));
  void navigator.serviceWorker.ready.then(() => {
    interaction.stop();
    // The worker may take a while to precache the deck: ask again, with what the page is doing now.
    if (decide(base, interaction) !== 'reloading') return;
    try {
      sessionStorage.setItem(reloadKey(base), String(Date.now()));
    } catch {
      return;
    }
    location.reload();
  });
}

/** Seconds of quiet after the first slide has settled before the precache may start. */
const SETTLE_MS = 3000;

/**
 * Runs `work` once the page has loaded, the browser has been idle, and a few
 * seconds more have passed: the first slide, its fonts and the room come
 * first on a crowded Wi-Fi, and the deck's precache only after them.
 */
function afterFirstSlide(work: () => void): void {
  const later = () => setTimeout(work, SETTLE_MS);
  const idle = () => ('requestIdleCallback' in window ? requestIdleCallback(later, { timeout: 4000 }) : later());
  if (document.readyState === 'complete') idle();
  else window.addEventListener('load', () => idle(), { once: true });
}

/**
 * Whether the connection asks to save data: Save-Data is on, or it is slow
 * or metered (the Network Information API, where the browser has it).
 */
export function savesData(connection = (navigator as Navigator & { connection?: NetworkInformationLike }).connection): boolean {
  if (!connection) return false;
  return connection.saveData === true || /(^|-)2g$/.test(connection.effectiveType ?? '') || connection.type === 'cellular';
}

interface NetworkInformationLike {
  saveData?: boolean;
  effectiveType?: string;
  type?: string;
}

/**
 * Asks the service worker to keep TensorFlow.js for offline use now (the
 * training worker and its wasm, 2.6 MB): when a training slide is reached,
 * unless the connection saves data, or at once when someone asks (`force`).
 */
export function keepTrainingOffline(force = false): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD || (!force && savesData())) return;
  void navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage({ type: 'CACHE_TRAINING' }));
}

/**
 * Registers the service worker (in production builds only) once the first
 * slide is on screen and the page is idle, so that its precache never
 * competes with the first paint; offers new versions, and reloads a page once
 * to make it cross-origin isolated where only the service worker can, if
 * nobody has acted on it by then. Called as the deck's script starts, so that
 * it sees the first interaction.
 */
export function registerOffline(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  const base = import.meta.env.BASE_URL;
  const interaction = watchFirstInteraction();
  afterFirstSlide(() => {
    navigator.serviceWorker
      .register(`${base}sw.js`, { scope: base })
      .then((registration) => {
        const offer = (worker: ServiceWorker | null) => {
          if (worker && navigator.serviceWorker.controller) showUpdate(worker);
        };
        offer(registration.waiting);
        registration.addEventListener('updatefound', () => {
          const installing = registration.installing;
          installing?.addEventListener('statechange', () => installing.state === 'installed' && offer(installing));
        });
        isolateOnce(base, interaction);
      })
      .catch((error: unknown) => {
        interaction.stop();
        console.warn('The deck will not work offline: its service worker did not register.', error);
      });
  });
}

function showUpdate(worker: ServiceWorker): void {
  if (document.querySelector('.update-banner')) return;
  const banner = document.createElement('div');
  banner.className = 'update-banner';
  banner.setAttribute('role', 'status');
  const text = document.createElement('span');
  text.textContent = 'A new version of this deck is available.';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Reload';
  button.addEventListener('click', () => {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    worker.postMessage({ type: 'SKIP_WAITING' });
  });
  banner.append(text, button);
  document.body.append(banner);
}
