/**
 * Cross-origin isolation, as logic: the `_headers` file the build writes for
 * static hosts, the headers the service worker adds to what it answers, and
 * when a page reloads once to be answered by the service worker.
 */
import { describe, expect, it } from 'vitest';
import { savesData, shouldReloadForIsolation, type IsolationState } from '../../src/deck/offline.ts';
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
  const firstVisit: IsolationState = { isolated: false, controlled: false, receiver: false, print: false, reloaded: false, busy: false };

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

  it('reloads in exactly one of the 64 combinations', () => {
    const keys = Object.keys(firstVisit) as (keyof IsolationState)[];
    const reloading = [];
    for (let bits = 0; bits < 2 ** keys.length; bits++) {
      const state = Object.fromEntries(keys.map((key, i) => [key, Boolean(bits & (1 << i))])) as unknown as IsolationState;
      if (shouldReloadForIsolation(state)) reloading.push(state);
    }
    expect(reloading).toEqual([firstVisit]);
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
