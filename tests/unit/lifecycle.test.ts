// @vitest-environment happy-dom
/**
 * The demo lifecycle, with the example demo (src/demos/example) and demos
 * made up for the occasion, in a DOM (happy-dom): when a demo is mounted,
 * shown, stepped, printed and disposed; which keys are bound when; and what
 * travels between the projected deck and a mirror.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineDemo, type AnyManifest, type Controller, type DemoModule } from '../../src/contract/demo.ts';
import { DemoLifecycle, demoId, type Mirroring } from '../../src/deck/lifecycle.ts';
import example from '../../src/demos/example/manifest.ts';

/** A slide with one demo figure, as the build writes it. */
function slide(id: string, name: string, options: { steps?: number; params?: Record<string, unknown> } = {}) {
  const section = document.createElement('section');
  section.id = id;
  const figure = document.createElement('figure');
  figure.dataset.demo = name;
  figure.dataset.demoState = 'pending';
  if (options.params) figure.dataset.params = JSON.stringify(options.params);
  const stage = document.createElement('div');
  stage.className = 'demo-stage';
  figure.append(stage);
  for (let i = 0; i < (options.steps ?? 0); i++) {
    const step = document.createElement('span');
    step.className = 'fragment demo-step';
    figure.append(step);
  }
  section.append(figure);
  document.body.append(section);
  return { section, figure, steps: [...figure.querySelectorAll<HTMLElement>('.demo-step')] };
}

/** A demo that records what the lifecycle asks of its controller. */
function recording(name = 'recorder', extra: Partial<Controller<unknown>> = {}) {
  const calls: string[] = [];
  const mounts = { views: 0, controllers: 0 };
  const module: DemoModule<unknown, { n: number }, unknown> = {
    initial: () => ({ n: 0 }),
    view: () => {
      mounts.views += 1;
      return { render: (s) => calls.push(`render ${s.n}`) };
    },
    controller: (context) => {
      mounts.controllers += 1;
      context.render({ n: 1 });
      return {
        show: () => calls.push('show'),
        hide: () => calls.push('hide'),
        step: (n) => calls.push(`step ${n}`),
        act: (a) => calls.push(`act ${JSON.stringify(a)}`),
        dispose: () => calls.push('dispose'),
        ...extra,
      };
    },
  };
  const manifest = defineDemo({
    name,
    keys: [{ key: 'x', description: 'Do x', action: { type: 'x' } }],
    needs: { worker: false, tfjs: false },
    load: vi.fn(async () => module),
  }) as AnyManifest;
  return { calls, mounts, manifest };
}

const manifests = (...list: AnyManifest[]) => new Map(list.map((m) => [m.name, m]));
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
/** Waits until a figure's demo is mounted (its code may take a moment to load). */
const ready = (figure: HTMLElement, state = 'ready') => vi.waitFor(() => expect(figure.dataset.demoState).toBe(state));

afterEach(() => document.body.replaceChildren());

