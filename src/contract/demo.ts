/**
 * # The demo contract
 *
 * The one module that both the deck (src/deck) and the demos (src/demos)
 * import; nothing else crosses between them. A demo is a folder,
 * `src/demos/<name>/`, whose `manifest.ts` default-exports a
 * {@link DemoManifest}, and whose `params.ts`, when it takes slide
 * parameters, exports their zod schema as `params`. The deck finds both by
 * themselves: the build checks every slide's `::demo{…}` against the schema
 * (so the browser receives checked, defaulted values and carries no schema
 * library), and the deck loads a demo's code only when its slide is reached.
 *
 * A demo is written in three parts, as TensorFlow Playground and Observable
 * Plot keep them:
 *
 * - a **state** `S`: plain, serialisable data (parameters, step, results);
 *   the initial one is a pure function of the slide's parameters;
 * - a **view** that draws a state into the figure, and turns what a person
 *   does (a click, a slider, a drawing) into **actions** `A`;
 * - a **controller** that owns the state in the projected deck: it applies
 *   actions, runs timers, workers and downloads, and hands each new state to
 *   `render`.
 *
 * The split is what lets other windows mirror a demo. The deck on the
 * projector is the single source of truth: it mounts view and controller,
 * and every state it renders is also sent to the speaker view's preview
 * frames, which mount the view alone (role "mirror": no worker, no download,
 * no timer) and send their actions back. A key pressed in either window
 * becomes the manifest's action, applied once, in the projected deck.
 *
 * The lifecycle (src/deck/lifecycle.ts) decides when things happen:
 *
 * 1. **mount**: when the demo's slide is first reached (or when printing).
 * 2. **show** / **hide**: its slide comes on or leaves the screen (or the tab
 *    is hidden). The manifest's keys are bound on show and unbound on hide.
 * 3. **step(n)**: with `steps="k"` on the slide, the clicker's fragments step
 *    the demo before the slide; `n` is how many are shown (0…k).
 * 4. **print**: a still frame for the PDF; by default the last step.
 * 5. **dispose**: the page goes away; the context's `signal` aborts too.
 */
import type { Address } from '../address.ts';
import type { Digit, ForwardedDigit, ForwardedVote, Refused, Vote } from '../room/protocol.ts';

/** Where a view is drawn. */
export type Role = 'main' | 'mirror';

/** A key the demo binds while its slide is on screen, and the action it sends. */
export interface KeyBinding<A> {
  /** One letter, e.g. "T". reveal.js matches keys by their upper-case code. */
  key: string;
  /** What the key does, for the help overlay (?), e.g. "Train: start, pause or resume". */
  description: string;
  action: A;
}

/** What the deck knows of a demo before its code is loaded. */
export interface DemoManifest<P = unknown, S = unknown, A = unknown> {
  /** The name slides use: `::demo{name="…"}`. Equal to the folder's name. */
  name: string;
  /** The demo's keys. Two demos on one slide may not share a key (the build fails). */
  keys: readonly KeyBinding<A>[];
  /**
   * The figures the demo reports on its root as data- attributes, without
   * `data-` (`best` for `data-best`): the ones a poll may take its right
   * answer from (`::poll{answer-from="model-comparison.best"}`), which the
   * build checks against this list. Leave it out when no poll needs one.
   */
  reports?: readonly string[];
  /** What the demo's code pulls in, so that reviewers and the reader's edition know its weight. */
  needs: { worker: boolean; tfjs: boolean };
  /** Loads the demo's code: a dynamic import, so that it costs nothing until its slide. */
  load(): Promise<DemoModule<P, S, A>>;
}

/** The parameters of a demo that takes none (it has no params.ts): any attribute but name and steps fails the build. */
export type NoParams = Record<string, never>;

/** A manifest as written: a demo without keys or heavy needs may leave them out. */
export type DemoManifestInput<P, S, A> = Omit<DemoManifest<P, S, A>, 'keys' | 'needs'> &
  Partial<Pick<DemoManifest<P, S, A>, 'keys' | 'needs'>>;

/** Declares a manifest with its types checked; keys default to none, needs to nothing heavy. */
export function defineDemo<P, S, A>(manifest: DemoManifestInput<P, S, A>): DemoManifest<P, S, A> {
  return { keys: [], needs: { worker: false, tfjs: false }, ...manifest };
}

/** What every part of a demo is told about where it runs. */
export interface DemoEnvironment<P> {
  /** The `<figure data-demo="…">`. Views report what they show on it as data-… attributes. */
  root: HTMLElement;
  /** The empty element inside the figure where the view draws. */
  stage: HTMLElement;
  /** The slide's parameters, validated and defaulted at build time. */
  params: P;
  /** How many `steps` fragments the slide gave the demo (0 when none). */
  steps: number;
  /** The deck is being printed: draw a still frame, animate nothing. */
  print: boolean;
  /** The reader asked for reduced motion: change state without tweening. */
  reducedMotion: boolean;
  /** Aborted when the demo is disposed. */
  signal: AbortSignal;
}

