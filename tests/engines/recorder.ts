/**
 * The problem recorder the test proxy adds to every page (server.ts): it
 * runs before the deck's own scripts, so that it sees what goes wrong while
 * the page loads, which is when reveal.js lays out and the service worker
 * registers. What it records survives a reload of the tab (the deck reloads
 * itself once to become cross-origin isolated on a plain host), until the
 * tests take it. Nothing is recorded once the page is being left.
 */

/** What the page exposes to the tests, as `window.__problems`. */
export interface ProblemLog {
  /** Every problem recorded since the last take, as sentences, and forgets them. */
  take(): string[];
}

/**
 * Records uncaught errors, unhandled rejections and content security
 * violations. Serialised with `toString()` into the page, so it must use
 * nothing from outside its own body.
 */
export function recordProblems(): void {
  const key = 'engine-tests:problems';
  let problems: string[] = [];
  try {
    problems = JSON.parse(sessionStorage.getItem(key) ?? '[]') as string[];
  } catch {
    // Storage refused: problems of a page that reloads itself are then lost, the rest are kept.
  }
  // A page being left cancels what it was still fetching (a pending import() rejects), which nobody sees: from the
  // first sign of leaving (beforeunload comes as the navigation starts, pagehide as the page goes), nothing counts.
  let leaving = false;
  addEventListener('beforeunload', () => (leaving = true));
  addEventListener('pagehide', () => (leaving = true));
  const note = (text: string) => {
    if (leaving) return;
    problems.push(`${location.pathname}${location.search}${location.hash}: ${text}`);
    try {
      sessionStorage.setItem(key, JSON.stringify(problems));
    } catch {
      // As above.
    }
  };
  const where = (file: string, line: number, column: number) => (file ? ` at ${file}:${line}:${column}` : '');
  addEventListener('error', (event) => {
    // Resources that fail to load fire plain Events on their elements, which do not reach the window: these are script errors.
    if (event instanceof ErrorEvent) note(`uncaught ${event.message}${where(event.filename, event.lineno, event.colno)}`);
  });
  addEventListener('unhandledrejection', (event) => {
    const reason = event.reason as unknown;
    note(`unhandled rejection: ${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`);
  });
  document.addEventListener('securitypolicyviolation', (event) => {
    const what = event.blockedURI || 'inline code or eval';
    note(
      `content security violation: ${event.violatedDirective} refused ${what}${where(event.sourceFile, event.lineNumber, event.columnNumber)}`,
    );
  });
  (window as unknown as { __problems: ProblemLog }).__problems = {
    take() {
      const taken = problems.splice(0);
      try {
        sessionStorage.removeItem(key);
      } catch {
        // As above.
      }
      return taken;
    },
  };
}
