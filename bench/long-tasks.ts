/**
 * A page's long main-thread tasks (over 50 ms, as the browser reports them):
 * what the benches that drive a real projector measure its responsiveness
 * by. `recordLongTasks` starts recording in a page (or, given as an init
 * script, in every page a context opens); `longTasks` reads what it has seen.
 */
import type { Page } from '@playwright/test';

/** The function a page runs to start recording: each long task's duration goes into `window.tasks`. */
export function recordLongTasks(): void {
  const w = window as unknown as { tasks: number[] };
  w.tasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => w.tasks.push(e.duration))).observe({
    type: 'longtask',
    buffered: false,
  });
}

/** The durations of the long tasks a page has had since it started recording (ms). */
export function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { tasks: number[] }).tasks);
}
