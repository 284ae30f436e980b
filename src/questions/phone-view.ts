/**
 * The phone's questions panel: a box to ask a question anonymously, and the
 * room's questions as the presenter publishes them, the most voted first,
 * each approved one with an upvote toggle. The phone's own questions are
 * marked, and those the room cannot see yet say so ("Waiting for the
 * lecturer"), so that a person knows their question arrived.
 *
 * It draws the state it is given and reports it as data- attributes
 * (`[data-questions]` with `data-count`, each `[data-question]` with
 * `data-state` and `data-votes`); it sends what the person did as actions
 * and keeps nothing but the text being typed. Items are reused by question
 * id across renders, and a question's text is set as text, never as HTML.
 */
import { charCount, normaliseText, QUESTION_MAX_CHARS, questionProblem } from '../room/text.ts';
import { attr, firstWords, make, place, show, text, votes } from './dom.ts';
import type { MineItem, PublicItem, QuestionState } from './model.ts';

/** What the phone draws: the published questions, its own, and the ones it upvoted. */
export interface PhoneQuestions {
  /** The questions the presenter published, in the order to show them (model.ts, publicQuestions). */
  items: readonly PublicItem[];
  /** This phone's own questions, as the presenter replied them (model.ts, mine). */
  mine: readonly MineItem[];
  /** The ids of the questions this phone upvoted. */
  upvoted: readonly string[];
  /** How many questions the room may see in all, when more than `items` were published. */
  total?: number;
  /** The presenter's last word to this phone about its question (a thank-you, or why it was refused). */
  note?: string;
}

/** What a person does in the panel. */
export type PhoneAction = { type: 'ask'; text: string } | { type: 'upvote'; id: string; up: boolean };

export interface PhoneView {
  element: HTMLElement;
  render(state: PhoneQuestions): void;
}

interface ItemNodes {
  li: HTMLLIElement;
  text: HTMLParagraphElement;
  mark: HTMLParagraphElement;
  upvote: HTMLButtonElement;
}

const MARK: Record<QuestionState, string> = {
  pending: 'Waiting for the lecturer',
  approved: '',
  hidden: 'Not shown to the room',
  answered: 'Answered',
};

/** Makes the ids that tie the box to its character count unique in the page. */
let serial = 0;

export function createPhoneView(root: HTMLElement, dispatch: (action: PhoneAction) => void): PhoneView {
  const doc = root.ownerDocument;
  const element = make(doc, 'section', 'questions-phone');
  element.setAttribute('aria-label', 'Questions');

  const form = make(doc, 'form', 'questions-ask');
  const label = make(doc, 'label', 'questions-ask-label');
  label.append(make(doc, 'span', undefined, 'Ask a question (anonymous)'));
  const box = make(doc, 'textarea');
  box.name = 'question';
  box.rows = 3;
  box.setAttribute('autocomplete', 'off');
  label.append(box);
  const count = make(doc, 'p', 'questions-ask-count');
  count.id = `questions-ask-count-${++serial}`;
  box.setAttribute('aria-describedby', count.id);
  const send = make(doc, 'button', 'questions-ask-send', 'Ask');
  send.type = 'submit';
  const note = make(doc, 'p', 'questions-note');
  note.setAttribute('role', 'status');
  form.append(label, count, send, note);

  const list = make(doc, 'ol', 'questions-list');
  list.setAttribute('data-questions', '');
  list.setAttribute('aria-label', 'Questions from the room');
  const empty = make(doc, 'p', 'questions-empty', 'No questions yet: ask the first one.');
  const more = make(doc, 'p', 'questions-more');
  element.append(form, list, empty, more);
  root.append(element);

  /** A problem found before sending, shown until the person types again. */
  let problem: string | undefined;
  let last: PhoneQuestions | undefined;

  const counted = () => {
    const n = charCount(normaliseText(box.value));
    text(count, `${n} of ${QUESTION_MAX_CHARS} characters`);
    attr(count, 'data-over', n > QUESTION_MAX_CHARS ? '' : undefined);
  };
  const noted = () => {
    const said = problem ?? last?.note ?? '';
    text(note, said);
    show(note, said !== '');
  };
  box.addEventListener('input', () => {
    counted();
    if (problem !== undefined) {
      problem = undefined;
      noted();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const question = normaliseText(box.value);
    problem = questionProblem(question);
    noted();
    if (problem !== undefined) return;
    box.value = '';
    counted();
    dispatch({ type: 'ask', text: question });
  });
  counted();
  noted();

  const nodes = new Map<string, ItemNodes>();
  const item = (id: string): ItemNodes => {
    const known = nodes.get(id);
    if (known) return known;
    const li = make(doc, 'li', 'questions-item');
    li.dataset.question = id;
    const body = make(doc, 'p', 'questions-text');
    const mark = make(doc, 'p', 'questions-mark');
    const upvote = make(doc, 'button', 'questions-upvote');
    upvote.type = 'button';
    upvote.addEventListener('click', () => dispatch({ type: 'upvote', id, up: upvote.getAttribute('aria-pressed') !== 'true' }));
    li.append(body, mark, upvote);
    const made = { li, text: body, mark, upvote };
    nodes.set(id, made);
    return made;
  };

  return {
    element,
    render(state) {
      last = state;
      noted();
      const published = new Set(state.items.map((q) => q.id));
      const own = new Map(state.mine.map((q) => [q.id, q]));
      const upvoted = new Set(state.upvoted);
      // The phone's own questions the room does not see in the list come first, so that their asker finds them.
      const rows: { id: string; text: string; state: QuestionState; votes: number }[] = [
        ...state.mine.filter((q) => !published.has(q.id)),
        ...state.items,
      ];
      const drawn = rows.map((q) => {
        const n = item(q.id);
        const isMine = own.has(q.id);
        attr(n.li, 'data-state', q.state);
        attr(n.li, 'data-votes', String(q.votes));
        attr(n.li, 'data-mine', isMine ? 'true' : undefined);
        text(n.text, q.text);
        const marks = [MARK[q.state], q.state === 'answered' ? votes(q.votes) : '', isMine ? 'Your question' : ''].filter(Boolean);
        text(n.mark, marks.join(' · '));
        show(n.mark, marks.length > 0);
        const pressed = upvoted.has(q.id);
        show(n.upvote, q.state === 'approved');
        text(n.upvote, `▲ ${q.votes}`);
        attr(n.upvote, 'aria-pressed', String(pressed));
        attr(n.upvote, 'aria-label', `${pressed ? 'Take back your upvote' : 'Upvote'}: ${firstWords(q.text)} (${votes(q.votes)})`);
        return n.li;
      });
      place(list, drawn);
      const shown = new Set(rows.map((q) => q.id));
      for (const id of nodes.keys()) if (!shown.has(id)) nodes.delete(id);

      attr(list, 'data-count', String(drawn.length));
      show(empty, drawn.length === 0);
      const total = state.total ?? state.items.length;
      text(more, total > state.items.length ? `Showing the ${state.items.length} most voted of ${total} questions.` : '');
      show(more, total > state.items.length);
    },
  };
}
