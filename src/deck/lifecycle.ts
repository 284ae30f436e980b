/**
 * Runs the demo contract (src/contract/demo.ts) for every `[data-demo]`
 * figure of a page.
 *
 * One instance serves the page. It keeps, for every figure, whether its code
 * is loaded, whether it is on screen and how many of its step fragments are
 * shown; it calls the demo only on a change, in order, and never once the
 * demo failed or was disposed. It also owns what every demo would otherwise
 * do for itself: printing (a still frame at the last step), reduced motion
 * (passed in), and keys (bound while the demo is on screen, through one
 * table the deck consults).
 *
 * In the projected deck (role "main") it mounts view and controller and
 * hands every rendered state to the mirror hub; in the speaker view's
 * frames (role "mirror") it mounts views alone, draws the states the
 * projected deck sends, and sends actions back. What drives it (reveal.js's
 * events, or scrolling in the reader's edition) calls `showSlide`, `step`
 * and `dispose`.
 */
import type { AnyManifest, Controller, DemoModule, DemoView, Role, RoomLink } from '../contract/demo.ts';
import { EMPTY_ADDRESS, type Address } from '../address.ts';
import { stylesSettled } from '../contract/styles.ts';

/** How states and actions travel between windows (see mirror.ts). */
export interface Mirroring {
  /** Main: a demo rendered a state. */
  publish?(id: string, state: unknown): void;
  /** Mirror: the last state the projected deck sent for a demo. */
  latest?(id: string): unknown;
  /** Mirror: calls back with each state the projected deck sends for a demo. */
  listen?(id: string, listener: (state: unknown) => void): void;
  /** Mirror: sends an action to the projected deck's demo. */
  send?(id: string, action: unknown): void;
}

export interface LifecycleOptions {
  /** Every demo's manifest, by name. */
  manifests: ReadonlyMap<string, AnyManifest>;
  role: Role;
  /** The page's URL parameters, checked (src/params.ts). */
  address?: Address;
  /** The room this deck has joined, if any, when a demo mounts (src/deck/room.ts). */
  room?: () => RoomLink | undefined;
  reducedMotion?: boolean;
  /** Printing: every demo is mounted at once and shows a still frame. */
  print?: boolean;
  mirroring?: Mirroring;
  /** Receives errors for logging; the person sees them in the figure. */
  onError?: (name: string, error: unknown) => void;
}

type State = 'pending' | 'loading' | 'ready' | 'error' | 'disposed';

interface Host {
  /** Stable across windows: the slide's id and the figure's place in it. */
  id: string;
  root: HTMLElement;
  name: string;
  state: State;
  view?: DemoView<unknown>;
  controller?: Controller<unknown>;
  abort: AbortController;
  visible: boolean;
  /** Step fragments shown when last told; -1 before the first `step`. */
  shown: number;
}

/** A demo's id: its slide's id and its place among the slide's demos, e.g. "live-training/0". */
export function demoId(root: HTMLElement): string {
  // The slide: a section of the deck, or an article of the reader's edition.
  const section = root.closest<HTMLElement>('section[id], article[id]');
  const index = section ? [...section.querySelectorAll('[data-demo]')].indexOf(root) : 0;
  return `${section?.id || 'page'}/${index}`;
}

export class DemoLifecycle {
  readonly #hosts = new Map<HTMLElement, Host>();
  readonly #byId = new Map<string, Host>();
  /** Keys bound now: upper-case key → the demo on screen that binds it, and its action. */
  readonly #keys = new Map<string, { host: Host; action: unknown }>();
  readonly #options: LifecycleOptions;
  #current: HTMLElement | undefined;

  constructor(options: LifecycleOptions) {
    this.#options = options;
  }

  get role(): Role {
    return this.#options.role;
  }

  /** Makes `slide` the one on screen: hides the demos of the last one, shows (mounting if need be) its own. */
  showSlide(slide: HTMLElement | undefined): void {
    this.#current = slide;
    for (const host of this.#hosts.values()) {
      if (host.visible && !(slide && slide.contains(host.root))) this.#setVisible(host, false);
    }
    if (!slide) return;
    for (const root of slide.querySelectorAll<HTMLElement>('[data-demo]')) void this.activate(root);
  }

  /** Mounts every demo below `container` at once (printing). */
  mountAll(container: ParentNode): Promise<void[]> {
    return Promise.all([...container.querySelectorAll<HTMLElement>('[data-demo]')].map((root) => this.activate(root)));
  }

