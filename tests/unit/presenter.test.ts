// @vitest-environment happy-dom
/**
 * The presenter's tools, as logic: what travels between the projected deck
 * and the speaker view's frames, which demo keys the help overlay lists,
 * what search finds, and which address the follow-along QR code shows.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineDemo, type AnyManifest } from '../../src/contract/demo.ts';
import { demoKeys, keyDescription } from '../../src/deck/keys.ts';
import { MirrorHub, MirrorLink, NAMESPACE, THROTTLE_MS, type MessageWindow } from '../../src/deck/mirror.ts';
import { shortAddress } from '../../src/deck/join-strip.ts';
import { publicAddress, servedWithAddresses } from '../../src/deck/qr.ts';
import { findSlides, fold, slideTexts } from '../../src/deck/search.ts';
import { previewFrame } from '../../src/deck/speaker-preview.ts';

/** A window that records what is posted to it, and can deliver messages to its listeners. */
class FakeWindow implements MessageWindow {
  readonly location = { origin: 'http://localhost:4321' };
  readonly received: unknown[] = [];
  closed = false;
  readonly #listeners: ((event: MessageEvent) => void)[] = [];
  postMessage(message: unknown): void {
    if (this.closed) throw new Error('closed');
    this.received.push(structuredClone(message));
  }
  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.#listeners.push(listener);
  }
  deliver(data: unknown, source: FakeWindow, origin = this.location.origin): void {
    for (const listener of this.#listeners) listener({ data, source, origin } as unknown as MessageEvent);
  }
}

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe('the mirror hub of the projected deck', () => {
  it("sends a frame that subscribes every demo's latest state at once, then each new one", () => {
    const main = new FakeWindow();
    const frame = new FakeWindow();
    const hub = new MirrorHub(main, () => {});
    hub.publish('live-training/0', { step: 40 });
    hub.publish('sgd-one-parameter/0', { step: 2 });
    main.deliver({ namespace: NAMESPACE, type: 'subscribe' }, frame);
    expect(frame.received).toEqual([
      { namespace: NAMESPACE, type: 'state', id: 'live-training/0', state: { step: 40 } },
      { namespace: NAMESPACE, type: 'state', id: 'sgd-one-parameter/0', state: { step: 2 } },
    ]);
    // A second subscription (the frame's heartbeat) sends nothing twice.
    main.deliver({ namespace: NAMESPACE, type: 'subscribe' }, frame);
    expect(frame.received).toHaveLength(2);
  });

  it('sends at most one state per demo every THROTTLE_MS, and always the latest', () => {
    vi.useFakeTimers();
    const main = new FakeWindow();
    const frame = new FakeWindow();
    const hub = new MirrorHub(main, () => {});
    main.deliver({ namespace: NAMESPACE, type: 'subscribe' }, frame);
    for (let step = 1; step <= 5; step++) hub.publish('d/0', { step });
    expect(frame.received.map((m) => (m as { state: { step: number } }).state.step)).toEqual([1]);
    vi.advanceTimersByTime(THROTTLE_MS);
    expect(frame.received.map((m) => (m as { state: { step: number } }).state.step)).toEqual([1, 5]);
  });

  it('hands actions from a frame to the demo with that id, ignores other origins, and forgets closed frames', () => {
    const main = new FakeWindow();
    const frame = new FakeWindow();
    const onAction = vi.fn();
    const hub = new MirrorHub(main, onAction);
    main.deliver({ namespace: NAMESPACE, type: 'action', id: 'd/0', action: { type: 'toggle' } }, frame);
    main.deliver({ namespace: NAMESPACE, type: 'action', id: 'd/0', action: { type: 'evil' } }, frame, 'https://elsewhere.example');
    main.deliver('{"namespace":"reveal-notes"}', frame);
    expect(onAction.mock.calls).toEqual([['d/0', { type: 'toggle' }]]);
    main.deliver({ namespace: NAMESPACE, type: 'subscribe' }, frame);
    expect(hub.frames).toBe(1);
    frame.closed = true;
    hub.publish('d/0', { step: 1 });
    expect(hub.frames).toBe(0);
  });
});

