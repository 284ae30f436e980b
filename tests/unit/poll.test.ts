/**
 * A poll (src/demos/poll): the votes counted one per phone and changeable
 * only while the poll is open, what phones are shown at each stage, and the
 * controller on the projector, on a phone and without a room, against a
 * fake room. A hall votes fast: the projector counts a vote in time that
 * does not grow with the number of voters (running counts in the state, who
 * voted what in the controller's ballot box) and draws a crowd's votes a few
 * times a second, which fake timers let these tests count.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pollController } from '../../src/demos/poll/controller.ts';
import {
  castVote,
  countsOf,
  initialPoll,
  publicState,
  readPublic,
  reduce,
  statusLine,
  tally,
  totalOf,
  type BallotBox,
  type PollAction,
  type PollState,
} from '../../src/demos/poll/model.ts';
import type { PollParams } from '../../src/demos/poll/params.ts';
import { fakeContext, fakeRoom } from './room-fakes.ts';

const PARAMS: PollParams = {
  id: 'which-model',
  question: 'Which model will be most accurate?',
  options: [
    { value: 'logistic', label: 'Logistic regression' },
    { value: 'dense', label: 'The lecture’s network' },
    { value: 'cnn', label: 'A small convnet' },
  ],
  answerFrom: { demo: 'model-comparison', report: 'best' },
};
const FIXED: PollParams = { ...PARAMS, id: 'fixed', answerFrom: undefined, answer: 'dense' };

const projector = (params = PARAMS): PollState => ({ ...initialPoll(params), side: 'projector' });
const apply = (s: PollState, actions: PollAction[]) => actions.reduce(reduce, s);
/** Phones' votes, [from, option], cast in turn into `box` as the projector's controller casts them. */
const cast = (s: PollState, box: BallotBox, votes: [string, number][]) =>
  votes.reduce((t, [from, option]) => castVote(t, box, from, option), s);
/** A phone's anonymous id, one of many. */
const phone = (k: number) => `phone-${String(k).padStart(5, '0')}`;

afterEach(() => vi.useRealTimers());

