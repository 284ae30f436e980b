/**
 * One page of one browser engine, as the engine tests drive it. Firefox
 * (Puppeteer over WebDriver BiDi, firefox.ts) and WebKitGTK (selenium over
 * WebKitWebDriver, webkit.ts) each implement it, so that checks.ts says
 * once what every attendee's browser must do.
 */

/** The keys the checks press: the clicker's two, and the live slide's T. */
export type Key = 'ArrowRight' | 'ArrowLeft' | 't';

export interface EnginePage {
  /** The engine and its version, for messages: "Firefox 140.12.0esr", "WebKitGTK 2.50.6". */
  readonly name: string;
  /** Sizes the page's viewport (the content, not the window) to `width` × `height` CSS px. */
  resize(width: number, height: number): Promise<void>;
  /** Opens an address, and resolves once its document has loaded. */
  goto(url: string): Promise<void>;
  /**
   * Runs `fn` in the page with `args`, and resolves with what it returns
   * (awaited). `fn` is sent as source text, so it must use nothing from
   * outside its own body; the arguments and the result travel as JSON.
   */
  evaluate<A extends unknown[], T>(fn: (...args: A) => T, ...args: A): Promise<Awaited<T>>;
  /** Presses a key, as a person would, on whatever has the focus. */
  press(key: Key): Promise<void>;
  /** Closes the browser, and the driver and display it needed. */
  close(): Promise<void>;
}

/** What remains of a value once it is known to be truthy. */
export type Truthy<T> = Exclude<T, false | '' | 0 | null | undefined>;

/** Resolves with the first truthy value `fn` returns in the page, polled; rejects after `timeout` ms, saying what was awaited. */
export async function until<A extends unknown[], T>(
  page: EnginePage,
  what: string,
  timeout: number,
  fn: (...args: A) => T,
  ...args: A
): Promise<Truthy<Awaited<T>>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await page.evaluate(fn, ...args);
      if (value) return value as Truthy<Awaited<T>>;
      last = value;
    } catch (error) {
      // A page that is navigating cannot answer for a moment.
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline)
      throw new Error(`${page.name}: ${what} did not happen within ${timeout / 1000} s (last answer: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
