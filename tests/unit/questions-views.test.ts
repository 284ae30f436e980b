// @vitest-environment happy-dom
/**
 * The room's question views (src/questions): the phone's panel, the speaker
 * view's list and the projector's overlay draw the states they are given
 * and report them as data- attributes, set a phone's text as text (a string
 * of markup stays characters, and no element comes of it), send what a
 * person did as actions, and keep each question's element across renders.
 * The speaker view is built in another document, as in reveal.js's popup.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOverlayView } from '../../src/questions/overlay.ts';
import { createPhoneView, type PhoneAction, type PhoneQuestions } from '../../src/questions/phone-view.ts';
import { createSpeakerView } from '../../src/questions/speaker-view.ts';
import { emptyBook, mine, publicQuestions, reduce, shownQuestion, type Book, type BookAction } from '../../src/questions/model.ts';

const XSS = '<img src=x onerror=alert(1)>';
const PHONE = (k: number) => `phone-${k}-abcdef`;

let clock = 0;
const asked = (from: string, text: string, slide = 'intro'): BookAction => ({ type: 'asked', from, text, slide, at: ++clock });
const apply = (book: Book, actions: BookAction[]) => actions.reduce(reduce, book);

/** q1 approved with two votes, q2 answered, q3 waiting, q4 hidden, q5 approved (the markup string). */
function sampleBook(): Book {
  return apply(emptyBook(), [
    asked(PHONE(1), 'Why does ReLU work so well?'),
    asked(PHONE(2), 'What is a tensor, again?', 'tensors'),
    asked(PHONE(3), 'Is the learning rate tuned by hand?'),
    asked(PHONE(4), 'Off-topic remark'),
    asked(PHONE(5), XSS),
    { type: 'approve', id: 'q1' },
    { type: 'approve', id: 'q5' },
    { type: 'upvote', from: PHONE(8), id: 'q1', up: true },
    { type: 'upvote', from: PHONE(9), id: 'q1', up: true },
    { type: 'answer', id: 'q2' },
    { type: 'hide', id: 'q4' },
  ]);
}

function phoneState(book: Book, from: string, upvoted: string[] = []): PhoneQuestions {
  const { items, total } = publicQuestions(book);
  return { items, total, mine: mine(book, from), upvoted };
}

const items = (root: ParentNode) => [...root.querySelectorAll<HTMLElement>('[data-question]')];
const describeItems = (root: ParentNode) => items(root).map((li) => `${li.dataset.question}:${li.dataset.state}:${li.dataset.votes}`);

afterEach(() => document.body.replaceChildren());

