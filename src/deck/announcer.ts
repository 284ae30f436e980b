/**
 * What a screen reader hears on a following phone when the lecture moves: the
 * new slide's title, once, in a polite live region of its own. reveal.js
 * reads a whole slide into its own live region at every change, which suits
 * a reader who moves themselves; a phone that follows the presenter hears
 * only where the lecture went (reveal.js #932 asks for the move to be said,
 * #854 reports its region read three times). Focus moves with the lecture
 * only if the reader was on the slide the lecture left: a reader elsewhere
 * in the page keeps their place.
 */

/** A slide's title, as it is announced: its first heading, or its id. */
export function slideTitle(section: Element): string {
  const heading = section.querySelector('h1, h2, h3');
  const text = (heading?.textContent ?? '').replace(/\s+/g, ' ').trim();
  return text || section.id.replace(/-/g, ' ');
}

export interface Announcer {
  /** The lecture moved to `section`: say its title, unless it was the last said. */
  moved(section: HTMLElement): void;
  /** Whether reveal.js's own region speaks (a reader browsing on their own) or keeps quiet (following). */
  following(on: boolean): void;
  remove(): void;
}

export function createAnnouncer(doc: Document = document): Announcer {
  const region = doc.createElement('div');
  region.className = 'sr-only room-announcer';
  region.dataset.roomAnnouncer = '';
  region.setAttribute('role', 'status');
  region.setAttribute('aria-live', 'polite');
  region.setAttribute('aria-atomic', 'true');
  doc.body.append(region);
  let current: HTMLElement | undefined;
  return {
    moved(section) {
      if (section === current) return;
      const previous = current;
      current = section;
      region.textContent = `Now on: ${slideTitle(section)}`;
      // The reader was on the slide the lecture left: they go with it, to its heading.
      const active = doc.activeElement;
      if (previous && active && active !== doc.body && previous.contains(active)) {
        const heading = section.querySelector<HTMLElement>('h1, h2, h3') ?? section;
        if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: true });
      }
    },
    following(on) {
      doc.querySelector('.reveal .aria-status')?.setAttribute('aria-live', on ? 'off' : 'polite');
    },
    remove() {
      region.remove();
      doc.querySelector('.reveal .aria-status')?.setAttribute('aria-live', 'polite');
    },
  };
}
