/**
 * The room's questions (src/questions): the question book that the
 * presenter's deck keeps (who may ask how much, what waits for the
 * lecturer, who may upvote what, the moderation moves and the overlay), the
 * orders phones and the lecturer see, what phones may be sent (never who
 * asked or voted, never a pending or hidden question, always under the
 * relay's limits), the book kept across a reload, and the "I'm lost" tracker.
 */
import { describe, expect, it } from 'vitest';
import { MAX_REPLY_BYTES, MAX_STATE_BYTES, measureJson } from '../../src/room/protocol.ts';
import { QUESTION_MAX_CHARS } from '../../src/room/text.ts';
import { emptyLost, peakOf, reduceLost, type LostAction, type LostState } from '../../src/questions/lost.ts';
import {
  ask,
  emptyBook,
  find,
  forSpeaker,
  fromJSON,
  MAX_QUESTIONS,
  mine,
  publicQuestions,
  PUBLIC_LIMIT,
  QUESTION_ID,
  QUESTIONS_PER_PHONE,
  ranked,
  reduce,
  shownQuestion,
  toJSON,
  type Book,
  type BookAction,
  type Question,
} from '../../src/questions/model.ts';

const PHONE = (k: number) => `phone-${String(k).padStart(4, '0')}-abc`;

let clock = 0;
const asked = (from: string, text: string, slide = 'intro'): BookAction => ({ type: 'asked', from, text, slide, at: ++clock });
const apply = (book: Book, actions: BookAction[]) => actions.reduce(reduce, book);
const ids = (qs: readonly Question[]) => qs.map((q) => q.id);

/** A book with three approved questions, q1 to q3, asked in that order by three phones. */
function threeApproved(): Book {
  return apply(emptyBook(true), [asked(PHONE(1), 'First?'), asked(PHONE(2), 'Second?'), asked(PHONE(3), 'Third?')]);
}

describe('asking', () => {
  it('keeps a question waiting for the lecturer, or approves it at once when the book says so', () => {
    const waiting = reduce(emptyBook(), asked(PHONE(1), '  Why   ReLU?\n', 'activations'));
    expect(waiting.questions).toEqual([
      { id: 'q1', from: PHONE(1), text: 'Why ReLU?', slide: 'activations', state: 'pending', voters: [], at: clock },
    ]);
    expect(waiting.next).toBe(2);
    const published = reduce(emptyBook(true), asked(PHONE(1), 'Why ReLU?'));
    expect(published.questions[0]?.state).toBe('approved');
  });

  it('gives ids from a base-36 counter that the id pattern accepts', () => {
    let book = emptyBook();
    for (let k = 0; k < 40; k++) book = reduce(book, asked(PHONE(k), `Question ${k}`));
    expect(book.questions.every((q) => QUESTION_ID.test(q.id))).toBe(true);
    expect(new Set(ids(book.questions)).size).toBe(40);
    expect(ids(book.questions).slice(8, 11)).toEqual(['q9', 'qa', 'qb']);
  });

  it('normalises the text again: the relay is not trusted to have done it', () => {
    const { question } = ask(emptyBook(), { type: 'asked', from: PHONE(1), text: 'a\u202eb\u200bc\r\n\td', slide: 'intro', at: 1 });
    expect(question?.text).toBe('abc d');
  });

  it('refuses an empty question and one of 281 characters with a sentence, and keeps the book', () => {
    const book = emptyBook();
    for (const text of ['', '   \n ', '\u200b\u202e']) {
      const result = ask(book, { type: 'asked', from: PHONE(1), text, slide: 'intro', at: 1 });
      expect(result.book).toBe(book);
      expect(result.question).toBeUndefined();
      expect(result.refusal).toMatch(/empty/);
    }
    const long = ask(book, { type: 'asked', from: PHONE(1), text: 'x'.repeat(QUESTION_MAX_CHARS + 1), slide: 'intro', at: 1 });
    expect(long.book).toBe(book);
    expect(long.refusal).toMatch(/at most 280 characters; yours has 281/);
    const exactly = ask(book, { type: 'asked', from: PHONE(1), text: '😀'.repeat(QUESTION_MAX_CHARS), slide: 'intro', at: 1 });
    expect(exactly.refusal).toBeUndefined();
  });

  it('lets one phone ask five questions, and says so kindly at the sixth', () => {
    let book = emptyBook();
    for (let k = 0; k < QUESTIONS_PER_PHONE; k++) book = reduce(book, asked(PHONE(1), `Question ${k}`));
    expect(book.questions).toHaveLength(5);
    const sixth = ask(book, { type: 'asked', from: PHONE(1), text: 'One more', slide: 'intro', at: 9 });
    expect(sixth.book).toBe(book);
    expect(sixth.refusal).toMatch(/You have asked 5 questions.*Thank you/);
    expect(reduce(book, asked(PHONE(1), 'One more'))).toBe(book);
    // Another phone still may.
    expect(reduce(book, asked(PHONE(2), 'One more')).questions).toHaveLength(6);
  });

  it('hands a retried question back rather than keep it twice', () => {
    const once = reduce(emptyBook(), asked(PHONE(1), 'Why ReLU?'));
    const again = ask(once, { type: 'asked', from: PHONE(1), text: 'Why  ReLU?', slide: 'intro', at: 99 });
    expect(again.book).toBe(once);
    expect(again.question).toBe(once.questions[0]);
    expect(again.refusal).toBeUndefined();
  });

  it('holds 2000 questions at most', () => {
    let book = emptyBook();
    for (let k = 0; k < MAX_QUESTIONS; k++) book = reduce(book, asked(PHONE(Math.floor(k / QUESTIONS_PER_PHONE)), `Question ${k}`));
    expect(book.questions).toHaveLength(MAX_QUESTIONS);
    const full = ask(book, { type: 'asked', from: 'a-new-phone-id', text: 'Late question', slide: 'intro', at: 1 });
    expect(full.book).toBe(book);
    expect(full.refusal).toMatch(/full.*ask the lecturer in person/);
  });

  it('refuses a question without a sender', () => {
    const book = emptyBook();
    const result = ask(book, { type: 'asked', from: '', text: 'Hello?', slide: 'intro', at: 1 });
    expect(result.book).toBe(book);
    expect(result.refusal).toMatch(/send it again/);
  });
});

