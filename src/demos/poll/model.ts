/**
 * A poll, as data: a question put to the room before an experiment, the
 * phones' votes, and the right answer once the experiment has given it.
 *
 * The presenter's deck holds the votes (one per phone, by the anonymous id
 * the relay gives it, changeable while the poll is open) and moves the poll
 * on with V: ready → open → closed → revealed. Phones see only what the
 * presenter publishes (`publicState`): the poll's stage and the number of
 * votes, and the counts per option only once they are revealed, so that an
 * early majority cannot sway the rest. The controller (controller.ts) wires
 * it to the room.
 *
 * Why the votes are not in the state: a hall (or a script with many
 * identities) votes fast, and a state that carried every phone's vote had to
 * be copied whole on each one, which cost 2 ms a vote at 10,000 voters and
 * 14 ms at 30,000, and froze the projector. So the state carries only the
 * running counts per option and their total, which the view draws, and
 * which a vote changes in time that does not grow with the hall: one count
 * up, and, for a changed vote, one down. Who voted what lives in a ballot
 * box (`BallotBox`, a Map from a phone's anonymous id to its option) that
 * the projector's controller owns and that never enters a state, so it is
 * neither copied, nor drawn, nor sent to the speaker view's mirrors.
 *
 * The reducer stays pure: a vote action carries the option the phone chose
 * before (`previous`, read from the ballot box), and `castVote` is the one
 * place that reads the box, reduces, and records in the box the votes the
 * reducer accepted, so that box and counts cannot disagree.
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
  /**
   * The counts per option. Projector: its running count of the phones'
   * votes (undefined until the first, meaning none). Phone: as the presenter
   * revealed them, undefined until then.
   */
  counts: number[] | undefined;
  /** The number of votes: the projector's own count, or as the presenter published it to a phone. */
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
  /** V, or the button in the speaker view: open, close, reveal; once revealed, mark the right answer. */
  | { type: 'advance' }
  /**
   * Projector: a phone's vote arrived; `previous` is the option its ballot
   * box holds for that phone (undefined when it has not voted yet). Made
   * by `castVote`, which reads the box.
   */
  | { type: 'vote'; from: string; option: number; previous: number | undefined }
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
    case 'vote': {
      // One vote per phone, changeable while the poll is open; anything else, and the same option again, is ignored.
      const n = s.options.length;
      const { option, previous } = action;
      if (s.side !== 'projector' || s.state !== 'open' || !action.from || !isOption(option, n) || option === previous) return s;
      // A copy of at most 16 counts: the cost of a vote does not grow with the number of voters.
      const counts = s.counts?.length === n ? [...s.counts] : zeros(n);
      counts[option]! += 1;
      // A changed vote moves one count; the box only ever holds options this reducer accepted.
      const changed = isOption(previous, n);
      if (changed) counts[previous]! -= 1;
      return { ...s, counts, total: changed ? s.total : s.total + 1 };
    }
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

/**
 * The projector's ballot box: each phone's vote, an option's index, by the
 * anonymous id it came from. Owned by the controller, outside any state;
 * only `castVote` writes it.
 */
export type BallotBox = Map<string, number>;

/**
 * A phone's vote on the projector, in time that does not grow with the
 * number of voters: the reducer decides, given the phone's previous vote
 * from the box, and the box records the vote only when the reducer accepted
 * it. Returns the next state (the same one when the vote is ignored). The
 * one function here that changes something it is given: the box.
 */
export function castVote(s: PollState, box: BallotBox, from: string, option: number): PollState {
  const next = reduce(s, { type: 'vote', from, option, previous: box.get(from) });
  if (next !== s) box.set(from, option);
  return next;
}

function zeros(n: number): number[] {
  return Array.from({ length: n }, () => 0);
}

/** Counts per option, recounted from every vote: how many phones chose each of `n` options. The running counts must equal it. */
export function tally(votes: Readonly<Record<string, number>> | ReadonlyMap<string, number>, n: number): number[] {
  const counts = zeros(n);
  for (const option of votes instanceof Map ? votes.values() : Object.values(votes)) if (isOption(option, n)) counts[option]! += 1;
  return counts;
}

/** The counts this copy knows: the projector's own (zeros before any vote), or what the presenter revealed to a phone. */
export function countsOf(s: PollState): number[] | undefined {
  return s.side === 'projector' ? (s.counts ?? zeros(s.options.length)) : s.counts;
}

/** The number of votes this copy knows. */
export function totalOf(s: PollState): number {
  return s.total;
}

/** What the presenter shows phones: never who voted what, and the counts only once revealed. */
export function publicState(s: PollState): PublicPoll {
  const revealed = s.state === 'revealed';
  return {
    state: s.state,
    total: totalOf(s),
    ...(revealed ? { counts: countsOf(s) ?? zeros(s.options.length) } : {}),
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

/**
 * Who reads the line: the room (the projector, a phone, a deck without a
 * room) or the presenter (the speaker view's preview of the projector,
 * which also draws the poll's button and the key's hints).
 */
export type PollReader = 'room' | 'presenter';

/**
 * The sentence under the poll, for the side it is drawn on and who reads
 * it. The projector speaks to the room (how many have voted, where to vote)
 * and names no key; the speaker view tells the presenter what V does next.
 */
export function statusLine(s: PollState, reader: PollReader = 'room'): string {
  const votes = totalOf(s);
  const counted = `${votes} vote${votes === 1 ? '' : 's'}`;
  const answer = answerLine(s);
  switch (s.side) {
    case 'alone':
      return answer || 'Vote with a show of hands.';
    case 'projector':
      return reader === 'presenter' ? presenterLine(s, counted, answer) : roomLine(s, counted, answer);
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

/** The projector's line, for the room: the way in (the phone that follows the deck) and the number of votes, never a key. */
function roomLine(s: PollState, counted: string, answer: string): string {
  switch (s.state) {
    case 'ready':
      return 'Vote on your phone: the lecture you opened from the QR code shows the options once the poll opens.';
    case 'open':
      return `Voting is open on your phones: ${counted} so far.`;
    case 'closed':
      return `Voting is closed: ${counted}.`;
    case 'revealed':
      return `${counted}. ${answer}`.trim();
  }
}

/** The speaker view's line, for the presenter: what V does next. */
function presenterLine(s: PollState, counted: string, answer: string): string {
  switch (s.state) {
    case 'ready':
      return 'Press V to open the poll; the phones show it as soon as it opens.';
    case 'open':
      return `Voting is open: ${counted} so far. Press V to close it.`;
    case 'closed':
      return `Voting is closed: ${counted}. Press V to show them.`;
    case 'revealed':
      if (s.answer !== undefined) return `${counted}. ${answer}`;
      return `${counted}. ${s.answerFrom ? 'The right answer is marked once the experiment has run: come back, or press V.' : 'Press V to mark the right answer.'}`;
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
