/**
 * A demo's styles arrive with the demo: its modules name their stylesheets
 * (imported with `?url`, so that the build emits them as files of their
 * own) and `demoStyles` links them when the demo's code loads, once each.
 * The lifecycle waits for them before it draws the demo's view, so a figure
 * never flashes unstyled, and no demo's stylesheet blocks the title slide.
 */
const loading = new Map<string, Promise<void>>();

/** The longest the lifecycle waits for a stylesheet before drawing anyway (a slow phone on crowded Wi-Fi). */
const PATIENCE_MS = 3000;

/** Links each stylesheet into the page once; returns when all have loaded (or failed). */
export function demoStyles(...hrefs: string[]): Promise<void> {
  if (typeof document === 'undefined' || import.meta.env.MODE === 'test') return Promise.resolve();
  for (const href of hrefs) {
    if (loading.has(href)) continue;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    loading.set(
      href,
      new Promise<void>((resolve) => {
        link.addEventListener('load', () => resolve(), { once: true });
        link.addEventListener('error', () => resolve(), { once: true });
      }),
    );
    document.head.append(link);
  }
  return Promise.all(hrefs.map((href) => loading.get(href))).then(() => undefined);
}

/** Resolves when every stylesheet linked so far has loaded, or after a few seconds at most. */
export function stylesSettled(): Promise<void> {
  const all = Promise.all(loading.values()).then(() => undefined);
  return Promise.race([all, new Promise<void>((resolve) => setTimeout(resolve, PATIENCE_MS))]);
}
