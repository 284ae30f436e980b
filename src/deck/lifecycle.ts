/**
 * Runs the demo lifecycle (see demo.ts) from reveal.js's events.
 *
 * One instance serves the whole deck. It keeps, for every `[data-demo]`
 * figure, whether its code is loaded, whether it is on screen, and how many
 * of its step fragments are shown, and it calls the demo's methods only on a
 * change, in order, and never on a demo that failed or was disposed.
 */
import type { Demo, DemoContext, DemoModule } from './demo.ts';

/** The part of reveal.js's API the lifecycle uses (a test can pass a fake). */
export interface DeckEvents {
  on(type: string, listener: (event: Event & Record<string, unknown>) => void): void;
  getCurrentSlide(): HTMLElement | undefined;
  isPrintView(): boolean;
}

export interface LifecycleOptions {
  /** Loads a demo's module by name. */
  load: (name: string) => Promise<DemoModule> | undefined;
  /** The page's query string. */
  query?: URLSearchParams;
  reducedMotion?: boolean;
  /** Receives errors for logging; the user sees them in the figure. */
  onError?: (name: string, error: unknown) => void;
  /** Registers a deck-wide key binding (reveal.js's addKeyBinding). */
  addKeyBinding?: (key: string, description: string, handler: (event: KeyboardEvent) => void) => void;
}

type State = 'pending' | 'loading' | 'ready' | 'error' | 'disposed';

interface Host {
  root: HTMLElement;
  name: string;
  state: State;
  demo?: Demo;
  controller: AbortController;
  visible: boolean;
  /** Step fragments shown when last told; -1 before the first `step`. */
  shown: number;
}

export class DemoLifecycle {
  readonly #hosts = new Map<HTMLElement, Host>();
  readonly #options: LifecycleOptions;
  #current: HTMLElement | undefined;
  #print = false;

  constructor(options: LifecycleOptions) {
    this.#options = options;
  }