describe('counting the votes', () => {
  it('counts how many phones chose each option, and ignores an index that names no option', () => {
    expect(tally({ a: 0, b: 2, c: 2, d: 7, e: -1 }, 3)).toEqual([1, 0, 2]);
  });

  it('keeps one vote per phone, the latest, while the poll is open', () => {
    const box: BallotBox = new Map();
    const s = cast(apply(projector(), [{ type: 'advance' }]), box, [
      ['phone-aaaa', 0],
      ['phone-bbbb', 1],
      ['phone-aaaa', 2],
    ]);
    expect(Object.fromEntries(box)).toEqual({ 'phone-aaaa': 2, 'phone-bbbb': 1 });
    expect(tally(box, 3)).toEqual([0, 1, 1]);
    expect(countsOf(s)).toEqual([0, 1, 1]);
    expect(totalOf(s)).toBe(2);
  });

  it('moves one count from the old option to the new when a phone changes its vote, and ignores the same option again', () => {
    const box: BallotBox = new Map();
    const s = cast(apply(projector(), [{ type: 'advance' }]), box, [
      ['phone-aaaa', 0],
      ['phone-bbbb', 0],
      ['phone-cccc', 1],
    ]);
    expect(s).toMatchObject({ counts: [2, 1, 0], total: 3 });
    const changed = castVote(s, box, 'phone-aaaa', 2);
    expect(changed).toMatchObject({ counts: [1, 1, 1], total: 3 });
    expect(box.get('phone-aaaa')).toBe(2);
    // The reducer alone, told the phone's previous vote, moves the same one count.
    expect(reduce(s, { type: 'vote', from: 'phone-aaaa', option: 2, previous: 0 })).toMatchObject({ counts: [1, 1, 1], total: 3 });
    expect(castVote(changed, box, 'phone-aaaa', 2)).toBe(changed);
    expect(castVote(changed, box, 'phone-aaaa', 3)).toBe(changed);
    expect(castVote(changed, box, '', 1)).toBe(changed);
    expect(tally(box, 3)).toEqual(changed.counts);
  });

  it('ignores votes before the poll opens and after it closes, and keeps them out of the ballot box', () => {
    const box: BallotBox = new Map();
    const ready = projector();
    expect(castVote(ready, box, 'phone-aaaa', 0)).toBe(ready);
    expect(box.size).toBe(0);
    const open = cast(apply(projector(), [{ type: 'advance' }]), box, [['phone-aaaa', 0]]);
    const closed = cast(apply(open, [{ type: 'advance' }]), box, [
      ['phone-aaaa', 1],
      ['phone-bbbb', 1],
    ]);
    expect(closed).toMatchObject({ state: 'closed', counts: [1, 0, 0], total: 1 });
    const revealed = cast(apply(closed, [{ type: 'advance' }]), box, [['phone-cccc', 2]]);
    expect(revealed).toMatchObject({ state: 'revealed', counts: [1, 0, 0], total: 1 });
    expect(Object.fromEntries(box)).toEqual({ 'phone-aaaa': 0 });
  });

  it('counts votes on the projector only', () => {
    const box: BallotBox = new Map();
    const phoneSide: PollState = { ...initialPoll(PARAMS), side: 'phone', state: 'open' };
    expect(castVote(phoneSide, box, 'phone-aaaa', 1)).toBe(phoneSide);
    expect(box.size).toBe(0);
  });

  it('speaks to the room on the projector, naming no key, and tells the presenter in the speaker view what V does next', () => {
    const stages = [0, 1, 2, 3].map((n) =>
      apply(
        projector(FIXED),
        Array.from({ length: n }, () => ({ type: 'advance' }) as const),
      ),
    );
    expect(stages.map((s) => s.state)).toEqual(['ready', 'open', 'closed', 'revealed']);
    for (const s of stages) {
      expect(statusLine(s), s.state).not.toMatch(/\bV\b|press/i);
      expect(statusLine(s, 'presenter'), s.state).toMatch(/Press V/);
    }
    expect(statusLine(stages[0]!)).toMatch(/your phone/);
    const marked = apply(stages[3]!, [{ type: 'answer', value: 'dense' }]);
    expect(statusLine(marked)).toBe('0 votes. The right answer: The lecture’s network.');
    expect(statusLine(marked, 'presenter')).toBe(statusLine(marked));
  });

  it('goes ready, open, closed, revealed and stays revealed', () => {
    const stages = [1, 2, 3, 4].map(
      (n) =>
        apply(
          projector(),
          Array.from({ length: n }, () => ({ type: 'advance' }) as const),
        ).state,
    );
    expect(stages).toEqual(['open', 'closed', 'revealed', 'revealed']);
  });
});

describe('what phones are shown', () => {
  it('shows the number of votes but not the counts until they are revealed, and never who voted', () => {
    const open = cast(apply(projector(), [{ type: 'advance' }]), new Map(), [
      ['phone-aaaa', 0],
      ['phone-bbbb', 2],
    ]);
    expect(publicState(open)).toEqual({ state: 'open', total: 2 });
    const revealed = apply(open, [{ type: 'advance' }, { type: 'advance' }, { type: 'answer', value: 'cnn' }]);
    expect(publicState(revealed)).toEqual({ state: 'revealed', total: 2, counts: [1, 0, 1], answer: 'cnn' });
    expect(JSON.stringify(publicState(revealed))).not.toContain('phone-');
  });

  it('draws a published state only when it has the right shape', () => {
    expect(readPublic({ state: 'open', total: 3 }, 3)).toEqual({ state: 'open', total: 3 });
    expect(readPublic({ state: 'revealed', total: 3, counts: [1, 1, 1], answer: 'cnn' }, 3)).toMatchObject({ counts: [1, 1, 1] });
    expect(readPublic({ state: 'revealed', total: 3, counts: [1, 1] }, 3)).toEqual({ state: 'revealed', total: 3 });
    for (const bad of [null, [], 'open', { state: 'opened', total: 1 }, { state: 'open', total: -1 }, { state: 'open' }])
      expect(readPublic(bad, 3)).toBeUndefined();
  });

  it('lets a phone choose only while the poll is open, and change its mind', () => {
    const phone: PollState = { ...initialPoll(PARAMS), side: 'phone' };
    expect(reduce(phone, { type: 'choose', option: 1 }).mine).toBeUndefined();
    const open = apply(phone, [
      { type: 'published', value: { state: 'open', total: 0 } },
      { type: 'choose', option: 1 },
      { type: 'choose', option: 2 },
    ]);
    expect(open.mine).toBe(2);
    expect(statusLine(open)).toBe('You answered “A small convnet”; you can change it until the poll closes.');
    const closed = apply(open, [
      { type: 'published', value: { state: 'closed', total: 4 } },
      { type: 'choose', option: 0 },
    ]);
    expect(closed.mine).toBe(2);
  });
});

