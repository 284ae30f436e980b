/**
 * One walk through every slide per screen, checking together what a person
 * in the room would notice, so that the deck is walked as few times as the
 * screens demand:
 *
 * - on the projector (1280 × 720, light theme): every fragment shown, every
 *   demo mounted; text large enough for the back row (body 28, code 24,
 *   figure and control text 18 effective px), nothing cut off or scrolling,
 *   no slide but a title more than a third empty; no serious or critical
 *   axe violation; no request to another origin; no content security
 *   violation; and no TensorFlow.js, which only a training run may fetch;
 * - on the projector, in both themes: every text standing out from what is
 *   actually behind it, measured on the rendered pixels (4.5:1, or 3:1 from
 *   24 px), and no label covering another or the data; then the same on
 *   every demo in its finished state (the print layout, recorded runs);
 * - on a phone (360 × 640, the narrowest the deck supports) in the scroll
 *   view: nothing wider than the screen, text of at least 16 px, controls of
 *   at least 44 px, and nothing from another origin.
 *
 * Each walk checks what its screen changes: the dark theme changes colours,
 * not sizes, so its walk measures contrast and overlaps, not sizes again; a
 * wider phone lays out the same scroll view with more room than 360 px.
 */
import { expect, test, type Page } from '@playwright/test';
import { allSlideIds, openDeck, visitSlide } from './deck.ts';
import { contrastProblems, measure, MINIMUM, overlapProblems, phoneProblems, showAll, type TextKind } from './measure.ts';

/** A short run wherever a demo trains, should one start. */
const SHORT = 'train-size=128&test-size=200&epochs=1';

/** Records requests to other origins and content security violations from here on. */
async function watch(page: Page, origin: string): Promise<{ foreign: string[]; requests: string[]; violations: () => Promise<string[]> }> {
  const foreign: string[] = [];
  const requests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    requests.push(url.pathname);
    if (!['data:', 'blob:', 'about:'].includes(url.protocol) && url.origin !== origin) foreign.push(request.url());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { violations: string[] };
    w.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { foreign, requests, violations: () => page.evaluate(() => (window as unknown as { violations: string[] }).violations) };
}

/** The least contrast measured in each walk, for the report at its end. */
const leastContrast: Record<string, number> = {};

/** Contrast on the rendered pixels and labels clear of each other and of the data, for one slide as it is on screen. */
async function lookProblems(page: Page, id: string, walk: string): Promise<string[]> {
  const { problems, least } = await contrastProblems(page, id);
  if (least !== undefined) leastContrast[walk] = Math.min(leastContrast[walk] ?? Infinity, least);
  return [...problems, ...(await overlapProblems(page, id))];
}

/**
 * Every slide with a demo, printed (?print-pdf): each demo in its finished
 * state, a recorded run where it trains; checked for contrast and for
 * labels that cover each other or the data. The print layout puts each
 * slide on a page of 1344 × 755, so the window is made that large.
 */