describe('upvotes', () => {
  it('count once per phone, and a phone may take its vote back', () => {
    const book = threeApproved();
    const up = reduce(book, { type: 'upvote', from: PHONE(9), id: 'q2', up: true });
    expect(find(up, 'q2')?.voters).toEqual([PHONE(9)]);
    expect(reduce(up, { type: 'upvote', from: PHONE(9), id: 'q2', up: true })).toBe(up);
    const down = reduce(up, { type: 'upvote', from: PHONE(9), id: 'q2', up: false });
    expect(find(down, 'q2')?.voters).toEqual([]);
    expect(reduce(down, { type: 'upvote', from: PHONE(9), id: 'q2', up: false })).toBe(down);
  });

  it('let the asker upvote their own question, as Slido does', () => {
    const up = reduce(threeApproved(), { type: 'upvote', from: PHONE(1), id: 'q1', up: true });
    expect(find(up, 'q1')?.voters).toEqual([PHONE(1)]);
  });

  it('are refused on a pending, hidden or answered question, and on one that does not exist', () => {
    const book = apply(threeApproved(), [asked(PHONE(4), 'Pending?'), { type: 'hide', id: 'q2' }, { type: 'answer', id: 'q3' }]);
    const pending = reduce(book, { type: 'setting', publishAtOnce: false });
    const withPending = reduce(pending, asked(PHONE(5), 'Waiting?'));
    for (const id of ['q2', 'q3', 'q5', 'nope'])
      expect(reduce(withPending, { type: 'upvote', from: PHONE(9), id, up: true })).toBe(withPending);
    expect(find(withPending, 'q5')?.state).toBe('pending');
  });

  it('survive moderation: a hidden question approved again keeps its votes', () => {
    const book = apply(threeApproved(), [
      { type: 'upvote', from: PHONE(8), id: 'q1', up: true },
      { type: 'hide', id: 'q1' },
      { type: 'approve', id: 'q1' },
    ]);
    expect(find(book, 'q1')).toMatchObject({ state: 'approved', voters: [PHONE(8)] });
  });
});

