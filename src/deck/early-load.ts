/**
 * reveal.js adds `window.addEventListener('load', layout)` in initialize()
 * (node_modules/reveal.js/js/reveal.js, line 161), but renders its
 * backgrounds only in start(), once its plugins have loaded. A load event
 * between the two makes layout() reach checkResponsiveScrollView() and, at
 * phone width, backgrounds.create(), which writes into a backgrounds element
 * that does not exist yet: WebKit throws "undefined is not an object
 * (evaluating 'this.element.innerHTML = ""')" there (measured in WebKitGTK
 * 2.50 with a plugin that starts asynchronously), and attendees saw it on
 * phones.
 *
 * `holdEarlyLoad`, called just before `deck.initialize()` (after every other
 * load listener of the deck's), keeps such an early load event from
 * reveal.js's listener and lays out once reveal.js is ready instead. A load
 * event after start() (the usual case) passes untouched.
 */
import type { RevealApi } from 'reveal.js';

/** What the guard needs of reveal.js. */
export type EarlyLoadDeck = Pick<RevealApi, 'getBackgroundsElement' | 'on' | 'layout'>;

/** Where the load event comes: the window (a stand-in in tests). */
export interface LoadTarget {
  document: { readyState: DocumentReadyState };
  addEventListener(type: 'load', listener: (event: Event) => void, options: { once: true }): void;
}

export function holdEarlyLoad(deck: EarlyLoadDeck, target: LoadTarget = window): void {
  if (target.document.readyState === 'complete') return;
  target.addEventListener(
    'load',
    (event) => {
      if (deck.getBackgroundsElement()) return;
      event.stopImmediatePropagation();
      deck.on('ready', () => deck.layout());
    },
    { once: true },
  );
}
