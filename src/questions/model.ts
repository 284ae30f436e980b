/**
 * The room's questions, as data: the question book that the presenter's deck
 * keeps while phones ask anonymous questions and upvote the ones the room
 * may see. The deck is the single source of truth: the relay forwards each
 * phone's message to it with the phone's anonymous id (`from`), the deck
 * folds it into its book with `reduce` (or `ask`, which also says why a
 * question was refused), and publishes to the phones only what
 * `publicQuestions` gives: the approved and answered questions, with their
 * votes, never who asked or who voted.
 *
 * Moderation: a question waits (pending) until the lecturer approves it,
 * unless the book publishes questions at once; the lecturer may hide one,
 * mark it answered, or show it on the projector's overlay. Phones upvote
 * approved questions, once each; the asker may upvote their own, as Slido
 * allows, since a rule against it would only teach people to ask from a
 * second tab.
 *
 * Pure and DOM-free. `reduce` returns the very book it was given when an
 * action changes nothing, so that a caller can skip a redraw by comparing
 * identities.
 */
import { normaliseText, questionProblem } from '../room/text.ts';

/** pending: waits for the lecturer; approved: the room sees it and votes; hidden: kept off the list; answered: done, still listed. */
export type QuestionState = 'pending' | 'approved' | 'hidden' | 'answered';

export interface Question {
  /** 'q' and the book's counter in base 36 (`q1`, `qa`, `q1z`): unique within the book, and safe in an attribute or a key. */
  id: string;
  /** The anonymous id the relay gave the phone that asked. Never leaves the presenter's deck. */
  from: string;
  /** The question, normalised (src/room/text.ts). */
  text: string;
  /** The id of the slide the presenter showed when it was asked. */
  slide: string;
  state: QuestionState;
  /** The phones that upvoted it, by anonymous id, in the order they voted. Never leaves the presenter's deck. */
  voters: readonly string[];
  /** When it was asked: the caller's clock, in milliseconds (since the book started, or since the epoch). */
  at: number;
}

export interface Book {
  /** Every question, in the order they were asked. */
  questions: readonly Question[];
  /** The counter the next question's id is made from. */
  next: number;
  /** Whether a new question is approved as it arrives, rather than waiting for the lecturer. */
  publishAtOnce: boolean;
  /** The id of the question on the projector's overlay, if any. */
  shown?: string;
}

/** The most questions a book holds: a long lecture in a full hall, and a bound on what a reload keeps in sessionStorage. */
export const MAX_QUESTIONS = 2000;
/** The most questions one phone may ask in one book. */
export const QUESTIONS_PER_PHONE = 5;
/** How many questions phones are sent, the most voted first. */
export const PUBLIC_LIMIT = 50;
/**
 * The most bytes of JSON `publicQuestions` gives: under the relay's 64 KiB
 * limit for a state (MAX_STATE_BYTES in src/room/protocol.ts), and above
 * what PUBLIC_LIMIT questions of QUESTION_MAX_CHARS four-byte characters on
 * slides with the longest ids take (about 63,500 bytes).
 */
export const PUBLIC_MAX_BYTES = 63 * 1024;
/** What a question's id looks like. */
export const QUESTION_ID = /^q[a-z0-9]{1,12}$/;

export type BookAction =
  /** A phone asked a question; `at` is the caller's clock. */
  | { type: 'asked'; from: string; text: string; slide: string; at: number }
  /** A phone upvoted an approved question (`up`), or took its vote back. */
  | { type: 'upvote'; from: string; id: string; up: boolean }
  /** The lecturer moderated a question. */
  | { type: 'approve' | 'hide' | 'answer' | 'pending'; id: string }
  /** The lecturer showed a question on the projector's overlay. */
  | { type: 'show'; id: string }
  /** The lecturer took the overlay away. */
  | { type: 'dismiss' }
  /** The lecturer chose whether new questions are approved as they arrive. Questions already asked stay as they are. */
  | { type: 'setting'; publishAtOnce: boolean };

/** The lecturer's moderation actions, which the speaker view dispatches. */
export type ModerationAction = Exclude<BookAction, { type: 'asked' } | { type: 'upvote' }>;

export type AskedAction = Extract<BookAction, { type: 'asked' }>;

/** What phones may see of a question. */
export interface PublicItem {
  id: string;
  text: string;
  slide: string;
  votes: number;
  state: 'approved' | 'answered';
}

/** What phones are sent: the most voted questions, and how many the room may see in all. */
export interface PublicQuestions {
  items: PublicItem[];
  total: number;
}

/** One of a phone's own questions, as the deck replies to that phone alone. */
export interface MineItem {
  id: string;
  text: string;
  state: QuestionState;
  votes: number;
}

/** The outcome of a phone's question: the book (the same one when refused), and the question or the reason, in a sentence for the person who asked. */
export interface Asked {
  book: Book;
  question?: Question;
  refusal?: string;
}