describe('the demo lifecycle in the projected deck', () => {
  it('mounts a demo when its slide is first shown, then shows it and gives it its step, in that order', async () => {
    const demo = recording();
    const a = slide('a', 'recorder', { steps: 2 });
    const lifecycle = new DemoLifecycle({ manifests: manifests(demo.manifest), role: 'main' });
    expect(demo.manifest.load).not.toHaveBeenCalled();
    lifecycle.showSlide(a.section);
    await settle();
    expect(a.figure.dataset.demoState).toBe('ready');
    expect(demo.calls).toEqual(['render 1', 'show', 'step 0']);
    a.steps[0]!.classList.add('visible');
    lifecycle.step(a.figure);
    lifecycle.step(a.figure);
    expect(demo.calls.slice(3)).toEqual(['step 1']);
  });

  it('hides a demo when its slide is left, shows it again on return without mounting twice, and disposes it once', async () => {
    const demo = recording();
    const a = slide('a', 'recorder');
    const b = slide('b', 'none-here');
    const lifecycle = new DemoLifecycle({ manifests: manifests(demo.manifest), role: 'main' });
    lifecycle.showSlide(a.section);
    await settle();
    lifecycle.showSlide(b.section);
    lifecycle.showSlide(a.section);
    await settle();
    lifecycle.dispose();
    lifecycle.dispose();
    expect(demo.mounts).toEqual({ views: 1, controllers: 1 });
    expect(demo.calls.filter((c) => !c.startsWith('render') && !c.startsWith('step'))).toEqual(['show', 'hide', 'show', 'hide', 'dispose']);
    expect(a.figure.dataset.demoState).toBe('disposed');
  });

  it("binds a demo's keys while its slide is on screen and unbinds them when it leaves", async () => {
    const demo = recording();
    const a = slide('a', 'recorder');
    const b = slide('b', 'none-here');
    const lifecycle = new DemoLifecycle({ manifests: manifests(demo.manifest), role: 'main' });
    expect(lifecycle.pressKey('X')).toBe(false);
    lifecycle.showSlide(a.section);
    await settle();
    expect(lifecycle.pressKey('x')).toBe(true);
    expect(demo.calls.at(-1)).toBe('act {"type":"x"}');
    lifecycle.showSlide(b.section);
    expect(lifecycle.pressKey('X')).toBe(false);
  });

  it("hands every rendered state to the mirrors under the demo's id, and applies actions that come back", async () => {
    const demo = recording();
    const a = slide('live', 'recorder');
    const published: [string, unknown][] = [];
    const lifecycle = new DemoLifecycle({
      manifests: manifests(demo.manifest),
      role: 'main',
      mirroring: { publish: (id, state) => published.push([id, state]) },
    });
    lifecycle.showSlide(a.section);
    await settle();
    expect(demoId(a.figure)).toBe('live/0');
    expect(published).toEqual([['live/0', { n: 1 }]]);
    lifecycle.actOn('live/0', { type: 'from-the-speaker-view' });
    expect(demo.calls.at(-1)).toBe('act {"type":"from-the-speaker-view"}');
  });

  it('prints a still frame: mounts every demo at once and steps each to its last step, or calls its own print', async () => {
    const stepped = recording('stepped');
    const printed = recording('printed', { print: () => void printed.calls.push('print') });
    const a = slide('a', 'stepped', { steps: 3 });
    slide('b', 'printed');
    const lifecycle = new DemoLifecycle({ manifests: manifests(stepped.manifest, printed.manifest), role: 'main', print: true });
    await lifecycle.mountAll(document);
    expect(stepped.calls).toEqual(['render 1', 'step 3']);
    expect(printed.calls).toEqual(['render 1', 'print']);
    // The clicker does nothing to a printed page.
    a.steps[0]!.classList.add('visible');
    lifecycle.step(a.figure);
    expect(stepped.calls).toHaveLength(2);
  });

  it('shows what failed, naming the demo, with a button that tries again', async () => {
    let fail = true;
    const flaky = defineDemo({
      name: 'flaky',
      keys: [],
      needs: { worker: false, tfjs: false },
      load: async () => {
        if (fail) throw new Error('the network is down');
        return (await example.load()) as never;
      },
    }) as AnyManifest;
    const a = slide('a', 'flaky', { params: { start: 2 } });
    const lifecycle = new DemoLifecycle({ manifests: manifests(flaky), role: 'main' });
    lifecycle.showSlide(a.section);
    await settle();
    expect(a.figure.dataset.demoState).toBe('error');
    expect(a.figure.querySelector('[role="alert"]')?.textContent).toContain('The demo "flaky" could not start: the network is down.');
    fail = false;
    a.figure.querySelector<HTMLButtonElement>('.demo-error button')!.click();
    await ready(a.figure);
    expect(a.figure.dataset.demoState).toBe('ready');
    expect(a.figure.dataset.count).toBe('2');
  });

  it('names a demo that has no manifest', async () => {
    const a = slide('a', 'no-such-demo');
    new DemoLifecycle({ manifests: manifests(), role: 'main' }).showSlide(a.section);
    await settle();
    expect(a.figure.textContent).toContain('no demo is called "no-such-demo"; its folder src/demos/no-such-demo/ needs a manifest.ts');
  });
});