  /** Subscribes to the deck's events; call before or after `initialize()`. */
  attach(deck: DeckEvents): this {
    const onReady = () => {
      this.#print = deck.isPrintView();
      if (this.#print) {
        // Printing lays out every slide at once: mount every demo, fully stepped.
        for (const root of document.querySelectorAll<HTMLElement>('[data-demo]')) void this.#activate(root);
      } else {
        this.showSlide(deck.getCurrentSlide());
      }
    };
    deck.on('ready', onReady);
    deck.on('slidechanged', (event) => this.showSlide(event.currentSlide as HTMLElement | undefined));
    const onFragment = (event: Event & Record<string, unknown>) => {
      const fragment = event.fragment as HTMLElement | undefined;
      const root = fragment?.closest<HTMLElement>('[data-demo]');
      if (root) this.#step(root);
    };
    deck.on('fragmentshown', onFragment);
    deck.on('fragmenthidden', onFragment);
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.#hideAll();
      else this.showSlide(this.#current);
    });
    window.addEventListener('pagehide', (event) => {
      if (!event.persisted) this.dispose();
    });
    return this;
  }

  /** Makes `slide` the one on screen: hides the demos of the last one, shows (mounting if need be) its own. */
  showSlide(slide: HTMLElement | undefined): void {
    if (this.#print) return;
    this.#current = slide;
    for (const host of this.#hosts.values()) {
      if (host.visible && !(slide && slide.contains(host.root))) this.#setVisible(host, false);
    }
    if (!slide) return;
    for (const root of slide.querySelectorAll<HTMLElement>('[data-demo]')) void this.#activate(root);
  }

  /** Disposes every demo; the deck calls this when the page goes away. */
  dispose(): void {
    for (const host of this.#hosts.values()) this.#dispose(host);
  }

  async #activate(root: HTMLElement): Promise<void> {
    let host = this.#hosts.get(root);
    if (!host) {
      host = { root, name: root.dataset.demo ?? '', state: 'pending', controller: new AbortController(), visible: false, shown: -1 };
      this.#hosts.set(root, host);
    }
    if (host.state === 'ready') {
      this.#setVisible(host, true);
      this.#step(root);
      return;
    }
    if (host.state !== 'pending') return;
    await this.#mount(host);
  }

  async #mount(host: Host): Promise<void> {
    this.#setState(host, 'loading');
    const stage = host.root.querySelector<HTMLElement>('.demo-stage') ?? host.root;
    stage.replaceChildren();
    try {
      const module = await this.#options.load(host.name);
      if (!module) throw new Error(`no demo is registered as "${host.name}"`);
      const context: DemoContext = {
        root: host.root,
        stage,
        slide: host.root.closest<HTMLElement>('section') ?? host.root,
        params: paramsOf(host.root),
        query: this.#options.query ?? new URLSearchParams(),
        steps: host.root.querySelectorAll('.demo-step').length,
        print: this.#print,
        reducedMotion: this.#options.reducedMotion ?? false,
        signal: host.controller.signal,
        bindKey: (key, description, handler) => {
          this.#options.addKeyBinding?.(key, description, (event) => {
            // Only while this demo is on screen, and not while typing.
            if (host.visible && !(event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement)) handler(event);
          });
        },
      };
      const demo = await module.mount(context);
      if (host.state !== 'loading') {
        demo.dispose?.();
        return;
      }
      host.demo = demo;
      this.#setState(host, 'ready');
    } catch (error) {
      if (host.state !== 'loading') return;
      this.#setState(host, 'error');
      this.#options.onError?.(host.name, error);
      showError(stage, host.name, error, () => {
        this.#setState(host, 'pending');
        void this.#activate(host.root);
      });
      return;
    }
    const onScreen = this.#print || (this.#current?.contains(host.root) ?? false);
    if (onScreen) {
      this.#setVisible(host, true);
      this.#step(host.root);
    }
  }

  #step(root: HTMLElement): void {
    const host = this.#hosts.get(root);
    if (!host || host.state !== 'ready') return;
    const steps = [...root.querySelectorAll<HTMLElement>('.demo-step')];
    const shown = this.#print ? steps.length : steps.filter((step) => step.classList.contains('visible')).length;
    if (shown === host.shown) return;
    host.shown = shown;
    call(host, 'step', shown);
  }

  #setVisible(host: Host, visible: boolean): void {
    if (host.state !== 'ready' || host.visible === visible) return;
    host.visible = visible;
    call(host, visible ? 'show' : 'hide');
  }

  #hideAll(): void {
    for (const host of this.#hosts.values()) this.#setVisible(host, false);
  }

  #dispose(host: Host): void {
    if (host.state === 'ready') {
      this.#setVisible(host, false);
      call(host, 'dispose');
    }
    host.controller.abort();
    this.#setState(host, 'disposed');
  }

  #setState(host: Host, state: State): void {
    host.state = state;
    host.root.dataset.demoState = state;
  }
}

function call(host: Host, method: 'show' | 'hide' | 'dispose' | 'step', argument?: number): void {
  try {
    if (method === 'step') host.demo?.step?.(argument ?? 0);
    else host.demo?.[method]?.();
  } catch (error) {
    console.error(`demo "${host.name}" failed in ${method}():`, error);
  }
}

const INTERNAL = new Set(['demo', 'demoState']);

/** The directive's attributes, from the figure's data-… attributes. */
function paramsOf(root: HTMLElement): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(root.dataset)) {
    if (INTERNAL.has(key) || value === undefined) continue;
    params[key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)] = value;
  }
  return params;
}

/** Replaces the demo's stage with a message that names the demo and what to do. */
function showError(stage: HTMLElement, name: string, error: unknown, retry: () => void): void {
  const box = document.createElement('div');
  box.className = 'demo-error';
  box.setAttribute('role', 'alert');
  const message = document.createElement('p');
  message.textContent = `The demo "${name}" could not start: ${error instanceof Error ? error.message : String(error)}.`;
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Try again';
  button.addEventListener('click', retry, { once: true });
  box.append(message, button);
  stage.replaceChildren(box);
}
