/**
 * The guard that keeps an early load event from reveal.js's layout
 * (src/deck/early-load.ts): WebKit fired load between reveal.js's
 * initialize() and start(), and reveal.js's layout then threw.
 */
import { describe, expect, it } from 'vitest';
import { holdEarlyLoad, type EarlyLoadDeck, type LoadTarget } from '../../src/deck/early-load.ts';

/** A page still loading, a deck that has rendered or not, and reveal.js's own load listener added after the guard. */
function setting(rendered: boolean) {
  const window = new EventTarget() as EventTarget & LoadTarget;
  Object.assign(window, { document: { readyState: 'interactive' } });
  const seen: string[] = [];
  const ready: (() => void)[] = [];
  const deck: EarlyLoadDeck = {
    getBackgroundsElement: () => (rendered ? ({} as HTMLDivElement) : undefined),
    on: ((type: string, listener: () => void) => {
      if (type === 'ready') ready.push(listener);
    }) as EarlyLoadDeck['on'],
    layout: () => seen.push('layout when ready'),
  };
  holdEarlyLoad(deck, window);
  window.addEventListener('load', () => seen.push("reveal.js's load layout"));
  return { window, seen, ready };
}

describe('a load event before reveal.js has rendered', () => {
  it("is kept from reveal.js's layout, which then runs once reveal.js is ready", () => {
    const { window, seen, ready } = setting(false);
    window.dispatchEvent(new Event('load'));
    expect(seen).toEqual([]);
    for (const listener of ready) listener();
    expect(seen).toEqual(['layout when ready']);
  });

  it('passes untouched once reveal.js has rendered, the usual case', () => {
    const { window, seen, ready } = setting(true);
    window.dispatchEvent(new Event('load'));
    expect(seen).toEqual(["reveal.js's load layout"]);
    expect(ready).toEqual([]);
  });
});