export function emptyBook(publishAtOnce = false): Book {
  return { questions: [], next: 1, publishAtOnce };
}

/** The question with this id, if the book holds one. */
export function find(book: Book, id: string): Question | undefined {
  return book.questions.find((q) => q.id === id);
}

/**
 * A phone's question: added to the book, or refused with a sentence for the
 * person who asked. A phone that sends the same text again (a retry after a
 * dropped connection) gets its first question back and the book unchanged.
 */
export function ask(book: Book, action: AskedAction): Asked {
  if (typeof action.from !== 'string' || action.from === '' || typeof action.text !== 'string' || typeof action.slide !== 'string')
    return { book, refusal: 'That question could not be read, so it was not kept: please send it again.' };
  const text = normaliseText(action.text);
  const problem = questionProblem(text);
  if (problem) return { book, refusal: problem };
  const theirs = book.questions.filter((q) => q.from === action.from);
  const again = theirs.find((q) => q.text === text);
  if (again) return { book, question: again };
  if (theirs.length >= QUESTIONS_PER_PHONE)
    return {
      book,
      refusal: `You have asked ${QUESTIONS_PER_PHONE} questions, the most one phone may ask in this lecture. Thank you: you can ask the lecturer in person too.`,
    };
  if (book.questions.length >= MAX_QUESTIONS)
    return { book, refusal: 'The list of questions is full, so yours was not added. Sorry: please ask the lecturer in person.' };
  const question: Question = {
    id: `q${book.next.toString(36)}`,
    from: action.from,
    text,
    slide: action.slide,
    state: book.publishAtOnce ? 'approved' : 'pending',
    voters: [],
    at: Number.isFinite(action.at) ? action.at : 0,
  };
  return { book: { ...book, questions: [...book.questions, question], next: book.next + 1 }, question };
}

/** The book with one question replaced; `shown` is kept only while it still names an approved or answered question. */
function replace(book: Book, id: string, change: (q: Question) => Question | undefined): Book {
  const index = book.questions.findIndex((q) => q.id === id);
  const before = book.questions[index];
  if (!before) return book;
  const after = change(before);
  if (!after || after === before) return book;
  const questions = [...book.questions];
  questions[index] = after;
  const next = { ...book, questions };
  return book.shown === id && !showable(after) ? withoutShown(next) : next;
}

function showable(q: Question): boolean {
  return q.state === 'approved' || q.state === 'answered';
}

function withoutShown(book: Book): Book {
  const { shown: _shown, ...rest } = book;
  return rest;
}

/** The states each moderation action may move a question from. */
const FROM: Record<'approve' | 'hide' | 'answer' | 'pending', readonly QuestionState[]> = {
  approve: ['pending', 'hidden'],
  hide: ['pending', 'approved', 'answered'],
  answer: ['pending', 'approved'],
  pending: ['approved', 'hidden', 'answered'],
};
const TO: Record<'approve' | 'hide' | 'answer' | 'pending', QuestionState> = {
  approve: 'approved',
  hide: 'hidden',
  answer: 'answered',
  pending: 'pending',
};

/** Applies an action (pure): the same book when the action changes nothing or is not allowed. */
export function reduce(book: Book, action: BookAction): Book {
  switch (action.type) {
    case 'asked':
      return ask(book, action).book;
    case 'upvote':
      if (typeof action.from !== 'string' || action.from === '') return book;
      return replace(book, action.id, (q) => {
        if (q.state !== 'approved') return undefined;
        const voted = q.voters.includes(action.from);
        if (action.up === voted) return undefined;
        return { ...q, voters: action.up ? [...q.voters, action.from] : q.voters.filter((v) => v !== action.from) };
      });
    case 'approve':
    case 'hide':
    case 'answer':
    case 'pending': {
      const type = action.type;
      return replace(book, action.id, (q) => (FROM[type].includes(q.state) ? { ...q, state: TO[type] } : undefined));
    }
    case 'show': {
      const q = find(book, action.id);
      return q && showable(q) && book.shown !== q.id ? { ...book, shown: q.id } : book;
    }
    case 'dismiss':
      return book.shown === undefined ? book : withoutShown(book);
    case 'setting':
      return action.publishAtOnce === book.publishAtOnce ? book : { ...book, publishAtOnce: action.publishAtOnce };
  }
}

/** The most voted first; among equal votes, the one asked first (and, asked at the same time, the one that arrived first). */
function byVotes(a: Question, b: Question): number {
  return b.voters.length - a.voters.length || a.at - b.at;
}

/** The order phones see: approved questions by votes, then answered ones in the same order; never pending or hidden ones. */
export function ranked(book: Book): Question[] {
  const approved = book.questions.filter((q) => q.state === 'approved').sort(byVotes);
  const answered = book.questions.filter((q) => q.state === 'answered').sort(byVotes);
  return [...approved, ...answered];
}

