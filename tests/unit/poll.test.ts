/**
 * A poll (src/demos/poll): the votes counted one per phone and changeable
 * only while the poll is open, what phones are shown at each stage, and the
 * controller on the projector, on a phone and without a room, against a
 * fake room.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pollController } from '../../src/demos/poll/controller.ts';
import {
  initialPoll,
  publicState,
  readPublic,
  reduce,
  statusLine,
  tally,
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
const vote = (from: string, option: number): PollAction => ({ type: 'vote', from, option });

afterEach(() => vi.useRealTimers());

describe('counting the votes', () => {
  it('counts how many phones chose each option, and ignores an index that names no option', () => {
    expect(tally({ a: 0, b: 2, c: 2, d: 7, e: -1 }, 3)).toEqual([1, 0, 2]);
  });

  it('keeps one vote per phone, the latest, while the poll is open', () => {
    const s = apply(projector(), [{ type: 'advance' }, vote('phone-aaaa', 0), vote('phone-bbbb', 1), vote('phone-aaaa', 2)]);
    expect(s.votes).toEqual({ 'phone-aaaa': 2, 'phone-bbbb': 1 });
    expect(tally(s.votes, 3)).toEqual([0, 1, 1]);
  });

  it('ignores votes before the poll opens and after it closes', () => {
    const before = apply(projector(), [vote('phone-aaaa', 0)]);
    expect(before.votes).toEqual({});
    const closed = apply(projector(), [
      { type: 'advance' },
      vote('phone-aaaa', 0),
      { type: 'advance' },
      vote('phone-aaaa', 1),
      vote('phone-bbbb', 1),
    ]);
    expect(closed.state).toBe('closed');
    expect(closed.votes).toEqual({ 'phone-aaaa': 0 });
    const revealed = apply(closed, [{ type: 'advance' }, vote('phone-cccc', 2)]);
    expect(revealed.votes).toEqual({ 'phone-aaaa': 0 });
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
    const open = apply(projector(), [{ type: 'advance' }, vote('phone-aaaa', 0), vote('phone-bbbb', 2)]);
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
    const controller = pollController(context, { publishEvery: 0, lookup: () => undefined });
    expect(context.last().side).toBe('projector');
    expect(room.published).toEqual([{ key: 'poll:which-model', value: { state: 'ready', total: 0 } }]);
    controller.act!({ type: 'advance' });
    room.vote({ poll: 'which-model', option: 1, from: 'phone-aaaa' });
    room.vote({ poll: 'another-poll', option: 0, from: 'phone-bbbb' });
    room.vote({ poll: 'which-model', option: 9, from: 'phone-cccc' });
    expect(context.last().votes).toEqual({ 'phone-aaaa': 1 });
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
  it('says to ask for a show of hands, and V marks the answer the experiment gave', () => {
    const context = fakeContext(PARAMS, initialPoll(PARAMS), undefined);
    const controller = pollController(context, { lookup: () => 'dense' });
    expect(context.last().side).toBe('alone');
    expect(statusLine(context.last())).toBe('Ask for a show of hands.');
    controller.act!({ type: 'advance' });
    expect(context.last().answer).toBe('dense');
    expect(statusLine(context.last())).toBe('The right answer: The lecture’s network.');
  });
});