async function finishedDemoProblems(page: Page, theme: 'light' | 'dark'): Promise<string[]> {
  await page.setViewportSize({ width: 1344, height: 760 });
  await page.goto(`/?print-pdf&theme=${theme}`);
  await expect(page.locator('.reveal.ready')).toHaveCount(1);
  await page.waitForFunction(
    () => [...document.querySelectorAll<HTMLElement>('[data-demo]')].every((d) => /ready|error/.test(d.dataset.demoState ?? '')),
    null,
    { timeout: 60_000 },
  );
  await page.evaluate(() => document.fonts.ready);
  // reveal.js leaves the printed sections marked hidden from the accessibility tree (they are shown by its print styles); the checks skip what is hidden.
  await page.evaluate(() => {
    for (const section of document.querySelectorAll('.pdf-page section')) {
      section.removeAttribute('hidden');
      section.removeAttribute('aria-hidden');
    }
  });
  const ids = await page.$$eval('.pdf-page section[id]', (sections) =>
    sections.filter((s) => s.querySelector('[data-demo]')).map((s) => s.id),
  );
  const problems: string[] = [];
  for (const id of ids) {
    await page.evaluate((slide) => {
      const pdfPage = document.getElementById(slide)!.closest<HTMLElement>('.pdf-page')!;
      document.scrollingElement!.scrollTop += pdfPage.getBoundingClientRect().top;
    }, id);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    problems.push(...(await lookProblems(page, id, `${theme}, finished demos`)).map((p) => `${p} (printed, finished)`));
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  return problems;
}

/** The projector's size and clipping rules for one slide, as sentences. */
async function layoutProblems(page: Page, id: string): Promise<string[]> {
  const m = await measure(page, id);
  const problems: string[] = [];
  for (const kind of Object.keys(MINIMUM) as TextKind[]) {
    const s = m.smallest[kind];
    if (s && s.px < MINIMUM[kind] - 0.05) problems.push(`#${id}: ${kind} text ${s.px} px < ${MINIMUM[kind]}: ${s.what}`);
  }
  for (const c of m.clipped) problems.push(`#${id}: ${c}`);
  if (!m.sparse && m.emptyBelow > 1 / 3)
    problems.push(`#${id}: ${Math.round(m.emptyBelow * 100)}% of the slide is empty below its content`);
  return problems;
}

test.describe('on the projector', () => {
  // A walk of every slide with pixel contrast and axe takes about four and a half minutes here; the limit leaves room for a busy machine.
  test.describe.configure({ timeout: 480_000 });
  test.use({ viewport: { width: 1280, height: 720 } });

  test('every slide is readable from the back row, its text stands out from what is behind it, accessible, self-contained and within its policy, and no slide fetches TensorFlow.js', async ({
    page,
    baseURL,
  }) => {
    const { AxeBuilder } = await import('@axe-core/playwright');
    const seen = await watch(page, new URL(baseURL!).origin);
    // No slide transitions: each slide is judged at rest, not half faded in.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await openDeck(page, `/?theme=light&${SHORT}`);
    const problems: string[] = [];
    for (const id of await allSlideIds(page)) {
      await showAll(page, id);
      problems.push(...(await layoutProblems(page, id)));
      problems.push(...(await lookProblems(page, id, 'light')));
      const result = await new AxeBuilder({ page }).include(`section#${id}`).analyze();
      for (const v of result.violations) {
        if (v.impact === 'serious' || v.impact === 'critical')
          problems.push(
            `#${id}: axe ${v.id} (${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 2)
              .join(', ')})`,
          );
      }
    }
    await page.waitForLoadState('networkidle');
    // Every training demo mounted on its slide, and none of them started the worker.
    expect(await page.locator('figure[data-demo-state="ready"][data-state="idle"]').count()).toBeGreaterThanOrEqual(5);
    // (The data slide fetches its first MNIST shard itself, without TensorFlow.js.)
    expect(seen.requests.filter((p) => /worker-|tfjs|\.wasm$/.test(p))).toEqual([]);
    // The demos finished, as printed: recorded runs, still without TensorFlow.js.
    problems.push(...(await finishedDemoProblems(page, 'light')));
    console.log(
      `least contrast, light theme: ${leastContrast.light?.toFixed(2)}:1 on the slides, ${leastContrast['light, finished demos']?.toFixed(2)}:1 in the finished demos`,
    );
    expect(problems).toEqual([]);
    expect(seen.foreign).toEqual([]);
    expect(await seen.violations()).toEqual([]);
    expect(seen.requests.filter((p) => /worker-|tfjs|\.wasm$/.test(p))).toEqual([]);
    // Asked to train, the live slide fetches it.
    await openDeck(page, `/?theme=light&${SHORT}`);
    await visitSlide(page, 'live-training');
    await page.keyboard.press('t');
    await expect.poll(() => seen.requests.some((p) => /\/_astro\/worker-[\w-]+\.js$/.test(p))).toBe(true);
  });

  test('every slide is as readable in the dark theme, its text standing out from what is behind it', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await openDeck(page, `/?theme=dark&${SHORT}`);
    const problems: string[] = [];
    for (const id of await allSlideIds(page)) {
      await showAll(page, id);
      problems.push(...(await lookProblems(page, id, 'dark')));
    }
    problems.push(...(await finishedDemoProblems(page, 'dark')));
    console.log(
      `least contrast, dark theme: ${leastContrast.dark?.toFixed(2)}:1 on the slides, ${leastContrast['dark, finished demos']?.toFixed(2)}:1 in the finished demos`,
    );
    expect(problems).toEqual([]);
  });
});

for (const [width, height] of [[360, 640]] as const) {
  test.describe(`on a ${width} × ${height} phone`, () => {
    test.use({ viewport: { width, height }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

    test('every slide fits the width, its text is at least 16 px, its controls at least 44 px, and nothing comes from another origin', async ({
      page,
      baseURL,
    }) => {
      test.setTimeout(180_000);
      const seen = await watch(page, new URL(baseURL!).origin);
      await openDeck(page, `/?${SHORT}`);
      await expect(page.locator('.reveal-viewport.reveal-scroll')).toHaveCount(1);
      const problems: string[] = [];
      for (const id of await allSlideIds(page)) {
        await visitSlide(page, id);
        problems.push(...(await phoneProblems(page, id)));
      }
      expect([...new Set(problems)]).toEqual([]);
      // Pages take their slides' heights: what the reader scrolls through is the slides, with under a tenth between them.
      const { screens, slides, blank } = await page.evaluate(() => {
        const viewport = document.querySelector<HTMLElement>('.reveal-viewport')!;
        const pages = [...document.querySelectorAll<HTMLElement>('.scroll-page')];
        const height = (el: Element | null) => el?.getBoundingClientRect().height ?? 0;
        const between = pages.reduce((sum, p) => sum + height(p) - height(p.querySelector('section')), 0);
        return { screens: viewport.scrollHeight / viewport.clientHeight, slides: pages.length, blank: between / viewport.scrollHeight };
      });
      console.log(`${width} × ${height}: ${slides} slides in ${screens.toFixed(1)} screens, ${(blank * 100).toFixed(1)}% between slides`);
      expect(blank).toBeLessThan(0.1);
      expect(seen.foreign).toEqual([]);
      expect(await seen.violations()).toEqual([]);
    });
  });
}