/** The order the lecturer sees: the waiting ones first (oldest first), then as phones see them, then the hidden ones (oldest first). */
export function forSpeaker(book: Book): Question[] {
  const pending = book.questions.filter((q) => q.state === 'pending');
  const hidden = book.questions.filter((q) => q.state === 'hidden');
  return [...pending, ...ranked(book), ...hidden];
}

/** A question as phones may see it. */
export function publicItem(q: Question): PublicItem {
  return { id: q.id, text: q.text, slide: q.slide, votes: q.voters.length, state: q.state === 'answered' ? 'answered' : 'approved' };
}

const encoder = new TextEncoder();

/** The bytes of a value as JSON in UTF-8 (JSON.stringify writes a lone surrogate as an ASCII escape, so this is exact). */
function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/**
 * What phones may see, as plain JSON: the first `limit` questions in the
 * order phones see them, without who asked or who voted, and how many the
 * room may see in all. Stops early rather than pass PUBLIC_MAX_BYTES, which
 * 50 questions of 280 characters never reach.
 */
export function publicQuestions(book: Book, limit = PUBLIC_LIMIT): PublicQuestions {
  const all = ranked(book);
  const items: PublicItem[] = [];
  let bytes = jsonBytes({ items: [], total: all.length });
  for (const q of all.slice(0, Math.max(0, limit))) {
    const item = publicItem(q);
    bytes += jsonBytes(item) + 1;
    if (bytes > PUBLIC_MAX_BYTES) break;
    items.push(item);
  }
  return { items, total: all.length };
}

/** One phone's own questions, in the order it asked them, with their states: the deck replies them to that phone alone. */
export function mine(book: Book, from: string): MineItem[] {
  return book.questions.filter((q) => q.from === from).map((q) => ({ id: q.id, text: q.text, state: q.state, votes: q.voters.length }));
}

/** The question on the projector's overlay, as phones may see it, if any. */
export function shownQuestion(book: Book): PublicItem | undefined {
  const q = book.shown === undefined ? undefined : find(book, book.shown);
  return q && showable(q) ? publicItem(q) : undefined;
}

/** The book as plain JSON, to keep in the presenter window's sessionStorage across a reload. */
export function toJSON(book: Book): unknown {
  return {
    version: 1,
    questions: book.questions.map((q) => ({ ...q, voters: [...q.voters] })),
    next: book.next,
    publishAtOnce: book.publishAtOnce,
    ...(book.shown === undefined ? {} : { shown: book.shown }),
  };
}

const STATES: readonly string[] = ['pending', 'approved', 'hidden', 'answered'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isId(value: unknown, max = 64): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** A kept question, checked; undefined when anything about it is wrong. */
function readQuestion(value: unknown): Question | undefined {
  if (!isRecord(value)) return undefined;
  const { id, from, text, slide, state, voters, at } = value;
  if (typeof id !== 'string' || !QUESTION_ID.test(id) || !isId(from) || !isId(slide, 80)) return undefined;
  if (typeof text !== 'string' || normaliseText(text) !== text || questionProblem(text) !== undefined) return undefined;
  if (typeof state !== 'string' || !STATES.includes(state)) return undefined;
  if (typeof at !== 'number' || !Number.isFinite(at)) return undefined;
  if (!Array.isArray(voters) || !voters.every((v) => isId(v)) || new Set(voters).size !== voters.length) return undefined;
  return { id, from, text, slide, state: state as QuestionState, voters: [...(voters as string[])], at };
}

/**
 * A book kept by `toJSON`, checked defensively (sessionStorage may hold an
 * older deck's book, or anything a person typed into the console): an empty
 * book when anything about it is wrong. A `shown` that names no approved or
 * answered question is dropped, and the counter is moved past every id.
 */
export function fromJSON(value: unknown): Book {
  if (!isRecord(value) || value.version !== 1) return emptyBook();
  const { questions, next, publishAtOnce, shown } = value;
  if (!Array.isArray(questions) || questions.length > MAX_QUESTIONS || typeof publishAtOnce !== 'boolean') return emptyBook();
  if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 1) return emptyBook();
  const read: Question[] = [];
  const ids = new Set<string>();
  const asked = new Map<string, number>();
  let counter = next;
  for (const item of questions) {
    const q = readQuestion(item);
    if (!q || ids.has(q.id)) return emptyBook();
    const n = parseInt(q.id.slice(1), 36);
    if (!Number.isSafeInteger(n)) return emptyBook();
    counter = Math.max(counter, n + 1);
    const count = (asked.get(q.from) ?? 0) + 1;
    if (count > QUESTIONS_PER_PHONE) return emptyBook();
    asked.set(q.from, count);
    ids.add(q.id);
    read.push(q);
  }
  const book: Book = { questions: read, next: counter, publishAtOnce };
  const target = typeof shown === 'string' ? read.find((q) => q.id === shown) : undefined;
  return target && showable(target) ? { ...book, shown: target.id } : book;
}
