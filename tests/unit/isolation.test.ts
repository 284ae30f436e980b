/**
 * Cross-origin isolation, as logic: the `_headers` file the build writes for
 * static hosts, the headers the service worker adds to what it answers, and
 * when a page reloads once to be answered by the service worker: only before
 * anyone has acted on it; after that, isolation waits for the next load.
 */
import { describe, expect, it } from 'vitest';
import {
  INTERACTIONS,
  planIsolation,
  savesData,
  shouldReloadForIsolation,
  watchFirstInteraction,
  type InteractionTarget,
  type IsolationState,
} from '../../src/deck/offline.ts';
import { headersFile, ISOLATION_HEADERS, normalizeBase, withIsolation } from '../../src/sw/isolation.ts';

describe('the _headers file for static hosts', () => {
  it('sends the three isolation headers on every path of a site served from the root', () => {
    expect(headersFile('/')).toBe(
      [
        '# Cross-origin isolation, so that the live slide can train on several WebAssembly threads.',
        '# Written by the build (src/integrations/offline.ts); edit src/sw/isolation.ts instead.',
        '/*',
        '  Cross-Origin-Opener-Policy: same-origin',
        '  Cross-Origin-Embedder-Policy: require-corp',
        '  Cross-Origin-Resource-Policy: same-origin',
        '',
      ].join('\n'),
    );
  });

  it('covers only the base path when the deck is published in a folder, however the base is written', () => {
    for (const base of ['/intro-to-deep-learning/', '/intro-to-deep-learning', 'intro-to-deep-learning/']) {
      const rules = headersFile(base)
        .split('\n')
        .filter((line) => line.startsWith('/'));
      expect(rules, base).toEqual(['/intro-to-deep-learning/*']);
    }
  });

  it('normalizes a base path to one leading and one trailing slash', () => {
    expect(['', '/', '//', 'a', '/a', 'a/b/', '/a/b//'].map(normalizeBase)).toEqual(['/', '/', '/', '/a/', '/a/', '/a/b/', '/a/b/']);
  });
});

describe('the headers the service worker answers with', () => {
  it('adds COOP, COEP and CORP to a precached response and keeps its status, headers and body', async () => {
    const cached = new Response('<!doctype html>', {
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'text/html', etag: 'W/"1"' },
    });
    const answered = withIsolation(cached);
    expect(answered.status).toBe(200);
    expect(answered.statusText).toBe('OK');
    expect(answered.headers.get('content-type')).toBe('text/html');
    expect(answered.headers.get('etag')).toBe('W/"1"');
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) expect(answered.headers.get(name), name).toBe(value);
    expect(await answered.text()).toBe('<!doctype html>');
  });

  it('replaces a weaker policy that the host sent', () => {
    const answered = withIsolation(new Response('x', { headers: { 'cross-origin-embedder-policy': 'unsafe-none' } }));
    expect(answered.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });

  it('rebuilds a response that may carry no body without throwing', () => {
    expect(withIsolation(new Response(null, { status: 304 })).status).toBe(304);
  });

  it('leaves a network error as it is, since it cannot be rebuilt', () => {
    const error = Response.error();
    expect(withIsolation(error)).toBe(error);
  });
});

describe('reloading once to be isolated by the service worker', () => {
  /** A first visit to a host that sends no isolation headers: the one case that reloads. */
  const firstVisit: IsolationState = {
    isolated: false,
    controlled: false,
    receiver: false,
    print: false,
    reloaded: false,
    busy: false,
    interacted: false,
  };

  it('reloads a page that is neither isolated nor controlled, on its first load in this tab', () => {
    expect(shouldReloadForIsolation(firstVisit)).toBe(true);
  });

  it('never reloads a page that is already isolated, whatever else holds', () => {
    expect(shouldReloadForIsolation({ ...firstVisit, isolated: true })).toBe(false);
    expect(shouldReloadForIsolation({ ...firstVisit, isolated: true, controlled: true })).toBe(false);
  });

  it('does not reload a page that a service worker controls: a reload would not change who answers it', () => {
    expect(shouldReloadForIsolation({ ...firstVisit, controlled: true })).toBe(false);
  });

  it('reloads at most once per tab, so a hard reload or a browser that ignores the headers never loops', () => {
    expect(shouldReloadForIsolation({ ...firstVisit, reloaded: true })).toBe(false);
  });

  it('never reloads a speaker-view preview frame or a print view', () => {
    expect(shouldReloadForIsolation({ ...firstVisit, receiver: true })).toBe(false);
    expect(shouldReloadForIsolation({ ...firstVisit, print: true })).toBe(false);
  });

  it('does not reload while a demo is training, paused or done, which would lose its run', () => {
    expect(shouldReloadForIsolation({ ...firstVisit, busy: true })).toBe(false);
  });

  it('does not reload a page someone has clicked, pressed a key on, touched, scrolled with the wheel or typed into', () => {
    expect(shouldReloadForIsolation({ ...firstVisit, interacted: true })).toBe(false);
    expect(planIsolation({ ...firstVisit, interacted: true })).toBe('next-load');
  });

  it('leaves a page someone acted on, or that shows a run, to be isolated by the next load', () => {
    expect(planIsolation({ ...firstVisit, busy: true })).toBe('next-load');
    expect(planIsolation({ ...firstVisit, busy: true, interacted: true })).toBe('next-load');
  });

  it('says a page stays as it is where neither a reload nor the next load would isolate it', () => {
    for (const key of ['controlled', 'receiver', 'print', 'reloaded'] as const) {
      expect(planIsolation({ ...firstVisit, [key]: true }), key).toBe('stays');
      expect(planIsolation({ ...firstVisit, [key]: true, interacted: true }), key).toBe('stays');
    }
  });

  it('says an isolated page is isolated, whatever else holds', () => {
    expect(planIsolation({ ...firstVisit, isolated: true, interacted: true, controlled: true })).toBe('isolated');
  });

  it('reloads in exactly one of the 128 combinations', () => {
    const keys = Object.keys(firstVisit) as (keyof IsolationState)[];
    const reloading = [];
    for (let bits = 0; bits < 2 ** keys.length; bits++) {
      const state = Object.fromEntries(keys.map((key, i) => [key, Boolean(bits & (1 << i))])) as unknown as IsolationState;
      if (shouldReloadForIsolation(state)) reloading.push(state);
    }
    expect(reloading).toEqual([firstVisit]);
  });
});