describe('the demo lifecycle in a speaker-view frame (a mirror)', () => {
  it('draws the initial state, then each state the projected deck sends, and never makes a controller', async () => {
    const demo = recording();
    const a = slide('a', 'recorder');
    const listeners = new Map<string, (s: unknown) => void>();
    const mirroring: Mirroring = { latest: () => undefined, listen: (id, f) => void listeners.set(id, f), send: vi.fn() };
    const lifecycle = new DemoLifecycle({ manifests: manifests(demo.manifest), role: 'mirror', mirroring });
    lifecycle.showSlide(a.section);
    await settle();
    expect(demo.mounts).toEqual({ views: 1, controllers: 0 });
    listeners.get('a/0')!({ n: 7 });
    expect(demo.calls).toEqual(['render 0', 'render 7']);
  });

  it('starts from the last state the projected deck sent, when there is one', async () => {
    const demo = recording();
    const a = slide('a', 'recorder');
    const lifecycle = new DemoLifecycle({
      manifests: manifests(demo.manifest),
      role: 'mirror',
      mirroring: { latest: (id) => (id === 'a/0' ? { n: 42 } : undefined), listen: () => {} },
    });
    lifecycle.showSlide(a.section);
    await settle();
    expect(demo.calls).toEqual(['render 42']);
  });

  it('sends keys and controls to the projected deck instead of acting on them', async () => {
    const a = slide('a', 'example', { params: { start: 5 } });
    const send = vi.fn();
    const lifecycle = new DemoLifecycle({
      manifests: manifests(example as AnyManifest),
      role: 'mirror',
      mirroring: { send, listen: () => {} },
    });
    lifecycle.showSlide(a.section);
    await ready(a.figure);
    expect(a.figure.dataset.count).toBe('5');
    expect(lifecycle.pressKey('c')).toBe(true);
    a.figure.querySelector<HTMLButtonElement>('button')!.click();
    expect(send.mock.calls).toEqual([
      ['a/0', { type: 'add', by: 1 }],
      ['a/0', { type: 'add', by: 1 }],
    ]);
    // Nothing changed here: the projected deck decides.
    expect(a.figure.dataset.count).toBe('5');
  });

  it("ignores the clicker's steps, which the projected deck already applied", async () => {
    const demo = recording();
    const a = slide('a', 'recorder', { steps: 1 });
    const lifecycle = new DemoLifecycle({ manifests: manifests(demo.manifest), role: 'mirror', mirroring: { listen: () => {} } });
    lifecycle.showSlide(a.section);
    await settle();
    a.steps[0]!.classList.add('visible');
    lifecycle.step(a.figure);
    expect(demo.calls).toEqual(['render 0']);
  });
});

describe('the example demo', () => {
  it('starts at its slide parameter, counts with its key and its button, and steps with the clicker', async () => {
    const a = slide('a', 'example', { steps: 2, params: { start: 3 } });
    const lifecycle = new DemoLifecycle({ manifests: manifests(example as AnyManifest), role: 'main' });
    lifecycle.showSlide(a.section);
    await ready(a.figure);
    expect(a.figure.dataset.count).toBe('3');
    lifecycle.pressKey('C');
    a.figure.querySelector<HTMLButtonElement>('button')!.click();
    expect(a.figure.dataset.count).toBe('5');
    a.steps[0]!.classList.add('visible');
    lifecycle.step(a.figure);
    expect(a.figure.dataset.count).toBe('4');
    expect(a.figure.querySelector('text')?.textContent).toBe('count: 4');
  });
});
