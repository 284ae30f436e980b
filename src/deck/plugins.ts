/**
 * The reveal.js plugins a phone does not use, loaded when first asked for:
 * the speaker view (S; reveal's notes plugin, the largest part of the deck's
 * script) and search (Ctrl+Shift+F). On a laptop they load once the first
 * slide is idle anyway, so that a speaker view left open from before a
 * reload finds the deck again (it calls with a heartbeat that the notes
 * plugin answers). Until then, the keys load them and then do their job.
 */
import type { RevealApi } from 'reveal.js';

interface NotesPlugin {
  id: string;
  init(deck: RevealApi): void;
  open(): void;
}

interface SearchPlugin {
  id: string;
  init(deck: RevealApi): void;
  open(): void;
}

export function lazyPlugins(deck: RevealApi, options: { idle: boolean }): void {
  let notes: Promise<NotesPlugin> | undefined;
  let search: Promise<SearchPlugin> | undefined;
  const loadNotes = () =>
    (notes ??= import('reveal.js/plugin/notes').then(({ default: factory }) => {
      const plugin = (factory as unknown as () => NotesPlugin)();
      deck.registerPlugin(plugin as never);
      return plugin;
    }));
  const loadSearch = () =>
    (search ??= import('./search.ts').then(({ Search }) => {
      const plugin = Search() as unknown as SearchPlugin;
      deck.registerPlugin(plugin as never);
      return plugin;
    }));
  // Until the plugins are in, these keys bring them (the plugins then bind their own).
  deck.addKeyBinding({ keyCode: 83, key: 'S', description: 'Speaker notes view' }, () => void loadNotes().then((p) => p.open()));
  deck.registerKeyboardShortcut('Ctrl + Shift + F', 'Search the slides and their notes');
  const onSearchKey = (event: KeyboardEvent) => {
    if (event.key.toLowerCase() !== 'f' || !event.shiftKey || !(event.ctrlKey || event.metaKey) || search) return;
    event.preventDefault();
    document.removeEventListener('keydown', onSearchKey);
    void loadSearch().then((p) => p.open());
  };
  document.addEventListener('keydown', onSearchKey);
  // A speaker view opened before this window reloaded looks for it.
  const onMessage = (event: MessageEvent) => {
    if (typeof event.data === 'string' && event.data.includes('"reveal-notes"') && !notes) void loadNotes();
  };
  window.addEventListener('message', onMessage);
  if (options.idle) {
    const later = () => {
      void loadNotes();
      void loadSearch();
    };
    if ('requestIdleCallback' in window) requestIdleCallback(later, { timeout: 3000 });
    else setTimeout(later, 1000);
  }
}
