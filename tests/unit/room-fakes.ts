/**
 * Fakes for the demos that use the room and the worker: a RoomLink that
 * records what a controller publishes, replies and sends, and lets a test
 * play the relay (digits, votes, states, replies, refusals); a training
 * client that records what is sent to the worker and delivers what a test
 * says it answered; and a controller context around them.
 */
import { EMPTY_ADDRESS } from '../../src/address.ts';
import type { ControllerContext, RoomLink } from '../../src/contract/demo.ts';
import type { Digit, ForwardedDigit, ForwardedVote, Refused, Vote } from '../../src/room/protocol.ts';
import type { TrainingClient } from '../../src/train/page/client.ts';
import type { FromWorker, ToWorker } from '../../src/train/protocol.ts';

/** Handlers a controller registered, by what they listen to. */
class Handlers<T> {
  readonly #all = new Set<(value: T) => void>();
  add(handler: (value: T) => void): () => void {
    this.#all.add(handler);
    return () => this.#all.delete(handler);
  }
  emit(value: T): void {
    for (const handler of this.#all) handler(value);
  }
  get size(): number {
    return this.#all.size;
  }
}

export interface FakeRoom extends RoomLink {
  published: { key: string; value: unknown }[];
  replies: { to: string; kind: string; value: unknown }[];
  digits: Digit[];
  votes: Vote[];
  /** Plays the relay: a phone's digit or vote reaches the presenter. */
  digit(digit: ForwardedDigit): void;
  vote(vote: ForwardedVote): void;
  /** Plays the relay: the presenter's state or reply reaches this phone, or the relay refuses one of its messages. */
  state(key: string, value: unknown): void;
  deliverReply(kind: string, value: unknown): void;
  refuse(refused: Refused): void;
  /** How many handlers are still listening (0 after a controller's dispose). */
  listening(): number;
}

export function fakeRoom(role: 'presenter' | 'follower'): FakeRoom {
  const digits = new Handlers<ForwardedDigit>();
  const votes = new Handlers<ForwardedVote>();
  const states = new Map<string, Handlers<unknown>>();
  const replies = new Map<string, Handlers<unknown>>();
  const refusals = new Handlers<Refused>();
  const of = (map: Map<string, Handlers<unknown>>, key: string) => {
    let handlers = map.get(key);
    if (!handlers) map.set(key, (handlers = new Handlers()));
    return handlers;
  };
  const room: FakeRoom = {
    role,
    published: [],
    replies: [],
    digits: [],
    votes: [],
    publish: (key, value) => void room.published.push({ key, value }),
    reply: (to, kind, value) => void room.replies.push({ to, kind, value }),
    onDigit: (handler) => digits.add(handler),
    onVote: (handler) => votes.add(handler),
    sendDigit: (digit) => void room.digits.push(digit),
    sendVote: (vote) => void room.votes.push(vote),
    onState: (key, handler) => of(states, key).add(handler),
    onReply: (kind, handler) => of(replies, kind).add(handler),
    onRefused: (handler) => refusals.add(handler),
    digit: (digit) => digits.emit(digit),
    vote: (vote) => votes.emit(vote),
    state: (key, value) => of(states, key).emit(value),
    deliverReply: (kind, value) => of(replies, kind).emit(value),
    refuse: (refused) => refusals.emit(refused),
    listening: () => digits.size + votes.size + refusals.size + [...states.values(), ...replies.values()].reduce((n, h) => n + h.size, 0),
  };
  return room;
}

export function fakeClient() {
  const sent: ToWorker[] = [];
  const listeners = new Set<(m: FromWorker) => void>();
  let counter = 0;
  const client: TrainingClient = {
    send: (message) => void sent.push(message),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    backend: undefined,
    nextId: (prefix) => `${prefix}-${++counter}`,
  };
  const deliver = (message: FromWorker) => [...listeners].forEach((l) => l(message));
  return { client, sent, deliver };
}

/** A controller's context in the projected deck (or on a phone), recording every state it renders. */
export function fakeContext<P, S>(
  params: P,
  initial: S,
  room: RoomLink | undefined,
  options: { print?: boolean } = {},
): ControllerContext<P, S> & { rendered: S[]; last(): S } {
  const rendered: S[] = [];
  return {
    // A controller draws through `render`, never into these.
    root: {} as HTMLElement,
    stage: {} as HTMLElement,
    params,
    steps: 0,
    print: options.print ?? false,
    reducedMotion: true,
    signal: new AbortController().signal,
    address: EMPTY_ADDRESS,
    initial,
    room,
    render: (state) => void rendered.push(state),
    rendered,
    last: () => rendered.at(-1)!,
  };
}
