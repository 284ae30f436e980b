import { describe, expect, it, vi } from 'vitest';
import type { Demo, DemoContext } from '../../src/deck/demo.ts';
import { DemoLifecycle } from '../../src/deck/lifecycle.ts';

/**
 * Just enough of an element for the lifecycle: a tree with data-… attributes
 * and classes, queried by the three selectors the lifecycle uses.
 */
class FakeClassList extends Set<string> {
  contains(name: string) {
    return this.has(name);
  }
}

class FakeElement {
  dataset: Record<string, string> = {};
  classList = new FakeClassList();
  children: FakeElement[] = [];
  parent: FakeElement | null = null;
  readonly tag: string;
  constructor(tag: string) {
    this.tag = tag;
  }
  append(...nodes: FakeElement[]) {
    for (const node of nodes) {
      node.parent = this;
      this.children.push(node);
    }
    return this;
  }
  #all(): FakeElement[] {
    return this.children.flatMap((child) => [child, ...child.#all()]);
  }
  #matches(selector: string) {
    if (selector === '[data-demo]') return 'demo' in this.dataset;
    if (selector.startsWith('.')) return this.classList.has(selector.slice(1));
    return this.tag === selector;
  }
  querySelectorAll(selector: string) {
    return this.#all().filter((e) => e.#matches(selector));
  }
  querySelector(selector: string) {
    return this.querySelectorAll(selector)[0] ?? null;
  }
  closest(selector: string): FakeElement | null {
    return this.#matches(selector) ? this : (this.parent?.closest(selector) ?? null);
  }
  contains(other: FakeElement | null): boolean {
    return other === this || this.#all().includes(other!);
  }
  replaceChildren() {
    this.children = [];
  }
}

function slideWithDemo(name: string, steps = 0) {
  const section = new FakeElement('section');
  const figure = new FakeElement('figure');
  figure.dataset = { demo: name, demoState: 'pending', preset: 'good' };
  const stage = new FakeElement('div');
  stage.classList.add('demo-stage');
  figure.append(stage);
  for (let i = 0; i < steps; i++) {
    const step = new FakeElement('span');
    step.classList.add('fragment').add('demo-step');
    figure.append(step);
  }
  section.append(figure);
  return { section, figure, stage };
}

function recordingDemo() {
  const calls: string[] = [];
  let context: DemoContext | undefined;
  const mount = vi.fn(async (ctx: DemoContext): Promise<Demo> => {
    context = ctx;
    calls.push('mount');
    return {
      show: () => calls.push('show'),
      hide: () => calls.push('hide'),
      step: (n) => calls.push(`step ${n}`),
      dispose: () => calls.push('dispose'),
    };
  });
  return { calls, mount, context: () => context! };
}

const asElement = (e: FakeElement) => e as unknown as HTMLElement;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('DemoLifecycle', () => {
  it('loads and mounts a demo only when its slide is first shown, then shows it', async () => {
    const demo = recordingDemo();
    const load = vi.fn(async () => ({ mount: demo.mount }));
    const lifecycle = new DemoLifecycle({ load });
    const other = new FakeElement('section');
    const { section, figure } = slideWithDemo('curve');

    lifecycle.showSlide(asElement(other));
    await settle();
    expect(load).not.toHaveBeenCalled();

    lifecycle.showSlide(asElement(section));
    await settle();
    expect(load).toHaveBeenCalledWith('curve');
    expect(demo.calls).toEqual(['mount', 'show', 'step 0']);
    expect(figure.dataset.demoState).toBe('ready');
    expect(demo.context().params).toEqual({ preset: 'good' });
  });

  it('hides the demo when its slide leaves and shows it again without mounting twice', async () => {
    const demo = recordingDemo();
    const lifecycle = new DemoLifecycle({ load: async () => ({ mount: demo.mount }) });
    const other = new FakeElement('section');
    const { section } = slideWithDemo('curve');

    lifecycle.showSlide(asElement(section));
    await settle();
    lifecycle.showSlide(asElement(other));
    lifecycle.showSlide(asElement(section));
    await settle();
    expect(demo.mount).toHaveBeenCalledTimes(1);
    expect(demo.calls).toEqual(['mount', 'show', 'step 0', 'hide', 'show']);
  });

  it('does not show a demo whose slide was left while its code was loading', async () => {
    const demo = recordingDemo();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const lifecycle = new DemoLifecycle({ load: async () => (await gate, { mount: demo.mount }) });
    const { section } = slideWithDemo('curve');
    lifecycle.showSlide(asElement(section));
    lifecycle.showSlide(asElement(new FakeElement('section')));
    release();
    await settle();
    expect(demo.calls).toEqual(['mount']);
  });

  it('tells the demo how many of its step fragments are shown', async () => {
    const demo = recordingDemo();
    const lifecycle = new DemoLifecycle({ load: async () => ({ mount: demo.mount }) });
    const { section, figure } = slideWithDemo('curve', 3);
    lifecycle.showSlide(asElement(section));
    await settle();
    expect(demo.context().steps).toBe(3);
    const steps = figure.querySelectorAll('.demo-step');
    steps[0]!.classList.add('visible');
    steps[1]!.classList.add('visible');
    lifecycle.showSlide(asElement(section));
    expect(demo.calls.at(-1)).toBe('step 2');
  });

  it('disposes mounted demos once and aborts their signal', async () => {
    const demo = recordingDemo();
    const lifecycle = new DemoLifecycle({ load: async () => ({ mount: demo.mount }) });
    const { section, figure } = slideWithDemo('curve');
    lifecycle.showSlide(asElement(section));
    await settle();
    lifecycle.dispose();
    expect(demo.calls.slice(-2)).toEqual(['hide', 'dispose']);
    expect(demo.context().signal.aborted).toBe(true);
    expect(figure.dataset.demoState).toBe('disposed');
  });

  it('marks a demo whose module is not registered as failed and reports the error', async () => {
    const onError = vi.fn();
    const lifecycle = new DemoLifecycle({ load: () => undefined, onError });
    const { section, figure } = slideWithDemo('missing');
    const createElement = vi.fn(() => ({ className: '', setAttribute() {}, append() {}, addEventListener() {}, textContent: '', type: '' }));
    vi.stubGlobal('document', { createElement });
    try {
      lifecycle.showSlide(asElement(section));
      await settle();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(figure.dataset.demoState).toBe('error');
    expect(onError).toHaveBeenCalledWith('missing', expect.objectContaining({ message: 'no demo is registered as "missing"' }));
  });
});
