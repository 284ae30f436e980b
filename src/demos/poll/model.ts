/**
 * A poll, as data: a question put to the room before an experiment, the
 * phones' votes, and the right answer once the experiment has given it.
 *
 * The presenter's deck holds the votes (one per phone, by the anonymous id
 * the relay gives it, changeable while the poll is open) and moves the poll
 * on with V: ready → open → closed → revealed. Phones see only what the
 * presenter publishes (`publicState`): the poll's stage and the number of
 * votes, and the counts per option only once they are revealed, so that an
 * early majority cannot sway the rest. Pure: the controller (index.ts)
 * wires it to the room.
 */
import type { PollParams } from './params.ts';

/** ready: not yet open; open: phones vote; closed: votes are final, not shown; revealed: counts shown, the answer once known. */
export type PollStage = 'ready' | 'open' | 'closed' | 'revealed';

/** Where this copy of the poll runs: the presenter's deck (and its speaker view), a phone, or a deck without a room. */
export type PollSide = 'projector' | 'phone' | 'alone';

export interface PollState {
  id: string;
  question: string;
  options: PollParams['options'];
  side: PollSide;
  state: PollStage;
  /** Projector: each phone's vote, an option's index, by the anonymous id it came from. */
  votes: Record<string, number>;
  /** Phone: the counts per option as the presenter revealed them. */
  counts: number[] | undefined;
  /** Phone: the number of votes, as the presenter published it. */
  total: number;
  /** The right answer's value, once marked. */
  answer: string | undefined;
  /** The demo whose figure will give the answer, to say so while it has not. */
  answerFrom: string | undefined;
  /** Phone: this phone's vote, an option's index. */
  mine: number | undefined;
  /** Phone: why the relay refused this phone's last vote, in a sentence. */
  refusal: string | undefined;
}

export type PollAction =
  /** V, or the projector's button: open, close, reveal; once revealed, mark the right answer. */
  | { type: 'advance' }
  /** Projector: a phone's vote arrived. */
  | { type: 'vote'; from: string; option: number }
  /** Phone: this phone chose an option. */
  | { type: 'choose'; option: number }
  /** Phone: the presenter's public state arrived. */
  | { type: 'published'; value: unknown }
  /** The right answer was found (a value, or undefined when the figure has not given it yet). */
  | { type: 'answer'; value: string | undefined }
  /** Phone: the relay refused this phone's vote. */
  | { type: 'refused'; reason: string };

/** What phones are shown, under the room key `poll:<id>`. */
export interface PublicPoll {
  state: PollStage;
  total: number;
  /** Only once revealed. */
  counts?: number[];
  /** Only once revealed and marked. */
  answer?: string;
}

/** The room key under which the presenter publishes a poll. */
export function pollKey(id: string): string {
  return `poll:${id}`;
}

export function initialPoll(params: PollParams): PollState {
  return {
    id: params.id,
    question: params.question,
    options: params.options,
    side: 'alone',
    state: 'ready',
    votes: {},
    counts: undefined,
    total: 0,
    answer: undefined,
    answerFrom: params.answerFrom?.demo,
    mine: undefined,
    refusal: undefined,
  };
}

const NEXT: Record<PollStage, PollStage> = { ready: 'open', open: 'closed', closed: 'revealed', revealed: 'revealed' };

/** Whether `option` is the index of one of `n` options. */
function isOption(option: unknown, n: number): option is number {
  return typeof option === 'number' && Number.isInteger(option) && option >= 0 && option < n;
}

/** Applies an action (pure): the same state when the action changes nothing, or is not for this side or stage. */
export function reduce(s: PollState, action: PollAction): PollState {
  switch (action.type) {
    case 'advance':
      return s.side === 'projector' && NEXT[s.state] !== s.state ? { ...s, state: NEXT[s.state] } : s;
    case 'vote':
      // One vote per phone, changeable while the poll is open; anything else is ignored.
      if (s.side !== 'projector' || s.state !== 'open' || !action.from || !isOption(action.option, s.options.length)) return s;
      if (Object.hasOwn(s.votes, action.from) && s.votes[action.from] === action.option) return s;
      return { ...s, votes: { ...s.votes, [action.from]: action.option } };
    case 'choose':
      if (s.side !== 'phone' || s.state !== 'open' || !isOption(action.option, s.options.length)) return s;
      return { ...s, mine: action.option, refusal: undefined };
    case 'published': {
      if (s.side !== 'phone') return s;
      const p = readPublic(action.value, s.options.length);
      if (!p) return s;
      return { ...s, state: p.state, total: p.total, counts: p.counts, answer: p.answer };
    }
    case 'answer':
      return action.value === undefined || action.value === s.answer ? s : { ...s, answer: action.value };
    case 'refused':
      return s.side === 'phone' ? { ...s, refusal: action.reason } : s;
  }
}

