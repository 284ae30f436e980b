/**
 * The projector's overlay for a question from the room: a large card with
 * the question, its votes, and "Question from the room", so that the hall
 * reads what the lecturer answers. It draws the question it is given, or
 * hides itself for none; the caller wires its dismissal (a key, a click)
 * through the element it exposes. The question's text is set as text.
 */
import { attr, make, show, text, votes } from './dom.ts';
import type { PublicItem } from './model.ts';

/** What the overlay shows of a question (model.ts, shownQuestion gives it). */
export type OverlayQuestion = Pick<PublicItem, 'id' | 'text' | 'votes'>;

export interface OverlayView {
  element: HTMLElement;
  render(question: OverlayQuestion | undefined): void;
}

export function createOverlayView(root: HTMLElement): OverlayView {
  const doc = root.ownerDocument;
  const element = make(doc, 'div', 'questions-overlay');
  element.setAttribute('role', 'dialog');
  element.setAttribute('aria-modal', 'false');
  element.setAttribute('aria-live', 'polite');
  element.setAttribute('aria-label', 'Question from the room');
  element.hidden = true;
  const card = make(doc, 'div', 'questions-card');
  const label = make(doc, 'p', 'questions-overlay-label', 'Question from the room');
  const body = make(doc, 'p', 'questions-overlay-text');
  const count = make(doc, 'p', 'questions-overlay-votes');
  card.append(label, body, count);
  element.append(card);
  root.append(element);

  return {
    element,
    render(question) {
      show(element, question !== undefined);
      attr(element, 'data-question', question?.id);
      attr(element, 'data-votes', question === undefined ? undefined : String(question.votes));
      text(body, question?.text ?? '');
      text(count, question === undefined ? '' : `▲ ${votes(question.votes)}`);
    },
  };
}