describe('the poll on the projector', () => {
  it('counts votes for its own poll only, and publishes each stage at once and the counts only once revealed', () => {
    const room = fakeRoom('presenter');
    const context = fakeContext(PARAMS, initialPoll(PARAMS), room);
    const controller = pollController(context, { publishEvery: 0, drawEvery: 0, lookup: () => undefined });
    expect(context.last().side).toBe('projector');
    expect(room.published).toEqual([{ key: 'poll:which-model', value: { state: 'ready', total: 0 } }]);
    controller.act!({ type: 'advance' });
    room.vote({ poll: 'which-model', option: 1, from: 'phone-aaaa' });
    room.vote({ poll: 'another-poll', option: 0, from: 'phone-bbbb' });
    room.vote({ poll: 'which-model', option: 9, from: 'phone-cccc' });
    expect(countsOf(context.last())).toEqual([0, 1, 0]);
    expect(totalOf(context.last())).toBe(1);
    expect(room.published.at(-1)).toEqual({ key: 'poll:which-model', value: { state: 'open', total: 1 } });
    controller.act!({ type: 'advance' });
    controller.act!({ type: 'advance' });
    expect(room.published.at(-1)!.value).toEqual({ state: 'revealed', total: 1, counts: [0, 1, 0] });
  });

  it('sends a crowd’s counts at most once per interval, while a new stage goes at once', () => {
    vi.useFakeTimers();
    const room = fakeRoom('presenter');
    const controller = pollController(fakeContext(PARAMS, initialPoll(PARAMS), room), { publishEvery: 500, lookup: () => undefined });
    controller.act!({ type: 'advance' });
    const before = room.published.length;
    for (let k = 0; k < 50; k++) room.vote({ poll: 'which-model', option: k % 3, from: `phone-${String(k).padStart(4, '0')}` });
    expect(room.published.length).toBe(before);
    vi.advanceTimersByTime(500);
    expect(room.published.length).toBe(before + 1);
    expect(room.published.at(-1)!.value).toEqual({ state: 'open', total: 50 });
    controller.act!({ type: 'advance' });
    expect(room.published.at(-1)!.value).toEqual({ state: 'closed', total: 50 });
  });

  it('counts 30,000 phones and then 5,000 changed votes exactly, drawing once a frame rather than once a vote', () => {
    vi.useFakeTimers();
    const room = fakeRoom('presenter');
    const context = fakeContext(PARAMS, initialPoll(PARAMS), room);
    const controller = pollController(context, { publishEvery: 500, drawEvery: 250, lookup: () => undefined });
    controller.act!({ type: 'advance' });
    const opened = context.rendered.length;
    // The latest option of each phone, kept apart from the poll's own counting, to recount at the end.
    const latest: Record<string, number> = {};
    const deliver = (k: number, option: number) => {
      room.vote({ poll: 'which-model', from: phone(k), option });
      latest[phone(k)] = option;
    };
    // 35 frames of 1,000 votes: phone k votes k mod 3, then phones 0 to 4,999 change to the next option.
    for (let frame = 0; frame < 35; frame++) {
      for (let k = frame * 1000; k < (frame + 1) * 1000; k++) {
        if (k < 30_000) deliver(k, k % 3);
        else deliver(k - 30_000, (k - 30_000 + 1) % 3);
      }
      // However many votes arrive in a frame, nothing is drawn before its timer fires, and it draws them once.
      expect(context.rendered.length - opened).toBe(frame);
      vi.advanceTimersByTime(250);
      expect(context.rendered.length - opened).toBe(frame + 1);
    }
    // 1,667 phones moved from 0 to 1, 1,667 from 1 to 2 and 1,666 from 2 to 0.
    expect(countsOf(context.last())).toEqual([9_999, 10_000, 10_001]);
    expect(totalOf(context.last())).toBe(30_000);
    expect(countsOf(context.last())).toEqual(tally(latest, 3));
    // The state drawn, and sent to every mirror, does not grow with the hall: copying it costs the same at any size.
    expect(JSON.stringify(context.last()).length).toBeLessThan(1_000);
    vi.advanceTimersByTime(500);
    expect(room.published.at(-1)!.value).toEqual({ state: 'open', total: 30_000 });
  });

  it('draws 1,000 votes that arrive in one tick at most once before the frame’s timer fires, then with the exact counts', () => {
    vi.useFakeTimers();
    const room = fakeRoom('presenter');
    const context = fakeContext(PARAMS, initialPoll(PARAMS), room);
    const controller = pollController(context, { publishEvery: 500, drawEvery: 250, lookup: () => undefined });
    controller.act!({ type: 'advance' });
    const before = context.rendered.length;
    for (let k = 0; k < 1000; k++) room.vote({ poll: 'which-model', from: phone(k), option: k % 3 });
    expect(context.rendered.length).toBeLessThanOrEqual(before + 1);
    vi.advanceTimersByTime(250);
    expect(countsOf(context.last())).toEqual([334, 333, 333]);
    expect(totalOf(context.last())).toBe(1000);
    // The projector tells the room how many have voted; the speaker view tells the presenter what V does next.
    expect(statusLine(context.last())).toBe('Voting is open on your phones: 1000 votes so far.');
    expect(statusLine(context.last(), 'presenter')).toBe('Voting is open: 1000 votes so far. Press V to close it.');
    // Once the votes stop, nothing more is drawn.
    const drawn = context.rendered.length;
    vi.advanceTimersByTime(5000);
    expect(context.rendered.length).toBe(drawn);
  });

  it('draws a new stage and an answer at once, with the votes that were waiting for their frame', () => {
    vi.useFakeTimers();
    const room = fakeRoom('presenter');
    const context = fakeContext(PARAMS, initialPoll(PARAMS), room);
    const controller = pollController(context, { publishEvery: 500, drawEvery: 250, lookup: () => 'cnn' });
    controller.act!({ type: 'advance' });
    expect(context.last().state).toBe('open');
    const before = context.rendered.length;
    for (let k = 0; k < 3; k++) room.vote({ poll: 'which-model', from: phone(k), option: k });
    expect(context.rendered.length).toBe(before);
    controller.act!({ type: 'advance' });
    expect(context.rendered.length).toBe(before + 1);
    expect(context.last()).toMatchObject({ state: 'closed', counts: [1, 1, 1], total: 3 });
    expect(room.published.at(-1)!.value).toEqual({ state: 'closed', total: 3 });
    // The frame's timer finds nothing left to draw.
    vi.advanceTimersByTime(1000);
    expect(context.rendered.length).toBe(before + 1);
    // The reveal reads the answer from the experiment's figure; both are drawn without waiting for a timer.
    controller.act!({ type: 'advance' });
    expect(context.rendered.slice(before + 1).map((s) => [s.state, s.answer])).toEqual([
      ['revealed', undefined],
      ['revealed', 'cnn'],
    ]);
  });

  it('ignores votes after the poll closes: no count, no drawing, nothing published', () => {
    vi.useFakeTimers();
    const room = fakeRoom('presenter');
    const context = fakeContext(PARAMS, initialPoll(PARAMS), room);
    const controller = pollController(context, { publishEvery: 500, drawEvery: 250, lookup: () => undefined });
    controller.act!({ type: 'advance' });
    room.vote({ poll: 'which-model', from: phone(0), option: 0 });
    room.vote({ poll: 'which-model', from: phone(1), option: 1 });
    controller.act!({ type: 'advance' });
    const drawn = context.rendered.length;
    const published = room.published.length;
    for (let k = 0; k < 100; k++) room.vote({ poll: 'which-model', from: phone(k), option: 2 });
    vi.advanceTimersByTime(1000);
    expect(context.rendered.length).toBe(drawn);
    expect(room.published.length).toBe(published);
    expect(context.last()).toMatchObject({ state: 'closed', counts: [1, 1, 0], total: 2 });
    controller.act!({ type: 'advance' });
    expect(room.published.at(-1)!.value).toEqual({ state: 'revealed', total: 2, counts: [1, 1, 0] });
  });

  it('reads the answer from the experiment’s figure when the votes are revealed, and again on V or on coming back', () => {
    let best: string | undefined;
    const asked: string[] = [];
    const room = fakeRoom('presenter');
    const context = fakeContext(PARAMS, initialPoll(PARAMS), room);
    const controller = pollController(context, {
      publishEvery: 0,
      lookup: (demo, report) => {
        asked.push(`${demo}.${report}`);
        return best;
      },
    });
    for (let k = 0; k < 3; k++) controller.act!({ type: 'advance' });
    expect(asked).toEqual(['model-comparison.best']);
    expect(context.last().answer).toBeUndefined();
    best = 'cnn';
    controller.show!();
    expect(context.last().answer).toBe('cnn');
    expect(room.published.at(-1)!.value).toMatchObject({ answer: 'cnn' });
  });

  it('marks a fixed answer only when the presenter presses V after the reveal', () => {
    const room = fakeRoom('presenter');
    const context = fakeContext(FIXED, initialPoll(FIXED), room);
    const controller = pollController(context, { publishEvery: 0, lookup: () => 'never-read' });
    for (let k = 0; k < 3; k++) controller.act!({ type: 'advance' });
    expect(context.last()).toMatchObject({ state: 'revealed', answer: undefined });
    controller.act!({ type: 'advance' });
    expect(context.last().answer).toBe('dense');
  });

  it('stops listening to the room when it goes', () => {
    const room = fakeRoom('presenter');
    pollController(fakeContext(PARAMS, initialPoll(PARAMS), room), { publishEvery: 0 }).dispose!();
    expect(room.listening()).toBe(0);
  });
});