describe('the mirror link of a speaker-view frame', () => {
  it('subscribes to the projected deck, keeps the states it sends, passes them on, and sends actions back', () => {
    const main = new FakeWindow();
    const self = new FakeWindow();
    const link = new MirrorLink(self, main, 0);
    expect(main.received).toEqual([{ namespace: NAMESPACE, type: 'subscribe' }]);
    const seen: unknown[] = [];
    link.listen('d/0', (s) => seen.push(s));
    self.deliver({ namespace: NAMESPACE, type: 'state', id: 'd/0', state: { step: 3 } }, main);
    self.deliver({ namespace: NAMESPACE, type: 'state', id: 'other/0', state: { step: 9 } }, main);
    expect(seen).toEqual([{ step: 3 }]);
    expect(link.latest('other/0')).toEqual({ step: 9 });
    link.send('d/0', { type: 'toggle' });
    expect(main.received.at(-1)).toEqual({ namespace: NAMESPACE, type: 'action', id: 'd/0', action: { type: 'toggle' } });
  });

  it('subscribes again every few seconds, so that a reloaded projected deck finds its frames', () => {
    vi.useFakeTimers();
    const main = new FakeWindow();
    new MirrorLink(new FakeWindow(), main, 2000);
    vi.advanceTimersByTime(4100);
    expect(main.received).toHaveLength(3);
  });
});

describe('demo keys in the help overlay', () => {
  const manifest = (name: string, keys: { key: string; description: string }[]) =>
    defineDemo({
      name,
      keys: keys.map((k) => ({ ...k, action: null })),
      needs: { worker: false, tfjs: false },
      load: async () => ({}) as never,
    }) as AnyManifest;
  const manifests = new Map([
    ['live', manifest('live', [{ key: 'T', description: 'Train' }])],
    ['gd1', manifest('gd1', [{ key: 'a', description: 'Play one' }])],
    ['gd2', manifest('gd2', [{ key: 'A', description: 'Play two' }])],
  ]);

  it('lists every key of the demos on the page with the slides it works on, whichever slide is shown', () => {
    document.body.innerHTML = `
      <section id="sgd-one"><figure data-demo="gd1"></figure></section>
      <section id="sgd-two"><figure data-demo="gd2"></figure></section>
      <section id="live-training"><figure data-demo="live"></figure></section>`;
    const keys = demoKeys(document, manifests);
    expect([...keys.keys()]).toEqual(['A', 'T']);
    expect(keyDescription(keys.get('A')!)).toBe('Play one (#/sgd-one)<br>Play two (#/sgd-two)');
    expect(keyDescription(keys.get('T')!)).toBe('Train (#/live-training)');
  });

  it('escapes descriptions, which reveal.js inserts as HTML', () => {
    expect(keyDescription([{ description: 'a <b> & c', slides: ['x'] }])).toBe('a &lt;b&gt; &amp; c (#/x)');
  });
});

describe('search', () => {
  const slides = [
    { id: 'tensors', title: 'Tensors', text: fold('A tensor has a rank and a shape'), notes: fold('Chollet calls it a container') },
    { id: 'mnist', title: 'MNIST', text: fold('Handwritten digits by LeCun, Cortes and Burges'), notes: '' },
    { id: 'history', title: 'History', text: fold('Error rates over time'), notes: fold('The tensor view came later, says Chollet') },
  ];

  it('finds the slides that hold every word, in deck order, and marks those where only the notes do', () => {
    expect(findSlides(slides, 'tensor')).toEqual([
      { id: 'tensors', title: 'Tensors', notesOnly: false },
      { id: 'history', title: 'History', notesOnly: true },
    ]);
    expect(findSlides(slides, 'chollet container')).toEqual([{ id: 'tensors', title: 'Tensors', notesOnly: true }]);
    expect(findSlides(slides, '  ')).toEqual([]);
  });

  it('ignores case and accents', () => {
    expect(findSlides(slides, 'CORTÈS').map((m) => m.id)).toEqual(['mnist']);
  });

  it("reads a slide's visible text apart from its notes and from KaTeX's MathML copy", () => {
    document.body.innerHTML = `<div class="slides"><section id="rule"><h2>The update rule</h2><p>Move <span class="katex-mathml">wmath</span> downhill</p><aside class="notes">Say learning rate</aside></section></div>`;
    expect(slideTexts(document)).toEqual([
      { id: 'rule', title: 'The update rule', text: 'the update rulemove  downhill', notes: 'say learning rate' },
    ]);
  });
});