describe('moderation', () => {
  const pending = () => reduce(emptyBook(), asked(PHONE(1), 'Why?'));
  const stateAfter = (book: Book, action: BookAction) => find(reduce(book, action), 'q1')?.state;

  it('approves a waiting or hidden question', () => {
    expect(stateAfter(pending(), { type: 'approve', id: 'q1' })).toBe('approved');
    const hidden = reduce(pending(), { type: 'hide', id: 'q1' });
    expect(stateAfter(hidden, { type: 'approve', id: 'q1' })).toBe('approved');
    const answered = reduce(pending(), { type: 'answer', id: 'q1' });
    expect(reduce(answered, { type: 'approve', id: 'q1' })).toBe(answered);
  });

  it('hides a question from any state', () => {
    for (const first of ['approve', 'answer', 'pending'] as const) {
      const book = reduce(pending(), { type: first, id: 'q1' });
      expect(stateAfter(book, { type: 'hide', id: 'q1' })).toBe('hidden');
    }
    const hidden = reduce(pending(), { type: 'hide', id: 'q1' });
    expect(reduce(hidden, { type: 'hide', id: 'q1' })).toBe(hidden);
  });

  it('marks a waiting or approved question answered, not a hidden one', () => {
    expect(stateAfter(pending(), { type: 'answer', id: 'q1' })).toBe('answered');
    expect(stateAfter(reduce(pending(), { type: 'approve', id: 'q1' }), { type: 'answer', id: 'q1' })).toBe('answered');
    const hidden = reduce(pending(), { type: 'hide', id: 'q1' });
    expect(reduce(hidden, { type: 'answer', id: 'q1' })).toBe(hidden);
  });

  it('puts a question back to waiting, and ignores what names no question', () => {
    const approved = reduce(pending(), { type: 'approve', id: 'q1' });
    expect(stateAfter(approved, { type: 'pending', id: 'q1' })).toBe('pending');
    const book = pending();
    expect(reduce(book, { type: 'pending', id: 'q1' })).toBe(book);
    expect(reduce(book, { type: 'approve', id: 'q404' })).toBe(book);
  });

  it('shows an approved or answered question on the overlay, and takes it away', () => {
    const book = threeApproved();
    const shown = reduce(book, { type: 'show', id: 'q2' });
    expect(shown.shown).toBe('q2');
    expect(shownQuestion(shown)).toEqual({ id: 'q2', text: 'Second?', slide: 'intro', votes: 0, state: 'approved' });
    expect(reduce(shown, { type: 'show', id: 'q2' })).toBe(shown);
    const answered = reduce(shown, { type: 'answer', id: 'q2' });
    expect(answered.shown).toBe('q2');
    const dismissed = reduce(answered, { type: 'dismiss' });
    expect(dismissed).not.toHaveProperty('shown');
    expect(reduce(dismissed, { type: 'dismiss' })).toBe(dismissed);
    // A waiting question cannot be shown.
    const waiting = reduce(book, { type: 'pending', id: 'q1' });
    expect(reduce(waiting, { type: 'show', id: 'q1' })).toBe(waiting);
  });

  it('takes a question off the overlay when it is hidden or sent back to waiting', () => {
    const shown = reduce(threeApproved(), { type: 'show', id: 'q1' });
    expect(reduce(shown, { type: 'hide', id: 'q1' })).not.toHaveProperty('shown');
    expect(reduce(shown, { type: 'pending', id: 'q1' })).not.toHaveProperty('shown');
    expect(reduce(shown, { type: 'hide', id: 'q2' }).shown).toBe('q1');
  });

  it('changes the setting for new questions only', () => {
    const book = reduce(emptyBook(), asked(PHONE(1), 'Before?'));
    const atOnce = reduce(book, { type: 'setting', publishAtOnce: true });
    expect(atOnce.publishAtOnce).toBe(true);
    expect(reduce(atOnce, { type: 'setting', publishAtOnce: true })).toBe(atOnce);
    const after = reduce(atOnce, asked(PHONE(2), 'After?'));
    expect(after.questions.map((q) => q.state)).toEqual(['pending', 'approved']);
  });
});

describe('the orders', () => {
  it('puts the most voted first; two upvotes reorder; ties go to the older question', () => {
    const book = threeApproved();
    expect(ids(ranked(book))).toEqual(['q1', 'q2', 'q3']);
    const voted = apply(book, [
      { type: 'upvote', from: PHONE(7), id: 'q3', up: true },
      { type: 'upvote', from: PHONE(8), id: 'q3', up: true },
      { type: 'upvote', from: PHONE(7), id: 'q2', up: true },
    ]);
    expect(ids(ranked(voted))).toEqual(['q3', 'q2', 'q1']);
    const tie = reduce(voted, { type: 'upvote', from: PHONE(8), id: 'q2', up: true });
    expect(ids(ranked(tie))).toEqual(['q2', 'q3', 'q1']);
  });

  it('lists answered questions after the approved ones, and never pending or hidden ones', () => {
    const book = apply(threeApproved(), [
      { type: 'upvote', from: PHONE(7), id: 'q1', up: true },
      { type: 'answer', id: 'q1' },
      { type: 'hide', id: 'q3' },
      { type: 'setting', publishAtOnce: false },
      asked(PHONE(4), 'Waiting?'),
    ]);
    expect(ids(ranked(book))).toEqual(['q2', 'q1']);
  });

  it('shows the lecturer the waiting ones first, oldest first, and the hidden ones last', () => {
    const book = apply(emptyBook(), [
      asked(PHONE(1), 'A'),
      asked(PHONE(2), 'B'),
      asked(PHONE(3), 'C'),
      asked(PHONE(4), 'D'),
      asked(PHONE(5), 'E'),
      { type: 'approve', id: 'q2' },
      { type: 'approve', id: 'q4' },
      { type: 'upvote', from: PHONE(9), id: 'q4', up: true },
      { type: 'hide', id: 'q1' },
      { type: 'answer', id: 'q5' },
    ]);
    expect(forSpeaker(book).map((q) => `${q.id}:${q.state}`)).toEqual([
      'q3:pending',
      'q4:approved',
      'q2:approved',
      'q5:answered',
      'q1:hidden',
    ]);
  });
});