/** Counts per option: how many phones chose each of `n` options. */
export function tally(votes: Readonly<Record<string, number>>, n: number): number[] {
  const counts = Array.from({ length: n }, () => 0);
  for (const option of Object.values(votes)) if (isOption(option, n)) counts[option]! += 1;
  return counts;
}

/** The counts this copy knows: the projector's own, or what the presenter revealed to a phone. */
export function countsOf(s: PollState): number[] | undefined {
  return s.side === 'projector' ? tally(s.votes, s.options.length) : s.counts;
}

/** The number of votes this copy knows. */
export function totalOf(s: PollState): number {
  return s.side === 'projector' ? Object.keys(s.votes).length : s.total;
}

/** What the presenter shows phones: never who voted what, and the counts only once revealed. */
export function publicState(s: PollState): PublicPoll {
  const revealed = s.state === 'revealed';
  return {
    state: s.state,
    total: totalOf(s),
    ...(revealed ? { counts: tally(s.votes, s.options.length) } : {}),
    ...(revealed && s.answer !== undefined ? { answer: s.answer } : {}),
  };
}

const STAGES: readonly string[] = ['ready', 'open', 'closed', 'revealed'];

/** A published state, checked: the relay passes any JSON the presenter sends, and a phone trusts nothing it cannot draw. */
export function readPublic(value: unknown, n: number): PublicPoll | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.state !== 'string' || !STAGES.includes(v.state)) return undefined;
  if (typeof v.total !== 'number' || !Number.isInteger(v.total) || v.total < 0) return undefined;
  const counts =
    Array.isArray(v.counts) && v.counts.length === n && v.counts.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 0)
      ? (v.counts as number[])
      : undefined;
  return {
    state: v.state as PollStage,
    total: v.total,
    ...(counts ? { counts } : {}),
    ...(typeof v.answer === 'string' ? { answer: v.answer } : {}),
  };
}

/** The option an answer names, or -1 when no option has that value. */
export function answerIndex(s: PollState): number {
  return s.answer === undefined ? -1 : s.options.findIndex((o) => o.value === s.answer);
}

/** The sentence under the poll, for the side it is drawn on. */
export function statusLine(s: PollState): string {
  const votes = totalOf(s);
  const counted = `${votes} vote${votes === 1 ? '' : 's'}`;
  const answer = answerLine(s);
  switch (s.side) {
    case 'alone':
      return answer || 'Ask for a show of hands.';
    case 'projector':
      switch (s.state) {
        case 'ready':
          return 'Press V to open the poll; the phones show it as soon as it opens.';
        case 'open':
          return `Voting is open: ${counted} so far. Press V to close it.`;
        case 'closed':
          return `Voting is closed: ${counted}. Press V to show them.`;
        case 'revealed':
          if (answer) return `${counted}. ${answer}`;
          return `${counted}. ${s.answerFrom ? 'The right answer is marked once the experiment has run: come back, or press V.' : 'Press V to mark the right answer.'}`;
      }
      return '';
    case 'phone':
      if (s.refusal) return s.refusal;
      switch (s.state) {
        case 'ready':
          return 'The poll opens when the presenter says so.';
        case 'open':
          return s.mine === undefined
            ? 'Tap your answer; you can change it until the poll closes.'
            : `You answered “${s.options[s.mine]?.label ?? ''}”; you can change it until the poll closes.`;
        case 'closed':
          return `Voting is closed: ${counted}. The presenter will show them.`;
        case 'revealed':
          return `${counted}. ${answer}`.trim();
      }
  }
}

/** The right answer in words, or what it waits for; empty when nothing is to be said. */
function answerLine(s: PollState): string {
  if (s.answer !== undefined) {
    const option = s.options[answerIndex(s)];
    return option ? `The right answer: ${option.label}.` : `The experiment gave “${s.answer}”, which none of the options named.`;
  }
  if (s.state !== 'revealed') return '';
  return s.answerFrom ? 'The right answer is marked after the experiment.' : '';
}