/** A window that hands its listeners events, trusted or not, as a browser would (Node's own events are never trusted). */
function fakeWindow() {
  const listeners = new Map<string, Set<(event: { isTrusted: boolean }) => void>>();
  const target: InteractionTarget = {
    addEventListener: (type, listener, options) => {
      expect(options).toMatchObject({ capture: true, passive: true });
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(listener);
    },
    removeEventListener: (type, listener, options) => {
      expect(options).toMatchObject({ capture: true });
      listeners.get(type)?.delete(listener);
    },
  };
  const fire = (type: string, isTrusted = true) => {
    for (const listener of [...(listeners.get(type) ?? [])]) listener({ isTrusted });
  };
  const listening = () => [...listeners].filter(([, set]) => set.size > 0).map(([type]) => type);
  return { target, fire, listening };
}

describe('the first interaction', () => {
  it('listens for pointer, key, touch, wheel and input events, not for scroll events, which the deck causes itself', () => {
    const { target, listening } = fakeWindow();
    watchFirstInteraction(target);
    expect(listening().sort()).toEqual([...INTERACTIONS].sort());
    expect(listening()).not.toContain('scroll');
  });

  for (const type of INTERACTIONS) {
    it(`is a ${type} event that the browser dispatched for a person`, () => {
      const { target, fire } = fakeWindow();
      const interaction = watchFirstInteraction(target);
      expect(interaction.happened).toBe(false);
      fire(type);
      expect(interaction.happened).toBe(true);
    });
  }

  it("is never an event that a script dispatched (the deck's own, or a test's)", () => {
    const { target, fire } = fakeWindow();
    const interaction = watchFirstInteraction(target);
    for (const type of INTERACTIONS) fire(type, false);
    expect(interaction.happened).toBe(false);
  });

  it('tells its listeners once, at once if it already happened, and then stops listening', () => {
    const { target, fire, listening } = fakeWindow();
    const interaction = watchFirstInteraction(target);
    const told: string[] = [];
    interaction.onFirst(() => told.push('before'));
    fire('pointerdown');
    fire('keydown');
    interaction.onFirst(() => told.push('after'));
    expect(told).toEqual(['before', 'after']);
    expect(listening()).toEqual([]);
  });

  it('stops listening when asked, and then never happens', () => {
    const { target, fire, listening } = fakeWindow();
    const interaction = watchFirstInteraction(target);
    interaction.stop();
    expect(listening()).toEqual([]);
    fire('pointerdown');
    expect(interaction.happened).toBe(false);
  });
});

describe('a connection that saves data', () => {
  it('is one with Save-Data on, a slow one, or a cellular one; a browser that says nothing is not', () => {
    expect(savesData(undefined)).toBe(false);
    expect(savesData({})).toBe(false);
    expect(savesData({ saveData: true })).toBe(true);
    expect(savesData({ effectiveType: '2g' })).toBe(true);
    expect(savesData({ effectiveType: 'slow-2g' })).toBe(true);
    expect(savesData({ effectiveType: '4g' })).toBe(false);
    expect(savesData({ type: 'cellular', effectiveType: '4g' })).toBe(true);
    expect(savesData({ type: 'wifi', effectiveType: '4g', saveData: false })).toBe(false);
  });
});