describe('what phones are sent', () => {
  it('never holds who asked, who voted, or a pending or hidden question', () => {
    const book = apply(threeApproved(), [
      { type: 'upvote', from: PHONE(7), id: 'q1', up: true },
      { type: 'hide', id: 'q3' },
      { type: 'answer', id: 'q2' },
      { type: 'setting', publishAtOnce: false },
      asked(PHONE(4), 'Secret pending?'),
    ]);
    const sent = publicQuestions(book);
    expect(sent).toEqual({
      items: [
        { id: 'q1', text: 'First?', slide: 'intro', votes: 1, state: 'approved' },
        { id: 'q2', text: 'Second?', slide: 'intro', votes: 0, state: 'answered' },
      ],
      total: 2,
    });
    const json = JSON.stringify(sent);
    expect(json).not.toMatch(/phone-|from|voters|Third|Secret|pending|hidden/);
  });

  it('sends the 50 most voted, says how many there are, and stays under the relay’s 64 KiB for 50 questions of 280 characters', () => {
    let book = emptyBook(true);
    // The heaviest text: 280 four-byte characters, on slides with the longest ids the deck allows.
    const slide = `s${'x'.repeat(79)}`;
    for (let k = 0; k < 60; k++) book = reduce(book, asked(PHONE(k), `${k} ${'😀'.repeat(QUESTION_MAX_CHARS - 3)}`, slide));
    // The newest question, voted up from beyond the first 50 to the top.
    const last = book.questions.at(-1)!.id;
    for (let v = 0; v < 30; v++) book = reduce(book, { type: 'upvote', from: PHONE(100 + v), id: last, up: true });
    const sent = publicQuestions(book);
    expect(sent.items).toHaveLength(PUBLIC_LIMIT);
    expect(sent.total).toBe(60);
    expect(sent.items[0]).toMatchObject({ id: last, votes: 30 });
    const measured = measureJson(sent, MAX_STATE_BYTES);
    expect(measured.ok).toBe(true);
    expect(measured.ok && measured.bytes).toBeLessThan(64 * 1024);
    expect(publicQuestions(book, 10).items).toHaveLength(10);
  });

  it('tells a phone its own questions, the waiting and hidden ones too, within a reply’s 8 KiB', () => {
    let book = apply(emptyBook(), [asked(PHONE(1), 'Mine?'), asked(PHONE(2), 'Theirs?'), { type: 'approve', id: 'q1' }]);
    book = reduce(book, { type: 'upvote', from: PHONE(3), id: 'q1', up: true });
    expect(mine(book, PHONE(1))).toEqual([{ id: 'q1', text: 'Mine?', state: 'approved', votes: 1 }]);
    expect(mine(book, PHONE(2))).toEqual([{ id: 'q2', text: 'Theirs?', state: 'pending', votes: 0 }]);
    expect(mine(book, PHONE(9))).toEqual([]);
    let full = emptyBook();
    for (let k = 0; k < QUESTIONS_PER_PHONE; k++) full = reduce(full, asked(PHONE(1), `${k}${'😀'.repeat(QUESTION_MAX_CHARS - 1)}`));
    expect(measureJson(mine(full, PHONE(1)), MAX_REPLY_BYTES).ok).toBe(true);
  });
});

