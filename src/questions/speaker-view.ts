/**
 * The lecturer's side of the room's questions, in the speaker view: how many
 * phones are lost on the current slide, whether new questions are published
 * at once, and every question in the book (the waiting ones first), with the
 * moderation buttons that apply to it: Approve, Answered, Hide, and Show on
 * screen (or Take off screen) for the projector's overlay.
 *
 * reveal.js opens the speaker view as a popup window, and this view is
 * appended into it, so it makes every element with `root.ownerDocument`.
 * It draws the book it is given and reports it as data- attributes
 * (`[data-questions]` with `data-count`; each `[data-question]` with
 * `data-state`, `data-votes` and `data-slide`; `[data-lost-indicator]` with
 * `data-lost` and `data-following`), and dispatches the model's actions.
 * Items are reused by question id; a question's text is set as text.
 */
import { attr, make, place, show, text, votes } from './dom.ts';
import { forSpeaker, type Book, type ModerationAction, type QuestionState } from './model.ts';

/** What the speaker view draws: the book, and the phones lost on the current slide of those following. */
export interface SpeakerQuestions {
  book: Book;
  lost: number;
  following: number;
}

export interface SpeakerView {
  element: HTMLElement;
  render(state: SpeakerQuestions): void;
}

type Moderation = 'approve' | 'answer' | 'hide';

interface ItemNodes {
  li: HTMLLIElement;
  text: HTMLParagraphElement;
  meta: HTMLParagraphElement;
  buttons: Record<Moderation, HTMLButtonElement>;
  screen: HTMLButtonElement;
}

const STATE_WORD: Record<QuestionState, string> = {
  pending: 'Waiting',
  approved: 'Approved',
  answered: 'Answered',
  hidden: 'Hidden',
};

/** Which moderation buttons each state offers (the model allows the same moves). */
const OFFERS: Record<QuestionState, readonly Moderation[]> = {
  pending: ['approve', 'answer', 'hide'],
  approved: ['answer', 'hide'],
  answered: ['hide'],
  hidden: ['approve'],
};

const LABEL: Record<Moderation, string> = { approve: 'Approve', answer: 'Answered', hide: 'Hide' };

/** The lost indicator's sentence. */
export function lostLine(lost: number, following: number): string {
  if (following === 0 && lost === 0) return 'No phones are following';
  return `${lost} of ${following} lost on this slide`;
}

export function createSpeakerView(root: HTMLElement, dispatch: (action: ModerationAction) => void): SpeakerView {
  const doc = root.ownerDocument;
  const element = make(doc, 'section', 'questions-speaker');
  element.setAttribute('aria-label', 'Questions from the room');

  const head = make(doc, 'header', 'questions-head');
  const indicator = make(doc, 'p', 'questions-lost');
  indicator.setAttribute('data-lost-indicator', '');
  indicator.setAttribute('aria-live', 'polite');
  const setting = make(doc, 'label', 'questions-setting');
  const publish = make(doc, 'input');
  publish.type = 'checkbox';
  publish.addEventListener('change', () => dispatch({ type: 'setting', publishAtOnce: publish.checked }));
  setting.append(publish, make(doc, 'span', undefined, 'Publish questions at once'));
  head.append(indicator, setting);

  const summary = make(doc, 'p', 'questions-summary');
  const list = make(doc, 'ol', 'questions-list');
  list.setAttribute('data-questions', '');
  const empty = make(doc, 'p', 'questions-empty', 'No questions yet. They appear here as phones ask them.');
  element.append(head, summary, list, empty);
  root.append(element);

  const nodes = new Map<string, ItemNodes>();
  const item = (id: string): ItemNodes => {
    const known = nodes.get(id);
    if (known) return known;
    const li = make(doc, 'li', 'questions-item');
    li.dataset.question = id;
    const body = make(doc, 'p', 'questions-text');
    const meta = make(doc, 'p', 'questions-meta');
    const actions = make(doc, 'div', 'questions-actions');
    const moderation = (type: Moderation): HTMLButtonElement => {
      const b = make(doc, 'button', undefined, LABEL[type]);
      b.type = 'button';
      b.dataset.action = type;
      b.addEventListener('click', () => dispatch({ type, id }));
      actions.append(b);
      return b;
    };
    const buttons = { approve: moderation('approve'), answer: moderation('answer'), hide: moderation('hide') };
    const screen = make(doc, 'button');
    screen.type = 'button';
    screen.addEventListener('click', () => dispatch(screen.dataset.action === 'dismiss' ? { type: 'dismiss' } : { type: 'show', id }));
    actions.append(screen);
    li.append(body, meta, actions);
    const made = { li, text: body, meta, buttons, screen };
    nodes.set(id, made);
    return made;
  };

  return {
    element,
    render({ book, lost, following }) {
      attr(indicator, 'data-lost', String(lost));
      attr(indicator, 'data-following', String(following));
      text(indicator, lostLine(lost, following));
      if (publish.checked !== book.publishAtOnce) publish.checked = book.publishAtOnce;

      const questions = forSpeaker(book);
      const waiting = questions.filter((q) => q.state === 'pending').length;
      text(summary, questions.length === 0 ? '' : `${questions.length} question${questions.length === 1 ? '' : 's'}, ${waiting} waiting`);
      show(summary, questions.length > 0);

      const drawn = questions.map((q) => {
        const n = item(q.id);
        const onScreen = book.shown === q.id;
        attr(n.li, 'data-state', q.state);
        attr(n.li, 'data-votes', String(q.voters.length));
        attr(n.li, 'data-slide', q.slide);
        attr(n.li, 'data-shown', onScreen ? 'true' : undefined);
        text(n.text, q.text);
        text(n.meta, `${STATE_WORD[q.state]} · ▲ ${votes(q.voters.length)} · asked on slide ${q.slide}${onScreen ? ' · on screen' : ''}`);
        for (const type of ['approve', 'answer', 'hide'] as const) show(n.buttons[type], OFFERS[q.state].includes(type));
        const screenable = q.state === 'approved' || q.state === 'answered';
        show(n.screen, screenable);
        attr(n.screen, 'data-action', onScreen ? 'dismiss' : 'show');
        text(n.screen, onScreen ? 'Take off screen' : 'Show on screen');
        return n.li;
      });
      place(list, drawn);
      const present = new Set(questions.map((q) => q.id));
      for (const id of nodes.keys()) if (!present.has(id)) nodes.delete(id);
      attr(list, 'data-count', String(drawn.length));
      show(empty, drawn.length === 0);
    },
  };
}