/** What a view receives. */
export interface ViewContext<P, A> extends DemoEnvironment<P> {
  /** "main" in the projected deck, "mirror" in the speaker view's frames. */
  role: Role;
  /** Sends what a person did: to the controller, or from a mirror to the projected deck. */
  dispatch(action: A): void;
}

/** A view draws states; it keeps none of its own beyond what drawing needs. */
export interface DemoView<S> {
  render(state: S): void;
  dispose?(): void;
}

/**
 * The room, as a demo sees it (src/deck/room.ts runs it): present when the
 * deck has a relay and has joined its room, in the presenter's deck or on a
 * phone; undefined on a published deck without a relay, in print, and in
 * the speaker view's frames (which mirror the presenter's deck instead).
 * Everything a phone sends was checked by the relay against the room's
 * protocol (src/room/protocol.ts) before it arrives.
 */
export interface RoomLink {
  /** "presenter": this deck drives the room and hears the phones; "follower": a phone (or any other copy of the deck). */
  readonly role: 'presenter' | 'follower';
  /** Presenter: shows every phone a public state under `key` (`null` removes it). Phones that join later get the latest. */
  publish(key: string, value: unknown): void;
  /** Presenter: answers one phone (the `from` of its digit or vote). */
  reply(to: string, kind: string, value: unknown): void;
  /** Presenter: every digit a phone sends. Returns the function that stops listening. */
  onDigit(handler: (digit: ForwardedDigit) => void): () => void;
  /** Presenter: every vote a phone sends. */
  onVote(handler: (vote: ForwardedVote) => void): () => void;
  /** Follower: sends a digit to the presenter's deck. */
  sendDigit(digit: Digit): void;
  /** Follower: sends (or changes) this phone's vote. */
  sendVote(vote: Vote): void;
  /** Follower: the presenter's public state under `key`, now (if any) and whenever it changes. */
  onState(key: string, handler: (value: unknown) => void): () => void;
  /** Follower: the presenter's replies of this kind to this phone. */
  onReply(kind: string, handler: (value: unknown) => void): () => void;
  /** Follower: what the relay refused of this phone's messages, with a sentence to show. */
  onRefused(handler: (refused: Refused) => void): () => void;
}

/** What a controller receives (only in the projected deck). */
export interface ControllerContext<P, S> extends DemoEnvironment<P> {
  /** The page's URL parameters, checked with their table (src/params.ts): a link may shorten a run or restore a demo's state. */
  address: Address;
  /** The state `initial` made, to start from. */
  initial: S;
  /** The room, when the deck has joined one (see RoomLink). */
  room: RoomLink | undefined;
  /** Draws a state here and sends it to every mirror. Call it whenever the state changes. */
  render(state: S): void;
}

/** The projected deck's side of a demo. Every method is optional. */
export interface Controller<A> {
  /** Applies an action: from a key, a control, or a mirror. */
  act?(action: A): void;
  /** `shown` of the demo's step fragments are visible (0 … steps). */
  step?(shown: number): void;
  /** The slide is on screen. */
  show?(): void;
  /** The slide is off screen or the tab is hidden. */
  hide?(): void;
  /** Prepare a still frame for the PDF. Without it the deck steps to the last step. */
  print?(): void | Promise<void>;
  /** The page is going away: release timers, workers, GPU memory. */
  dispose?(): void;
}

/** What a manifest's `load` resolves to: the demo's code. */
export interface DemoModule<P, S, A> {
  /** The state before anything happened: pure, from the parameters alone (mirrors draw it until the deck speaks). */
  initial(context: { params: P; steps: number; address: Address }): S;
  view(context: ViewContext<P, A>): DemoView<S>;
  controller(context: ControllerContext<P, S>): Controller<A>;
}

/** A manifest with its types erased, as the deck handles them. */
export type AnyManifest = DemoManifest<never, unknown, unknown>;

/** A fixed state (or a sequence of states, drawn one after another) of a demo's view, stored as a picture under a name. */
export interface ViewSnapshot<S> {
  /** The stored picture's name: tests/unit/views/<name>.html. */
  name: string;
  states: S[];
  /** Draw as for paper (`?print-pdf`). */
  print?: boolean;
  /** Draw as the speaker view's preview draws ("mirror"), rather than the projected deck ("main", the default). */
  role?: Role;
}

/**
 * A demo's view snapshots, in its folder's `snapshots.ts`: the view, and
 * the seeded states to draw. tests/unit/views.test.ts finds every demo's
 * file by itself and compares each picture with its stored copy, so adding
 * a demo edits no central test.
 */
export interface ViewSnapshots<S> {
  view(context: ViewContext<never, never>): DemoView<S>;
  snapshots(): ViewSnapshot<S>[];
}

/** Declares a demo's view snapshots with their types checked. */
export function defineSnapshots<S>(snapshots: ViewSnapshots<S>): ViewSnapshots<S> {
  return snapshots;
}