describe('the book across a reload', () => {
  it('comes back as it was kept', () => {
    const book = apply(threeApproved(), [
      { type: 'upvote', from: PHONE(7), id: 'q1', up: true },
      { type: 'hide', id: 'q3' },
      { type: 'show', id: 'q1' },
      { type: 'setting', publishAtOnce: false },
      asked(PHONE(4), 'Waiting?'),
    ]);
    const kept = JSON.parse(JSON.stringify(toJSON(book))) as unknown;
    const back = fromJSON(kept);
    expect(back).toEqual(book);
    // The counter goes on: the next question has a new id.
    expect(reduce(back, asked(PHONE(5), 'Next?')).questions.at(-1)?.id).toBe('q5');
    expect(fromJSON(toJSON(emptyBook(true)))).toEqual(emptyBook(true));
  });

  it('is an empty book when what was kept is garbage', () => {
    const good = toJSON(threeApproved()) as Record<string, unknown>;
    const question = (good.questions as Record<string, unknown>[])[0]!;
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      'book',
      [],
      {},
      { ...good, version: 2 },
      { ...good, questions: 'none' },
      { ...good, next: -1 },
      { ...good, publishAtOnce: 'yes' },
      { ...good, questions: [{ ...question, id: 'Q1' }] },
      { ...good, questions: [{ ...question, id: 'q1<img>' }] },
      { ...good, questions: [{ ...question, state: 'deleted' }] },
      { ...good, questions: [{ ...question, text: '' }] },
      { ...good, questions: [{ ...question, text: 'x'.repeat(281) }] },
      { ...good, questions: [{ ...question, text: 'a\u202eb' }] },
      { ...good, questions: [{ ...question, voters: [1, 2] }] },
      { ...good, questions: [{ ...question, voters: ['a', 'a'] }] },
      { ...good, questions: [{ ...question, at: 'now' }] },
      { ...good, questions: [{ ...question, from: '' }] },
      { ...good, questions: [question, question] },
      { ...good, questions: Array.from({ length: MAX_QUESTIONS + 1 }, (_, k) => ({ ...question, id: `q${k.toString(36)}` })) },
    ];
    for (const value of garbage) expect(fromJSON(value)).toEqual(emptyBook());
  });

  it('drops an overlay that names no showable question, and moves the counter past every id', () => {
    const kept = toJSON(threeApproved()) as Record<string, unknown>;
    expect(fromJSON({ ...kept, shown: 'q9' })).not.toHaveProperty('shown');
    expect(fromJSON({ ...kept, next: 1 }).next).toBe(4);
  });
});

describe('the "I’m lost" tracker', () => {
  const lost = (from: string, slide = 'backprop', on = true): LostAction => ({ type: 'lost', from, slide, lost: on });
  const run = (state: LostState, actions: LostAction[]) => actions.reduce(reduceLost, state);

  it('counts the phones lost on the presenter’s slide, once each', () => {
    const state = run(emptyLost('backprop'), [lost(PHONE(1)), lost(PHONE(2))]);
    expect(state.lost).toEqual([PHONE(1), PHONE(2)]);
    expect(reduceLost(state, lost(PHONE(1)))).toBe(state);
    expect(peakOf(state, 'backprop')).toBe(2);
  });

  it('ignores a mark for another slide, or before the deck says which slide it shows', () => {
    const state = emptyLost('backprop');
    expect(reduceLost(state, lost(PHONE(1), 'chain-rule'))).toBe(state);
    const unknown = emptyLost();
    expect(reduceLost(unknown, lost(PHONE(1)))).toBe(unknown);
    expect(reduceLost(state, lost(''))).toBe(state);
  });

  it('lets a phone take its mark back, and keeps the peak', () => {
    const state = run(emptyLost('backprop'), [lost(PHONE(1)), lost(PHONE(2)), lost(PHONE(1), 'backprop', false)]);
    expect(state.lost).toEqual([PHONE(2)]);
    expect(peakOf(state, 'backprop')).toBe(2);
    expect(reduceLost(state, lost(PHONE(1), 'backprop', false))).toBe(state);
  });

  it('clears the marks when the slide changes, and remembers each slide’s peak', () => {
    const state = run(emptyLost('backprop'), [
      lost(PHONE(1)),
      lost(PHONE(2)),
      { type: 'moved', slide: 'chain-rule' },
      lost(PHONE(3), 'chain-rule'),
    ]);
    expect(state.slide).toBe('chain-rule');
    expect(state.lost).toEqual([PHONE(3)]);
    expect(state.peaks).toEqual({ backprop: 2, 'chain-rule': 1 });
    expect(reduceLost(state, { type: 'moved', slide: 'chain-rule' })).toBe(state);
    // Back on a slide, a lower count does not lower its peak.
    const back = run(state, [{ type: 'moved', slide: 'backprop' }, lost(PHONE(5))]);
    expect(peakOf(back, 'backprop')).toBe(2);
  });

  it('reads no peak from the object prototype for a slide called constructor', () => {
    const state = emptyLost('constructor');
    expect(peakOf(state, 'constructor')).toBe(0);
    expect(peakOf(reduceLost(state, lost(PHONE(1), 'constructor')), 'constructor')).toBe(1);
  });
});
