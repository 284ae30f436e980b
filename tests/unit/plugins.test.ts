// @vitest-environment happy-dom
/**
 * The lazily loaded search (src/deck/plugins.ts): Ctrl+Shift+F belongs to the
 * deck's own listener, so that a press while search is still loading is not
 * lost. It was: the listener stood down once the idle preload had started,
 * and search bound its own only once loaded, so a lecturer on a slow laptop
 * (and presenter.spec on a 2-core machine) pressed into the gap. The imports
 * here resolve when the test says, as a slow network or disk would.
 */
import { describe, expect, it, vi } from 'vitest';
import type { RevealApi } from 'reveal.js';
import { lazyPlugins, type PluginImports } from '../../src/deck/plugins.ts';

/** A promise the test resolves. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((ok) => (resolve = ok));
  return { promise, resolve };
}

function setUp(idle: boolean) {
  const toggle = vi.fn();
  const search = deferred<() => { id: string; init(): void; toggle(): void }>();
  const imports: PluginImports = {
    notes: () => new Promise(() => {}),
    search: vi.fn(() => search.promise),
  };
  const deck = { addKeyBinding: vi.fn(), registerKeyboardShortcut: vi.fn(), registerPlugin: vi.fn() } as unknown as RevealApi;
  lazyPlugins(deck, { idle }, imports);
  const press = () => {
    const event = new KeyboardEvent('keydown', { key: 'F', shiftKey: true, ctrlKey: true, cancelable: true, bubbles: true });
    document.dispatchEvent(event);
    return event.defaultPrevented;
  };
  const load = async () => {
    search.resolve(() => ({ id: 'search', init() {}, toggle }));
    await search.promise;
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { toggle, imports, deck, press, load };
}

describe('the search key', () => {
  it('opens search when pressed while the idle preload is still loading it', async () => {
    const { toggle, imports, press, load } = setUp(true);
    // The preload starts when the first slide is idle (requestIdleCallback, or a second later).
    await vi.waitFor(() => expect(imports.search).toHaveBeenCalledTimes(1), { timeout: 5000 });
    expect(press()).toBe(true);
    expect(toggle).not.toHaveBeenCalled();
    await load();
    expect(toggle).toHaveBeenCalledTimes(1);
    expect(imports.search).toHaveBeenCalledTimes(1);
  });

  it('loads search on the first press, registers it once, and toggles it on every press after', async () => {
    const { toggle, imports, deck, press, load } = setUp(false);
    press();
    press();
    await load();
    expect(imports.search).toHaveBeenCalledTimes(1);
    expect(deck.registerPlugin).toHaveBeenCalledTimes(1);
    expect(toggle).toHaveBeenCalledTimes(2);
    press();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(toggle).toHaveBeenCalledTimes(3);
  });

  it('leaves other keys to the deck', () => {
    const { imports } = setUp(false);
    const event = new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, cancelable: true, bubbles: true });
    document.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    expect(imports.search).not.toHaveBeenCalled();
  });
});
