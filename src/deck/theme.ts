/**
 * The light and the dark theme. The lecturer picks with a key (D) or a link
 * (`?theme=dark`); the choice is kept in localStorage, so that the speaker
 * view's preview frames, which are other windows of the same site, follow it
 * at once through the `storage` event, and a reload keeps it. A link's
 * `?theme=` wins over what was kept.
 */
export type Theme = 'light' | 'dark';

const KEY = 'deck-theme';

/** The theme a page starts with: the link's, else the kept one, else light (a projector's default). */
export function initialTheme(asked: Theme | undefined, stored: string | null): Theme {
  return asked ?? (stored === 'dark' ? 'dark' : 'light');
}

function read(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Shows a theme, and keeps it for the other windows when `keep` is set. */
export function applyTheme(theme: Theme, keep = false): void {
  document.documentElement.dataset.theme = theme;
  if (!keep) return;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Private browsing: the theme still applies to this window.
  }
}

/** Applies the starting theme and follows changes made in other windows; returns the toggle for the D key. */
export function setUpTheme(asked: Theme | undefined): () => void {
  applyTheme(initialTheme(asked, read()));
  addEventListener('storage', (event) => {
    if (event.key === KEY && (event.newValue === 'dark' || event.newValue === 'light')) applyTheme(event.newValue);
  });
  return () => applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark', true);
}
