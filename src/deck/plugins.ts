/**
 * The reveal.js plugins a phone does not use, loaded when first asked for:
 * the speaker view (S; reveal's notes plugin, the largest part of the deck's
 * script) and search (Ctrl+Shift+F). On a laptop they load once the first
 * slide is idle anyway, so that a speaker view left open from before a
 * reload finds the deck again (it calls with a heartbeat that the notes
 * plugin answers). Until then, the keys load them and then do their job.
 *
 * Ctrl+Shift+F belongs to this module for good: a press while search is
 * still loading (the idle preload under way, on a slow laptop) toggles it
 * once it has loaded, rather than falling between this listener and one
 * the plugin would bind only once loaded.
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
  toggle(): void;
}

/** Where the plugins come from: the real modules, or, in tests, imports that resolve when the test says. */
export interface PluginImports {
  notes(): Promise<() => NotesPlugin>;
  search(): Promise<() => SearchPlugin>;
}

const IMPORTS: PluginImports = {
  notes: () => import('reveal.js/plugin/notes').then(({ default: factory }) => factory as unknown as () => NotesPlugin),
  search: () => import('./search.ts').then(({ Search }) => Search as unknown as () => SearchPlugin),
};

/** Whether a key press is the search key, Ctrl+Shift+F (Cmd on a Mac). */
export const isSearchKey = (event: KeyboardEvent) => event.key.toLowerCase() === 'f' && event.shiftKey && (event.ctrlKey || event.metaKey);

export function lazyPlugins(deck: RevealApi, options: { idle: boolean }, imports: PluginImports = IMPORTS): void {
  let notes: Promise<NotesPlugin> | undefined;
  let search: Promise<SearchPlugin> | undefined;
  const loadNotes = () =>
    (notes ??= imports.notes().then((factory) => {
      const plugin = factory();
      deck.registerPlugin(plugin as never);
      return plugin;
    }));
  const loadSearch = () =>
    (search ??= imports.search().then((factory) => {
      const plugin = factory();
      deck.registerPlugin(plugin as never);
      return plugin;
    }));
  // Until the plugins are in, these keys bring them (the plugins then bind their own).
  deck.addKeyBinding({ keyCode: 83, key: 'S', description: 'Speaker notes view' }, () => void loadNotes().then((p) => p.open()));
  deck.registerKeyboardShortcut('Ctrl + Shift + F', 'Search the slides and their notes');
  document.addEventListener('keydown', (event) => {
    if (!isSearchKey(event)) return;
    event.preventDefault();
    void loadSearch().then((p) => p.toggle());
  });
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