  /** Hides every demo (the tab was hidden); `showSlide` brings them back. */
  hideAll(): void {
    for (const host of this.#hosts.values()) this.#setVisible(host, false);
  }

  /** Re-shows the current slide's demos (the tab came back). */
  restore(): void {
    this.showSlide(this.#current);
  }

  /** Tells the demo in `root` how many of its step fragments are visible. */
  step(root: HTMLElement): void {
    const host = this.#hosts.get(root);
    if (!host || host.state !== 'ready' || this.#options.role === 'mirror' || this.#options.print) return;
    const shown = [...root.querySelectorAll<HTMLElement>('.demo-step')].filter((step) => step.classList.contains('visible')).length;
    if (shown === host.shown) return;
    host.shown = shown;
    guard(host, 'step', () => host.controller?.step?.(shown));
  }

  /**
   * Runs the action bound to `key` by a demo on screen.
   * @returns whether a demo on screen binds the key.
   */
  pressKey(key: string): boolean {
    const bound = this.#keys.get(key.toUpperCase());
    if (!bound) return false;
    this.#act(bound.host, bound.action);
    return true;
  }

  /** Applies an action that arrived from another window to the demo with that id. */
  actOn(id: string, action: unknown): void {
    const host = this.#byId.get(id);
    if (host) this.#act(host, action);
  }

  /** Disposes every demo; the page calls this when it goes away. */
  dispose(): void {
    for (const host of this.#hosts.values()) this.#dispose(host);
  }

  /**
   * Shows or hides one demo, mounting it first if need be, whatever slide is
   * current: the reader's edition, where several demos can be on screen at
   * once and each follows its own scrolling into view.
   */
  async display(root: HTMLElement, visible: boolean): Promise<void> {
    if (visible) {
      await this.activate(root);
      const host = this.#hosts.get(root);
      if (host) {
        this.#setVisible(host, true);
        this.step(root);
      }
    } else {
      const host = this.#hosts.get(root);
      if (host) this.#setVisible(host, false);
    }
  }

  /** Mounts the demo in `root` if it is not yet, and shows it if its slide is on screen. */
  async activate(root: HTMLElement): Promise<void> {
    let host = this.#hosts.get(root);
    if (!host) {
      host = {
        id: demoId(root),
        root,
        name: root.dataset.demo ?? '',
        state: 'pending',
        abort: new AbortController(),
        visible: false,
        shown: -1,
      };
      this.#hosts.set(root, host);
      this.#byId.set(host.id, host);
    }
    if (host.state === 'ready') {
      this.#reveal(host);
      return;
    }
    if (host.state !== 'pending') return;
    await this.#mount(host);
  }

  async #mount(host: Host): Promise<void> {
    const { role, print = false, reducedMotion = false, address = EMPTY_ADDRESS, mirroring } = this.#options;
    this.#setState(host, 'loading');
    const stage = host.root.querySelector<HTMLElement>('.demo-stage') ?? host.root;
    stage.replaceChildren();
    try {
      const manifest = this.#options.manifests.get(host.name);
      if (!manifest) throw new Error(`no demo is called "${host.name}"; its folder src/demos/${host.name}/ needs a manifest.ts`);
      // Checked against the demo's schema, and defaulted, when the site was built.
      const params = paramsOf(host.root);
      const module = (await manifest.load()) as DemoModule<unknown, unknown, unknown>;
      // The demo's stylesheets came with its code: drawn once they are in, it never flashes unstyled.
      await stylesSettled();
      if (host.state !== 'loading') return;
      const steps = host.root.querySelectorAll('.demo-step').length;
      const environment = { root: host.root, stage, params, steps, print, reducedMotion, signal: host.abort.signal };
      const initial = module.initial({ params, steps, address });
      if (role === 'mirror') {
        const view = module.view({ ...environment, role, dispatch: (action) => mirroring?.send?.(host.id, action) });
        host.view = view;
        view.render(mirroring?.latest?.(host.id) ?? initial);
        mirroring?.listen?.(host.id, (state) => guard(host, 'render', () => view.render(state)));
      } else {
        const view = module.view({ ...environment, role, dispatch: (action) => this.#act(host, action) });
        host.view = view;
        host.controller = module.controller({
          ...environment,
          address,
          initial,
          room: this.#options.room?.(),
          render: (state) => {
            view.render(state);
            mirroring?.publish?.(host.id, state);
          },
        });
      }
      this.#setState(host, 'ready');
    } catch (error) {
      if (host.state !== 'loading') return;
      this.#setState(host, 'error');
      this.#options.onError?.(host.name, error);
      showError(stage, host.name, error, () => {
        this.#setState(host, 'pending');
        void this.activate(host.root);
      });
      return;
    }
    if (print) {
      await guardAsync(host, 'print', async () => {
        if (host.controller?.print) await host.controller.print();
        else host.controller?.step?.(host.root.querySelectorAll('.demo-step').length);
      });
      return;
    }
    this.#reveal(host);
  }

  /** Shows the demo and gives it its step, if its slide is the one on screen. */
  #reveal(host: Host): void {
    if (!(this.#current?.contains(host.root) ?? false)) return;
    this.#setVisible(host, true);
    this.step(host.root);
  }

  #act(host: Host, action: unknown): void {
    if (host.state !== 'ready') return;
    if (this.#options.role === 'mirror') this.#options.mirroring?.send?.(host.id, action);
    else guard(host, 'act', () => host.controller?.act?.(action));
  }

  #setVisible(host: Host, visible: boolean): void {
    if (host.state !== 'ready' || host.visible === visible) return;
    host.visible = visible;
    const manifest = this.#options.manifests.get(host.name);
    for (const binding of manifest?.keys ?? []) {
      const key = binding.key.toUpperCase();
      if (visible) this.#keys.set(key, { host, action: binding.action });
      else if (this.#keys.get(key)?.host === host) this.#keys.delete(key);
    }
    guard(host, visible ? 'show' : 'hide', () => (visible ? host.controller?.show?.() : host.controller?.hide?.()));
  }

  #dispose(host: Host): void {
    if (host.state === 'ready') {
      this.#setVisible(host, false);
      guard(host, 'dispose', () => {
        host.controller?.dispose?.();
        host.view?.dispose?.();
      });
    }
    host.abort.abort();
    this.#setState(host, 'disposed');
  }

  #setState(host: Host, state: State): void {
    host.state = state;
    host.root.dataset.demoState = state;
  }
}

function guard(host: Host, what: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    console.error(`demo "${host.name}" failed in ${what}:`, error);
  }
}

async function guardAsync(host: Host, what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    console.error(`demo "${host.name}" failed in ${what}:`, error);
  }
}

/** The slide's parameters, checked and defaulted when the site was built (data-params). */
function paramsOf(root: HTMLElement): unknown {
  const json = root.dataset.params;
  if (!json) return {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new Error(`its parameters are not valid JSON (${json.slice(0, 60)}); rebuild the site`);
  }
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
