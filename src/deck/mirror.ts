/**
 * One source of truth, many windows: the projected deck computes every demo,
 * and the speaker view's preview frames (reveal.js loads them with
 * `receiver` in the query) draw what it sends them.
 *
 * - In the projected deck a {@link MirrorHub} keeps the last state each demo
 *   rendered and sends it, throttled, to every frame that subscribed; a frame
 *   that subscribes late (a speaker view opened or reloaded mid-run) gets
 *   every demo's current state at once. Actions sent by the frames (a key, a
 *   button) are handed to the demo's controller.
 * - In a preview frame a {@link MirrorLink} subscribes to the window that
 *   opened the speaker view (`top.opener`), again every few seconds so that a
 *   reload of the projected deck is picked up, and passes states to the
 *   mirrored views and their actions back.
 *
 * Messages are structured-cloned objects in our own namespace; reveal.js and
 * its notes plugin only read string messages, so the two never mix.
 */

export const NAMESPACE = 'deck-demos';

/** A message between the projected deck and a preview frame. */
export type MirrorMessage =
  | { namespace: typeof NAMESPACE; type: 'subscribe' }
  | { namespace: typeof NAMESPACE; type: 'state'; id: string; state: unknown }
  | { namespace: typeof NAMESPACE; type: 'action'; id: string; action: unknown };

/** The part of a window this module uses (a test can pass a fake). */
export interface MessageWindow {
  postMessage(message: unknown, targetOrigin: string): void;
  readonly closed?: boolean;
}

/** The part of the page's own window this module uses. */
export interface HostWindow {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  readonly location: { origin: string };
}

function isMessage(data: unknown): data is MirrorMessage {
  return typeof data === 'object' && data !== null && (data as { namespace?: unknown }).namespace === NAMESPACE;
}

/** Milliseconds between two states of one demo sent to the frames: at most ten a second. */
export const THROTTLE_MS = 100;

/** The projected deck's side. */
export class MirrorHub {
  readonly #window: HostWindow;
  readonly #frames = new Set<MessageWindow>();
  readonly #latest = new Map<string, unknown>();
  readonly #sentAt = new Map<string, number>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #onAction: (id: string, action: unknown) => void;

  /** @param onAction Applies an action sent by a frame to the demo with that id. */
  constructor(window: HostWindow, onAction: (id: string, action: unknown) => void) {
    this.#window = window;
    this.#onAction = onAction;
    window.addEventListener('message', (event) => {
      if (event.origin !== window.location.origin || !isMessage(event.data) || !event.source) return;
      const source = event.source as unknown as MessageWindow;
      if (event.data.type === 'subscribe') {
        if (!this.#frames.has(source)) {
          this.#frames.add(source);
          for (const [id, state] of this.#latest) this.#post(source, { namespace: NAMESPACE, type: 'state', id, state });
        }
      } else if (event.data.type === 'action') {
        this.#onAction(event.data.id, event.data.action);
      }
    });
  }

  /** How many frames are listening. */
  get frames(): number {
    return this.#frames.size;
  }

  /** Records a demo's new state and sends it to the frames, at most every THROTTLE_MS per demo. */
  publish(id: string, state: unknown): void {
    this.#latest.set(id, state);
    if (this.#frames.size === 0 || this.#timers.has(id)) return;
    const wait = (this.#sentAt.get(id) ?? -Infinity) + THROTTLE_MS - Date.now();
    if (wait <= 0) this.#send(id);
    else
      this.#timers.set(
        id,
        setTimeout(() => this.#send(id), wait),
      );
  }

  #send(id: string): void {
    this.#timers.delete(id);
    this.#sentAt.set(id, Date.now());
    const message: MirrorMessage = { namespace: NAMESPACE, type: 'state', id, state: this.#latest.get(id) };
    for (const frame of this.#frames) this.#post(frame, message);
  }

  #post(frame: MessageWindow, message: MirrorMessage): void {
    try {
      if (frame.closed) throw new Error('closed');
      frame.postMessage(message, this.#window.location.origin);
    } catch {
      // The speaker view was closed or navigated away: forget the frame.
      this.#frames.delete(frame);
    }
  }
}

/** A preview frame's side. */
export class MirrorLink {
  readonly #main: MessageWindow | null;
  readonly #origin: string;
  readonly #latest = new Map<string, unknown>();
  readonly #listeners = new Map<string, (state: unknown) => void>();

  /**
   * @param main The projected deck's window (the speaker view's opener), or
   *   null when there is none: the mirrors then show their initial states.
   */
  constructor(window: HostWindow, main: MessageWindow | null, resubscribeMs = 2000) {
    this.#main = main;
    this.#origin = window.location.origin;
    window.addEventListener('message', (event) => {
      if (event.origin !== this.#origin || !isMessage(event.data) || event.data.type !== 'state') return;
      this.#latest.set(event.data.id, event.data.state);
      this.#listeners.get(event.data.id)?.(event.data.state);
    });
    this.#subscribe();
    // The projected deck may be reloaded; it forgets its frames, so ask again now and then.
    if (main && resubscribeMs > 0) setInterval(() => this.#subscribe(), resubscribeMs);
  }

  /** The last state the projected deck sent for a demo, if any. */
  latest(id: string): unknown {
    return this.#latest.get(id);
  }

  /** Calls `listener` with every state the projected deck sends for a demo. */
  listen(id: string, listener: (state: unknown) => void): void {
    this.#listeners.set(id, listener);
  }

  /** Sends a person's action to the projected deck's demo. */
  send(id: string, action: unknown): void {
    this.#post({ namespace: NAMESPACE, type: 'action', id, action });
  }

  #subscribe(): void {
    this.#post({ namespace: NAMESPACE, type: 'subscribe' });
  }

  #post(message: MirrorMessage): void {
    try {
      this.#main?.postMessage(message, this.#origin);
    } catch {
      // The projected deck's window is gone; the mirrors keep their last states.
    }
  }
}

/** The projected deck's window as seen from a speaker-view frame, if it can be reached. */
export function projectedWindow(self: Window): Window | null {
  try {
    const opener = self.top?.opener as Window | null | undefined;
    // Reading its origin throws if it is not ours.
    return opener && opener.location.origin === self.location.origin ? opener : null;
  } catch {
    return null;
  }
}
