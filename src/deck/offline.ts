/**
 * Registers the service worker that makes the deck work offline after one
 * visit, and offers a new version when one has been published. The new
 * version takes over only when the reader chooses to reload, so the page
 * never mixes two builds.
 *
 * The service worker also answers with the cross-origin isolation headers
 * (src/sw/sw.ts), which lets TensorFlow.js use WebAssembly threads on a host
 * that sends none. A page loaded before the worker was installed is not
 * isolated, so it reloads once, as soon as the worker is active; a session
 * flag makes sure that it never reloads twice.
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
}

/**
 * Decides whether the page should reload once, so that the active service
 * worker answers it with the isolation headers. Only a page that nobody
 * controls yet gains from it: a controlled page that is not isolated is
 * served by an older worker (the update banner handles that) or by a browser
 * that ignores the headers, and reloading it again would change nothing.
 */
export function shouldReloadForIsolation(state: IsolationState): boolean {
  return !state.isolated && !state.controlled && !state.receiver && !state.print && !state.reloaded && !state.busy;
}

/** The sessionStorage key that records the one reload, per deck on this origin. */
const reloadKey = (base: string) => `deck:isolation-reload:${base}`;

/** Demo states (README, "The live slide") in which a reload would throw away a run the audience is watching. */
const BUSY = ['training', 'paused', 'done'].map((state) => `[data-demo][data-state="${state}"]`).join(', ');

function currentState(base: string): IsolationState {
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
  };
}

/**
 * Whether the page reloads for isolation, on the root element as
 * `data-isolation`: "isolated", "reloading", or "stays" (not isolated, and it
 * will not reload: a preview frame, print, a run on screen, or a reload
 * already done in this tab). Tests wait for it instead of waiting for time.
 */
function decide(base: string): boolean {
  const state = currentState(base);
  const reload = shouldReloadForIsolation(state);
  document.documentElement.dataset.isolation = state.isolated ? 'isolated' : reload ? 'reloading' : 'stays';
  return reload;
}

/** Reloads the page once, when the service worker is active, if that makes it isolated. */
function isolateOnce(base: string): void {
  if (!decide(base)) return;
  void navigator.serviceWorker.ready.then(() => {
    // The worker may take a while to precache the deck: ask again, with what the page is doing now.
    if (!decide(base)) return;
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
 * to make it cross-origin isolated where only the service worker can.
 */
export function registerOffline(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  const base = import.meta.env.BASE_URL;
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
        isolateOnce(base);
      })
      .catch((error: unknown) => console.warn('The deck will not work offline: its service worker did not register.', error));
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
