/**
 * # The demo lifecycle contract
 *
 * A demo is an interactive figure that a slide embeds with
 *
 *     ::demo[Text alternative: what the figure shows]{name="my-demo" steps="3"}
 *
 * The deck, not the demo, decides when things happen:
 *
 * 1. **mount** — when the demo's slide is first reached (or, in `?print-pdf`,
 *    straight away). Only then is the demo's code imported, with a dynamic
 *    `import()` registered in `registry.ts`, so a heavy demo costs nothing
 *    until its slide. `mount` may be async; the figure shows "loading" until
 *    it resolves and a clear message with a retry button if it throws.
 * 2. **show** — the slide is on screen. Start or resume animation here.
 * 3. **hide** — the slide left the screen, or the tab was hidden. Pause here,
 *    unless the demo must keep working (the live training slide keeps
 *    training, and only stops drawing).
 * 4. **step(n)** — with `steps="k"` the slide gets k invisible fragments, so
 *    the presenter's clicker advances the figure before it advances the slide;
 *    `n` is how many of them are shown (0…k), forwards and backwards.
 * 5. **dispose** — the page is going away. Release timers, workers, GPU
 *    memory and listeners. The context's `signal` is aborted at the same time,
 *    so listeners added with `{ signal }` go by themselves.
 *
 * A demo module exports `mount` and nothing the deck must know more about:
 *
 *     export const mount: MountDemo = ({ stage, print }) => {
 *       const view = drawSomething(stage);
 *       return { show: () => view.play(), hide: () => view.pause(), dispose: () => view.remove() };
 *     };
 *
 * Keep the mathematics in a DOM-free `model.ts` next to it and let the view
 * only draw a state: see src/demos/README.md.
 */

/** What a demo receives when it is mounted. */
export interface DemoContext {
  /** The `<figure data-demo="…">` element. Demos report their state on it with data-… attributes. */
  root: HTMLElement;
  /** The empty element inside the figure where the demo draws. */
  stage: HTMLElement;
  /** The `<section>` of the slide that holds the demo. */
  slide: HTMLElement;
  /** The directive's other attributes, e.g. `{ preset: "good" }` for `::demo{name="x" preset="good"}`. */
  params: Readonly<Record<string, string>>;
  /** The page's query string, for parameters that a link may override. */
  query: URLSearchParams;
  /** How many `steps` fragments the slide gave the demo (0 when none). */
  steps: number;
  /** The deck is being printed (`?print-pdf`): draw a meaningful still frame at once, animate nothing. */
  print: boolean;
  /** The reader asked for reduced motion: change state without tweening. */
  reducedMotion: boolean;
  /** Aborted when the demo is disposed. */
  signal: AbortSignal;
  /**
   * Binds a key (e.g. "T") for as long as the demo's slide is on screen. The
   * key is listed in the deck's help overlay (?) with its description.
   * `handler` receives the key event (to check Shift, say).
   */
  bindKey(key: string, description: string, handler: (event: KeyboardEvent) => void): void;
}

/** What a mounted demo gives back. Every method is optional. */
export interface Demo {
  /** The slide is on screen. */
  show?(): void;
  /** The slide is off screen or the tab is hidden. */
  hide?(): void;
  /** `shown` of the demo's step fragments are visible (0 … steps). */
  step?(shown: number): void;
  /** The page is going away: release everything. */
  dispose?(): void;
}

/** The one export a demo module must have. */
export type MountDemo = (context: DemoContext) => Demo | Promise<Demo>;

export interface DemoModule {
  mount: MountDemo;
}