describe('the phone’s panel', () => {
  function mount() {
    const root = document.createElement('div');
    document.body.append(root);
    const dispatch = vi.fn<(action: PhoneAction) => void>();
    return { root, dispatch, view: createPhoneView(root, dispatch) };
  }

  it('lists the published questions, the phone’s own waiting one first, with its marks', () => {
    const { root, view } = mount();
    view.render(phoneState(sampleBook(), PHONE(3)));
    const list = root.querySelector<HTMLElement>('[data-questions]')!;
    expect(list.dataset.count).toBe('4');
    expect(describeItems(root)).toEqual(['q3:pending:0', 'q1:approved:2', 'q5:approved:0', 'q2:answered:0']);
    const [own, top, , answered] = items(root);
    expect(own!.dataset.mine).toBe('true');
    expect(own!.querySelector('.questions-mark')!.textContent).toBe('Waiting for the lecturer · Your question');
    expect(own!.querySelector<HTMLButtonElement>('.questions-upvote')!.hidden).toBe(true);
    expect(answered!.querySelector('.questions-mark')!.textContent).toBe('Answered · 0 votes');
    expect(answered!.querySelector<HTMLButtonElement>('.questions-upvote')!.hidden).toBe(true);
    const upvote = top!.querySelector<HTMLButtonElement>('.questions-upvote')!;
    expect(upvote.tagName).toBe('BUTTON');
    expect(upvote.type).toBe('button');
    expect(upvote.hidden).toBe(false);
    expect(upvote.textContent).toBe('▲ 2');
    expect(upvote.getAttribute('aria-pressed')).toBe('false');
    expect(upvote.getAttribute('aria-label')).toBe('Upvote: Why does ReLU work so well? (2 votes)');
    expect(top!.querySelector<HTMLElement>('.questions-mark')!.hidden).toBe(true);
  });

  it('sets a question’s markup as text: no element comes of it', () => {
    const { root, view } = mount();
    view.render(phoneState(sampleBook(), PHONE(5)));
    expect(root.querySelector('img')).toBeNull();
    const li = root.querySelector('[data-question="q5"]')!;
    expect(li.querySelector('.questions-text')!.textContent).toBe(XSS);
    expect(li.querySelector('.questions-text')!.children).toHaveLength(0);
    expect(li.querySelector('.questions-upvote')!.getAttribute('aria-label')).toBe(`Upvote: ${XSS} (0 votes)`);
  });

  it('sends an upvote, and its taking back once pressed', () => {
    const { root, dispatch, view } = mount();
    const book = sampleBook();
    view.render(phoneState(book, PHONE(7)));
    const button = () => root.querySelector<HTMLButtonElement>('[data-question="q5"] .questions-upvote')!;
    button().click();
    expect(dispatch).toHaveBeenLastCalledWith({ type: 'upvote', id: 'q5', up: true });
    view.render(phoneState(reduce(book, { type: 'upvote', from: PHONE(7), id: 'q5', up: true }), PHONE(7), ['q5']));
    expect(button().getAttribute('aria-pressed')).toBe('true');
    expect(button().textContent).toBe('▲ 1');
    expect(button().getAttribute('aria-label')).toMatch(/^Take back your upvote: /);
    button().click();
    expect(dispatch).toHaveBeenLastCalledWith({ type: 'upvote', id: 'q5', up: false });
  });

  it('reuses each question’s element across renders, in the new order', () => {
    const { root, view } = mount();
    const book = sampleBook();
    view.render(phoneState(book, PHONE(7)));
    const before = new Map(items(root).map((li) => [li.dataset.question, li]));
    const voted = apply(book, [
      { type: 'upvote', from: PHONE(10), id: 'q5', up: true },
      { type: 'upvote', from: PHONE(11), id: 'q5', up: true },
      { type: 'upvote', from: PHONE(12), id: 'q5', up: true },
    ]);
    view.render(phoneState(voted, PHONE(7)));
    expect(describeItems(root)).toEqual(['q5:approved:3', 'q1:approved:2', 'q2:answered:0']);
    for (const li of items(root)) expect(li).toBe(before.get(li.dataset.question));
    view.render(phoneState(reduce(voted, { type: 'hide', id: 'q1' }), PHONE(7)));
    expect(describeItems(root)).toEqual(['q5:approved:3', 'q2:answered:0']);
  });

  it('says so when there are no questions, and when only the most voted are shown', () => {
    const { root, view } = mount();
    view.render({ items: [], mine: [], upvoted: [] });
    expect(root.querySelector<HTMLElement>('[data-questions]')!.dataset.count).toBe('0');
    expect(root.querySelector<HTMLElement>('.questions-empty')!.hidden).toBe(false);
    const { items: published } = publicQuestions(sampleBook());
    view.render({ items: published, total: 73, mine: [], upvoted: [] });
    expect(root.querySelector<HTMLElement>('.questions-empty')!.hidden).toBe(true);
    expect(root.querySelector('.questions-more')!.textContent).toBe('Showing the 3 most voted of 73 questions.');
  });

  it('sends a question once normalised, refuses an empty or long one with a sentence, and shows the presenter’s reply', () => {
    const { root, dispatch, view } = mount();
    view.render({ items: [], mine: [], upvoted: [] });
    const box = root.querySelector('textarea')!;
    const form = root.querySelector('form')!;
    const note = root.querySelector<HTMLElement>('.questions-note')!;
    const count = root.querySelector<HTMLElement>('.questions-ask-count')!;
    expect(count.textContent).toBe('0 of 280 characters');
    expect(box.getAttribute('aria-describedby')).toBe(count.id);
    expect(box.closest('label')!.textContent).toBe('Ask a question (anonymous)');
    form.requestSubmit();
    expect(dispatch).not.toHaveBeenCalled();
    expect(note.textContent).toMatch(/empty/);
    expect(note.hidden).toBe(false);
    box.value = 'x'.repeat(281);
    box.dispatchEvent(new Event('input'));
    expect(count.textContent).toBe('281 of 280 characters');
    expect(count.hasAttribute('data-over')).toBe(true);
    expect(note.hidden).toBe(true);
    form.requestSubmit();
    expect(dispatch).not.toHaveBeenCalled();
    expect(note.textContent).toMatch(/at most 280/);
    box.value = `  ${XSS}\n `;
    box.dispatchEvent(new Event('input'));
    form.requestSubmit();
    expect(dispatch).toHaveBeenCalledWith({ type: 'ask', text: XSS });
    expect(box.value).toBe('');
    view.render({ items: [], mine: [], upvoted: [], note: 'Thank you: your question waits for the lecturer.' });
    expect(note.textContent).toBe('Thank you: your question waits for the lecturer.');
  });
});

