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
 * - on the projector in the dark theme: the sizes and clipping again;
 * - on two phones (360 × 640 and 412 × 915) in the scroll view: nothing
 *   wider than the screen, text of at least 16 px, controls of at least
 *   44 px, and nothing from another origin.
 */
import { expect, test, type Page } from '@playwright/test';
import { allSlideIds, openDeck, visitSlide } from './deck.ts';
import { measure, MINIMUM, phoneProblems, showAll, type TextKind } from './measure.ts';

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
  test.describe.configure({ timeout: 300_000 });
  test.use({ viewport: { width: 1280, height: 720 } });

  test('every slide is readable from the back row, accessible, self-contained and within its policy, and no slide fetches TensorFlow.js', async ({
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
    expect(problems).toEqual([]);
    expect(seen.foreign).toEqual([]);
    expect(await seen.violations()).toEqual([]);
    // Every training demo mounted on its slide, and none of them started the worker.
    expect(await page.locator('figure[data-demo-state="ready"][data-state="idle"]').count()).toBeGreaterThanOrEqual(5);
    // (The data slide fetches its first MNIST shard itself, without TensorFlow.js.)
    expect(seen.requests.filter((p) => /worker-|tfjs|\.wasm$/.test(p))).toEqual([]);
    // Asked to train, the live slide fetches it.
    await visitSlide(page, 'live-training');
    await page.keyboard.press('t');
    await expect.poll(() => seen.requests.some((p) => /\/_astro\/worker-[\w-]+\.js$/.test(p))).toBe(true);
  });

  test('every slide is as readable in the dark theme', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await openDeck(page, `/?theme=dark&${SHORT}`);
    const problems: string[] = [];
    for (const id of await allSlideIds(page)) {
      await showAll(page, id);
      problems.push(...(await layoutProblems(page, id)));
    }
    expect(problems).toEqual([]);
  });
});

for (const [width, height] of [
  [360, 640],
  [412, 915],
] as const) {
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
      expect(seen.foreign).toEqual([]);
      expect(await seen.violations()).toEqual([]);
    });
  });
}
