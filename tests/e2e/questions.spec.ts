/**
 * The room asks: a presenter's window with reveal.js's speaker view open (S),
 * and three phones (390 × 844, touch) following it through the relay that the
 * deck's own server runs, as `npm start` serves it. A phone asks from its
 * "Ask" dialog; the question waits for the lecturer in the speaker view, and
 * only its asker sees it meanwhile; approved, it reaches every phone, which
 * upvote it; the lecturer shows it on the projector's overlay, marks it
 * answered or hides it; phones say "Lost", counted in the speaker view and
 * cleared when the lecture moves on. A question's text is shown as text
 * everywhere, and what the phone or the relay refuses is said on the phone.
 *
 * One test in steps, over one server with the relay's default limits (one
 * question a minute per phone): each phone asks at most once until the
 * last step, which is where the relay's refusal is wanted.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { currentSlideId } from './deck.ts';
import { presenterGoesTo, useHall } from './hall.ts';

const KEY = 'questions-test-presenter-key-5b81d07e93';
test.describe.configure({ timeout: 120_000 });

// The relay's default limits, one question a minute per phone among them.
const hall = useHall(KEY);

/** Opens the speaker view (S) from the presenter's window, and waits until the deck has drawn the room's questions into it. */
async function openSpeakerView(page: Page): Promise<Page> {
  const [speaker] = await Promise.all([page.context().waitForEvent('page'), page.keyboard.press('s')]);
  await speaker.waitForLoadState();
  // The deck draws the list at the speaker view's first heartbeat (one a second).
  await expect(speaker.locator('#speaker-controls .speaker-controls-questions .questions-speaker')).toHaveCount(1, { timeout: 20_000 });
  return speaker;
}

/** The phone's own list of questions, in its "Ask" dialog. */
const phoneList = (p: Page) => p.locator('dialog.questions-dialog [data-questions]');
const phoneItems = (p: Page) => phoneList(p).locator('[data-question]');
const phoneItem = (p: Page, text: string) => phoneItems(p).filter({ hasText: text });