describe('the speaker view’s list', () => {
  /** Mounted in a document of its own, as in reveal.js's speaker-view popup. */
  function mount() {
    const popup = document.implementation.createHTMLDocument('Speaker view');
    const root = popup.createElement('div');
    popup.body.append(root);
    const dispatch = vi.fn<(action: BookAction) => void>();
    return { popup, root, dispatch, view: createSpeakerView(root, dispatch) };
  }

  it('is built in its root’s document, not the global one', () => {
    const { popup, root } = mount();
    const section = root.querySelector('.questions-speaker')!;
    expect(section.ownerDocument).toBe(popup);
    expect(document.querySelector('.questions-speaker')).toBeNull();
  });

  it('lists every question for the lecturer, the waiting ones first, with the buttons that apply', () => {
    const { root, view } = mount();
    view.render({ book: sampleBook(), lost: 2, following: 3 });
    const list = root.querySelector<HTMLElement>('[data-questions]')!;
    expect(list.dataset.count).toBe('5');
    expect(describeItems(root)).toEqual(['q3:pending:0', 'q1:approved:2', 'q5:approved:0', 'q2:answered:0', 'q4:hidden:0']);
    const offered = items(root).map((li) =>
      [...li.querySelectorAll<HTMLButtonElement>('button')].filter((b) => !b.hidden).map((b) => b.textContent),
    );
    expect(offered).toEqual([
      ['Approve', 'Answered', 'Hide'],
      ['Answered', 'Hide', 'Show on screen'],
      ['Answered', 'Hide', 'Show on screen'],
      ['Hide', 'Show on screen'],
      ['Approve'],
    ]);
    const tensors = root.querySelector<HTMLElement>('[data-question="q2"]')!;
    expect(tensors.dataset.slide).toBe('tensors');
    expect(tensors.querySelector('.questions-meta')!.textContent).toBe('Answered · ▲ 0 votes · asked on slide tensors');
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('[data-question="q5"] .questions-text')!.textContent).toBe(XSS);
  });

  it('shows how many are lost on the slide, and the setting', () => {
    const { root, view } = mount();
    view.render({ book: emptyBook(true), lost: 2, following: 3 });
    const indicator = root.querySelector<HTMLElement>('[data-lost-indicator]')!;
    expect(indicator.dataset.lost).toBe('2');
    expect(indicator.dataset.following).toBe('3');
    expect(indicator.textContent).toBe('2 of 3 lost on this slide');
    const box = root.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    expect(box.checked).toBe(true);
    expect(box.closest('label')!.textContent).toBe('Publish questions at once');
    expect(root.querySelector<HTMLElement>('[data-questions]')!.dataset.count).toBe('0');
    expect(root.querySelector<HTMLElement>('.questions-empty')!.hidden).toBe(false);
    view.render({ book: emptyBook(), lost: 0, following: 0 });
    expect(indicator.textContent).toBe('No phones are following');
    expect(box.checked).toBe(false);
  });

  it('dispatches the moderation actions, the setting, and the overlay’s show and dismiss', () => {
    const { root, dispatch, view } = mount();
    const book = sampleBook();
    view.render({ book, lost: 0, following: 1 });
    const click = (id: string, label: string) =>
      [...root.querySelectorAll<HTMLButtonElement>(`[data-question="${id}"] button`)].find((b) => b.textContent === label)!.click();
    click('q3', 'Approve');
    expect(dispatch).toHaveBeenLastCalledWith({ type: 'approve', id: 'q3' });
    click('q3', 'Hide');
    expect(dispatch).toHaveBeenLastCalledWith({ type: 'hide', id: 'q3' });
    click('q1', 'Answered');
    expect(dispatch).toHaveBeenLastCalledWith({ type: 'answer', id: 'q1' });
    click('q1', 'Show on screen');
    expect(dispatch).toHaveBeenLastCalledWith({ type: 'show', id: 'q1' });
    view.render({ book: reduce(book, { type: 'show', id: 'q1' }), lost: 0, following: 1 });
    expect(root.querySelector<HTMLElement>('[data-question="q1"]')!.dataset.shown).toBe('true');
    click('q1', 'Take off screen');
    expect(dispatch).toHaveBeenLastCalledWith({ type: 'dismiss' });
    const box = root.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    box.click();
    expect(dispatch).toHaveBeenLastCalledWith({ type: 'setting', publishAtOnce: true });
  });

  it('reuses each question’s element as the book changes', () => {
    const { root, view } = mount();
    const book = sampleBook();
    view.render({ book, lost: 0, following: 1 });
    const before = new Map(items(root).map((li) => [li.dataset.question, li]));
    const next = apply(book, [
      { type: 'approve', id: 'q3' },
      { type: 'upvote', from: PHONE(1), id: 'q3', up: true },
      { type: 'upvote', from: PHONE(2), id: 'q3', up: true },
      { type: 'upvote', from: PHONE(4), id: 'q3', up: true },
    ]);
    view.render({ book: next, lost: 0, following: 1 });
    expect(describeItems(root)).toEqual(['q3:approved:3', 'q1:approved:2', 'q5:approved:0', 'q2:answered:0', 'q4:hidden:0']);
    for (const li of items(root)) expect(li).toBe(before.get(li.dataset.question));
  });
});

describe('the projector’s overlay', () => {
  it('shows the question as text in a card, and hides itself for none', () => {
    const root = document.createElement('div');
    document.body.append(root);
    const overlay = createOverlayView(root);
    const element = overlay.element;
    expect(element.getAttribute('role')).toBe('dialog');
    expect(element.getAttribute('aria-modal')).toBe('false');
    expect(element.getAttribute('aria-live')).toBe('polite');
    expect(element.hidden).toBe(true);
    const book = reduce(sampleBook(), { type: 'show', id: 'q5' });
    overlay.render(shownQuestion(book));
    expect(element.hidden).toBe(false);
    expect(element.dataset.question).toBe('q5');
    expect(element.querySelector('.questions-overlay-text')!.textContent).toBe(XSS);
    expect(element.querySelector('img')).toBeNull();
    expect(element.textContent).toContain('Question from the room');
    expect(element.querySelector('.questions-overlay-votes')!.textContent).toBe('▲ 0 votes');
    overlay.render(shownQuestion(reduce(book, { type: 'dismiss' })));
    expect(element.hidden).toBe(true);
    expect(element.dataset.question).toBeUndefined();
  });
});
