/**
 * Readable from the back row: every slide at 1280 × 720, every fragment
 * shown, every demo mounted, measured as it lands on the projector. Text is
 * large enough for its kind (body 28, code 24, figure and control text 18
 * effective px), nothing is cut off or scrolls, and no slide but a title or
 * section slide leaves more than a third of its height empty.
 */
import { expect, test } from '@playwright/test';
import { allSlideIds, openDeck } from './deck.ts';
import { measure, MINIMUM, showAll, type Measured, type TextKind } from './measure.ts';

test.describe.configure({ timeout: 300_000 });

for (const theme of ['light', 'dark'] as const) {
  test(`every slide meets the projection sizes, with nothing clipped and no empty half (${theme} theme)`, async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await openDeck(page, `/?theme=${theme}&train-size=128&test-size=200&epochs=1`);
    const problems: string[] = [];
    const all: Measured[] = [];
    for (const id of await allSlideIds(page)) {
      await showAll(page, id);
      const m = await measure(page, id);
      all.push(m);
      for (const kind of Object.keys(MINIMUM) as TextKind[]) {
        const s = m.smallest[kind];
        if (s && s.px < MINIMUM[kind] - 0.05) problems.push(`#${id}: ${kind} text ${s.px} px < ${MINIMUM[kind]}: ${s.what}`);
      }
      for (const c of m.clipped) problems.push(`#${id}: ${c}`);
      if (!m.sparse && m.emptyBelow > 1 / 3)
        problems.push(`#${id}: ${Math.round(m.emptyBelow * 100)}% of the slide is empty below its content`);
    }
    if (process.env.LAYOUT_REPORT) console.log(JSON.stringify(all, null, 1));
    expect(problems).toEqual([]);
  });
}