/** Opens a phone's questions dialog with its "Ask" button, unless it is open already. */
async function openQuestions(p: Page): Promise<Locator> {
  const dialog = p.locator('dialog.questions-dialog');
  if (!(await dialog.isVisible())) await p.locator('.room-status .room-actions button.room-ask').tap();
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Closes a phone's questions dialog (a modal one keeps the rest of the page out of reach). */
async function closeQuestions(p: Page): Promise<void> {
  const dialog = p.locator('dialog.questions-dialog');
  if (await dialog.isVisible()) await dialog.locator('button.questions-close').tap();
  await expect(dialog).toBeHidden();
}

/** Types a question into a phone's dialog and sends it. */
async function ask(p: Page, text: string): Promise<void> {
  const dialog = await openQuestions(p);
  await dialog.locator('textarea[name="question"]').fill(text);
  await dialog.locator('button.questions-ask-send').tap();
}

/**
 * Keeps, in the phone's page, every question its list ever draws, as
 * "text|state": a later barrier (the question arriving approved) then proves
 * that it never showed it before, which a count of 0 at one moment cannot.
 */
async function recordQuestions(p: Page): Promise<void> {
  await expect(phoneList(p)).toHaveCount(1);
  await p.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenQuestions: string[] }).seenQuestions = seen;
    const list = document.querySelector('dialog.questions-dialog [data-questions]')!;
    const note = () =>
      list
        .querySelectorAll<HTMLElement>('[data-question]')
        .forEach((li) => seen.push(`${li.querySelector('.questions-text')?.textContent ?? ''}|${li.dataset.state ?? ''}`));
    note();
    new MutationObserver(note).observe(list, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

const seenQuestions = (p: Page) => p.evaluate(() => (window as unknown as { seenQuestions: string[] }).seenQuestions);

const FIRST = 'What does RMSprop keep?';
const SECOND = 'Why does Adam divide by the square root of v?';
const XSS = '<img src=x onerror=alert(1)>';

test('phones ask, the lecturer moderates in the speaker view and shows a question on screen, phones upvote and say they are lost, and text stays text', async ({
  browser,
}) => {
  const projector = await hall().presenter(browser);
  await presenterGoesTo(projector, 'vocabulary');
  const [a, b, c] = [await hall().phone(browser), await hall().phone(browser), await hall().phone(browser)];
  const phones = [a, b, c];
  for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room', 'following');
  for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room-slide', 'vocabulary');
  const speaker = await openSpeakerView(projector);
  const board = speaker.locator('#speaker-controls .questions-speaker');
  const speakerItem = (text: string) => board.locator('[data-questions] [data-question]').filter({ hasText: text });
  const overlay = projector.locator('.questions-overlay');
  await expect(overlay).toBeHidden();
  // Questions wait for the lecturer unless the speaker view says to publish them at once.
  await expect(board.getByRole('checkbox', { name: 'Publish questions at once' })).not.toBeChecked();

  // Any alert(), from any page, is a question's text run as markup.
  const alerts: string[] = [];
  for (const page of [projector, speaker, ...phones]) {
    page.on('dialog', (dialog) => {
      alerts.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => {});
    });
  }
  for (const p of [b, c]) await recordQuestions(p);

  await test.step('a phone asks: the speaker view lists it, waiting, with its slide; its asker sees it waiting, the others do not', async () => {
    await ask(a, FIRST);
    const listed = speakerItem(FIRST);
    await expect(listed).toHaveCount(1);
    await expect(listed).toHaveAttribute('data-state', 'pending');
    await expect(listed).toHaveAttribute('data-slide', 'vocabulary');
    await expect(listed.locator('.questions-text')).toHaveText(FIRST);
    await expect(listed.locator('.questions-meta')).toContainText('asked on slide vocabulary');
    const own = phoneItem(a, FIRST);
    await expect(own).toHaveAttribute('data-state', 'pending');
    await expect(own).toHaveAttribute('data-mine', 'true');
    await expect(own.locator('.questions-mark')).toContainText('Waiting for the lecturer');
    // The speaker view and the asker have it: the others, which hear the room's list after the deck took it, show none.
    for (const p of [b, c]) await expect(phoneList(p)).toHaveAttribute('data-count', '0');
    for (const p of [b, c]) await expect(phoneItems(p)).toHaveCount(0);
  });

  await test.step('the lecturer approves it: every phone shows it, approved', async () => {
    await speakerItem(FIRST).getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(speakerItem(FIRST)).toHaveAttribute('data-state', 'approved');
    for (const p of phones) {
      await expect(phoneItem(p, FIRST)).toHaveAttribute('data-state', 'approved');
      await expect(phoneItem(p, FIRST).locator('.questions-text')).toHaveText(FIRST);
    }
    // Those that saw it only once approved never drew it while it waited.
    for (const p of [b, c]) {
      const seen = (await seenQuestions(p)).filter((s) => s.startsWith(`${FIRST}|`));
      expect(seen.length).toBeGreaterThan(0);
      expect(
        seen.every((s) => s === `${FIRST}|approved`),
        seen.join(', '),
      ).toBe(true);
    }
  });

  await test.step('a second question, approved and upvoted by two phones, comes first everywhere; an upvote taken back counts no more', async () => {
    await ask(b, SECOND);
    await expect(speakerItem(SECOND)).toHaveAttribute('data-state', 'pending');
    await speakerItem(SECOND).getByRole('button', { name: 'Approve', exact: true }).click();
    for (const p of phones) await expect(phoneItem(p, SECOND)).toHaveAttribute('data-state', 'approved');
    const upvote = (p: Page) => phoneItem(p, SECOND).locator('button.questions-upvote');
    await openQuestions(c);
    for (const p of [a, c]) {
      await upvote(p).tap();
      await expect(upvote(p)).toHaveAttribute('aria-pressed', 'true');
    }
    for (const p of phones) {
      await expect(phoneItems(p).first()).toHaveAttribute('data-votes', '2');
      await expect(phoneItems(p).first().locator('.questions-text')).toHaveText(SECOND);
      await expect(phoneItems(p).nth(1).locator('.questions-text')).toHaveText(FIRST);
    }
    await expect(speakerItem(SECOND)).toHaveAttribute('data-votes', '2');
    // The same phone taps again: its upvote is taken back.
    await upvote(a).tap();
    await expect(upvote(a)).toHaveAttribute('aria-pressed', 'false');
    for (const p of phones) await expect(phoneItem(p, SECOND)).toHaveAttribute('data-votes', '1');
    await expect(speakerItem(SECOND)).toHaveAttribute('data-votes', '1');
    // And given again.
    await upvote(a).tap();
    await expect(upvote(a)).toHaveAttribute('aria-pressed', 'true');
    for (const p of phones) {
      await expect(phoneItems(p).first()).toHaveAttribute('data-votes', '2');
      await expect(phoneItems(p).first().locator('.questions-text')).toHaveText(SECOND);
    }
    await expect(speakerItem(SECOND)).toHaveAttribute('data-votes', '2');
  });

  await test.step('shown on screen, the question is on the projector until a key takes it away, which moves no slide; then it is answered', async () => {
    await speakerItem(SECOND).getByRole('button', { name: 'Show on screen', exact: true }).click();
    await expect(overlay).toBeVisible();
    await expect(overlay.locator('.questions-overlay-text')).toHaveText(SECOND);
    await expect(overlay).toHaveAttribute('data-votes', '2');
    await expect(speakerItem(SECOND)).toHaveAttribute('data-shown', 'true');
    await expect(speakerItem(SECOND).getByRole('button', { name: 'Take off screen', exact: true })).toBeVisible();
    const indices = () =>
      projector.evaluate(() => JSON.stringify((window as unknown as { Reveal: { getIndices(): unknown } }).Reveal.getIndices()));
    const before = await indices();
    expect(await currentSlideId(projector)).toBe('vocabulary');
    // The key that would move the deck takes the question away, and does nothing else.
    await projector.keyboard.press('ArrowRight');
    await expect(overlay).toBeHidden();
    await expect(speakerItem(SECOND)).not.toHaveAttribute('data-shown', 'true');
    await expect(speakerItem(SECOND).getByRole('button', { name: 'Show on screen', exact: true })).toBeVisible();
    expect(await currentSlideId(projector)).toBe('vocabulary');
    expect(await indices()).toBe(before);
    expect(await projector.evaluate(() => location.hash)).toBe('#/vocabulary');

    await speakerItem(SECOND).getByRole('button', { name: 'Answered', exact: true }).click();
    await expect(speakerItem(SECOND)).toHaveAttribute('data-state', 'answered');
    for (const p of phones) {
      await expect(phoneItem(p, SECOND)).toHaveAttribute('data-state', 'answered');
      await expect(phoneItem(p, SECOND).locator('.questions-mark')).toContainText('Answered');
    }
  });

  await test.step('a hidden question leaves the room’s list on every phone; its asker still sees it, marked', async () => {
    for (const p of phones) await expect(phoneItems(p)).toHaveCount(2);
    await speakerItem(FIRST).getByRole('button', { name: 'Hide', exact: true }).click();
    await expect(speakerItem(FIRST)).toHaveAttribute('data-state', 'hidden');
    for (const p of [b, c]) {
      await expect(phoneItems(p)).toHaveCount(1);
      await expect(phoneItem(p, FIRST)).toHaveCount(0);
      await expect(phoneList(p)).toHaveAttribute('data-count', '1');
    }
    // The asker keeps its own question in its list, said to be kept from the room (phone-view.ts: "Not shown to the room").
    await expect(phoneItem(a, FIRST)).toHaveAttribute('data-state', 'hidden');
    await expect(phoneItem(a, FIRST).locator('.questions-mark')).toContainText('Not shown to the room');
    await expect(phoneItem(a, SECOND)).toHaveAttribute('data-state', 'answered');
  });

  await test.step('two phones say they are lost: the speaker view counts 2 of 3, and the next slide clears the count and the phones’ buttons', async () => {
    for (const p of phones) await closeQuestions(p);
    const indicator = board.locator('[data-lost-indicator]');
    await expect(indicator).toHaveAttribute('data-following', '3');
    await expect(indicator).toHaveAttribute('data-lost', '0');
    const lost = (p: Page) => p.locator('.room-status .room-actions').getByRole('button', { name: "I'm lost on this slide" });
    for (const p of [a, b]) {
      await expect(lost(p)).toHaveAttribute('aria-pressed', 'false');
      await lost(p).tap();
      await expect(lost(p)).toHaveAttribute('aria-pressed', 'true');
    }
    await expect(indicator).toHaveAttribute('data-lost', '2');
    await expect(indicator).toHaveAttribute('data-following', '3');
    await expect(indicator).toHaveText('2 of 3 lost on this slide');
    await expect(lost(c)).toHaveAttribute('aria-pressed', 'false');
    // The lecture moves on (vocabulary has no fragments: one press is the next slide).
    await projector.keyboard.press('ArrowRight');
    await expect.poll(() => currentSlideId(projector)).not.toBe('vocabulary');
    const next = (await currentSlideId(projector))!;
    for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room-slide', next);
    await expect(indicator).toHaveAttribute('data-lost', '0');
    await expect(indicator).toHaveAttribute('data-following', '3');
    await expect(indicator).toHaveText('0 of 3 lost on this slide');
    for (const p of phones) await expect(lost(p)).toHaveAttribute('aria-pressed', 'false');
  });

  await test.step('markup in a question is shown as text in the speaker view, on the projector and on every phone, and never runs', async () => {
    await ask(c, XSS);
    await expect(speakerItem(XSS)).toHaveAttribute('data-state', 'pending');
    await expect(speakerItem(XSS).locator('.questions-text')).toHaveText(XSS);
    await speakerItem(XSS).getByRole('button', { name: 'Approve', exact: true }).click();
    await speakerItem(XSS).getByRole('button', { name: 'Show on screen', exact: true }).click();
    await expect(overlay).toBeVisible();
    await expect(overlay.locator('.questions-overlay-text')).toHaveText(XSS);
    for (const p of [a, b, c]) await openQuestions(p);
    for (const p of phones) {
      await expect(phoneItem(p, XSS)).toHaveAttribute('data-state', 'approved');
      await expect(phoneItem(p, XSS).locator('.questions-text')).toHaveText(XSS);
    }
    for (const page of [projector, speaker, ...phones]) await expect(page.locator('img[src="x"]')).toHaveCount(0);
    // A click on the card takes it away too (the overlay's backdrop lets clicks through to the slide; the card does not).
    await overlay.locator('.questions-card').click();
    await expect(overlay).toBeHidden();
    expect(alerts).toEqual([]);
  });

  await test.step('what is refused is said on the phone: a question over 280 characters before it is sent, a second one within the minute by the relay', async () => {
    const dialog = await openQuestions(c);
    const box = dialog.locator('textarea[name="question"]');
    const note = dialog.locator('.questions-note');
    const long = 'x'.repeat(281);
    await box.fill(long);
    await expect(dialog.locator('.questions-ask-count')).toHaveAttribute('data-over', '');
    await dialog.locator('button.questions-ask-send').tap();
    await expect(note).toBeVisible();
    await expect(note).toContainText('280');
    await expect(note).toContainText('281');
    // Not sent: the box keeps what was typed.
    await expect(box).toHaveValue(long);
    // This phone asked a minute ago at most: the relay refuses the next one, and the phone says why.
    const again = 'And what does Adam keep that RMSprop does not?';
    await box.fill(again);
    await dialog.locator('button.questions-ask-send').tap();
    await expect(note).toContainText('One question a minute');
    // Refused by the relay, so the presenter never had it.
    await expect(speakerItem(again)).toHaveCount(0);
    await expect(phoneItem(c, again)).toHaveCount(0);
    expect(alerts).toEqual([]);
  });
});