describe('the follow-along address', () => {
  const at = (href: string) => new URL(href) as unknown as Location;

  it("is the page's own origin and base path when it is served to the room", async () => {
    const fetcher = vi.fn();
    expect(await publicAddress(at('http://192.168.1.20:4321/x'), '/', { server: true, fetcher })).toBe('http://192.168.1.20:4321/');
    expect(await publicAddress(at('https://example.org/intro/'), '/intro/', { server: true, fetcher })).toBe('https://example.org/intro/');
    expect(fetcher).not.toHaveBeenCalled();
  });

  it('is the network address our server reports when the lecturer opened the deck as localhost', async () => {
    const fetcher = vi.fn(async () => new Response(JSON.stringify({ network: ['http://10.0.0.7:4321/'] })));
    expect(await publicAddress(at('http://localhost:4321/'), '/', { server: true, fetcher: fetcher as unknown as typeof fetch })).toBe(
      'http://10.0.0.7:4321/',
    );
    expect(fetcher).toHaveBeenCalledWith(new URL('http://localhost:4321/__deck/address.json'));
  });

  it('stays local when no server says otherwise (a server without --host, or one that does not answer)', async () => {
    const missing = vi.fn(async () => new Response('', { status: 404 }));
    expect(await publicAddress(at('http://localhost:4321/'), '/', { server: true, fetcher: missing as unknown as typeof fetch })).toBe(
      'http://localhost:4321/',
    );
    const none = vi.fn(async () => new Response(JSON.stringify({ network: [] })));
    expect(await publicAddress(at('http://127.0.0.1:4321/'), '/', { server: true, fetcher: none as unknown as typeof fetch })).toBe(
      'http://127.0.0.1:4321/',
    );
  });

  it('asks nothing of a deck built without a relay, which no server of ours serves (astro preview, a static host)', async () => {
    const fetcher = vi.fn();
    expect(await publicAddress(at('http://localhost:4321/'), '/', { server: false, fetcher })).toBe('http://localhost:4321/');
    expect(fetcher).not.toHaveBeenCalled();
  });

  it('is asked of our server only when the page was built with a relay', () => {
    document.head.innerHTML = '';
    expect(servedWithAddresses(document)).toBe(false);
    document.head.innerHTML = '<meta name="deck-relay" content="same-origin">';
    expect(servedWithAddresses(document)).toBe(true);
    document.head.innerHTML = '';
  });
});

describe("the speaker view's preview frames", () => {
  // The queries reveal.js's notes plugin gives its two frames (notes.mjs, setupIframes).
  const params = 'receiver&progress=false&history=false&transition=none&autoSlide=0&backgroundTransition=none';

  it('tells the upcoming slide from the current one, and the deck itself from both', () => {
    expect(previewFrame(`?${params}&scrollActivationWidth=false&postMessageEvents=true`)).toBe('current');
    expect(previewFrame(`?${params}&scrollActivationWidth=false&controls=false`)).toBe('upcoming');
    expect(previewFrame(`?theme=dark&${params}&scrollActivationWidth=false&controls=false`)).toBe('upcoming');
    expect(previewFrame('')).toBeUndefined();
    expect(previewFrame('?theme=dark')).toBeUndefined();
  });
});

describe('the join strip', () => {
  it('shows the address a person types: no scheme, no trailing slash, the base path kept', () => {
    expect(shortAddress('http://192.168.1.20:4321/')).toBe('192.168.1.20:4321');
    expect(shortAddress('https://example.org/intro-to-deep-learning/')).toBe('example.org/intro-to-deep-learning');
  });
});