describe('the poll on a phone', () => {
  it('sends this phone’s vote and draws what the presenter publishes', () => {
    const room = fakeRoom('follower');
    const context = fakeContext(PARAMS, initialPoll(PARAMS), room);
    const controller = pollController(context);
    expect(context.last().side).toBe('phone');
    controller.act!({ type: 'choose', option: 1 });
    expect(room.votes).toEqual([]);
    room.state('poll:which-model', { state: 'open', total: 4 });
    controller.act!({ type: 'choose', option: 1 });
    controller.act!({ type: 'choose', option: 2 });
    expect(room.votes).toEqual([
      { poll: 'which-model', option: 1 },
      { poll: 'which-model', option: 2 },
    ]);
    room.state('poll:which-model', { state: 'revealed', total: 5, counts: [1, 1, 3], answer: 'cnn' });
    expect(context.last()).toMatchObject({ state: 'revealed', counts: [1, 1, 3], answer: 'cnn', mine: 2 });
  });

  it('shows what the relay refused while the poll is on screen', () => {
    const room = fakeRoom('follower');
    const context = fakeContext(PARAMS, initialPoll(PARAMS), room);
    const controller = pollController(context);
    room.refuse({ event: 'vote', reason: 'Too many votes at once: wait a second.' });
    expect(context.last().refusal).toBeUndefined();
    controller.show!();
    room.refuse({ event: 'digit', reason: 'Not about polls.' });
    room.refuse({ event: 'vote', reason: 'Too many votes at once: wait a second.' });
    expect(statusLine(context.last())).toBe('Too many votes at once: wait a second.');
  });
});

describe('the poll without a room', () => {
  it('asks the room for a show of hands, and V marks the answer the experiment gave', () => {
    const context = fakeContext(PARAMS, initialPoll(PARAMS), undefined);
    const controller = pollController(context, { lookup: () => 'dense' });
    expect(context.last().side).toBe('alone');
    expect(statusLine(context.last())).toBe('Vote with a show of hands.');
    controller.act!({ type: 'advance' });
    expect(context.last().answer).toBe('dense');
    expect(statusLine(context.last())).toBe('The right answer: The lecture’s network.');
  });
});
