/**
 * The room, the part the deck loads with itself: who this copy of the deck
 * is in the room, the presenter's key kept out of the address, and the
 * RoomLink (src/contract/demo.ts) that demos receive at once, before the
 * connection exists. The connection itself (socket.io-client, the reveal.js
 * wiring and the indicator) is room.ts, loaded after the first slide has
 * painted; until then, what demos publish or send waits here.
 */
import type { RoomLink } from '../contract/demo.ts';
import type {
  Ask,
  Digit,
  ForwardedDigit,
  ForwardedLost,
  ForwardedQuestion,
  ForwardedUpvote,
  ForwardedVote,
  Lost,
  Place,
  Refused,
  Upvote,
  Vote,
} from '../room/protocol.ts';

/** The sessionStorage key that keeps the presenter's key in the presenter's own window (and its speaker view). */
const KEY_STORE = 'deck-room:presenter-key';

/** How this copy of the deck joins the room. */
export interface RoomSetup {
  /** `same-origin`, or the address of a relay elsewhere. */
  relay: string;
  /** The presenter's key: only in the window opened from the presenter's link. */
  key: string | undefined;
  /** A room named by the follow link (`?follow=<room>`), or undefined for the relay's default room. */
  room: string | undefined;
  /** The address asked to follow (`?follow`): a phone from the QR code. */
  follow: boolean;
}

/**
 * Takes the presenter's key out of the address (`?presenter=KEY`) before
 * anything else reads or shows it, and keeps it in this tab's
 * sessionStorage, so that a reload presents again; the address bar, the
 * history, bookmarks and the Referer never see it again. Returns the key.
 */
export function takePresenterKey(win: Window = window): string | undefined {
  const url = new URL(win.location.href);
  const given = url.searchParams.get('presenter');
  if (given !== null) {
    url.searchParams.delete('presenter');
    win.history.replaceState(win.history.state, '', url.href);
    try {
      if (given) win.sessionStorage.setItem(KEY_STORE, given);
    } catch {
      // Storage refused: the key still serves this load.
    }
    if (given) return given;
  }
  try {
    return win.sessionStorage.getItem(KEY_STORE) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the presenter's key in this tab (the presenter left the room). */
export function forgetPresenterKey(win: Window = window): void {
  try {
    win.sessionStorage.removeItem(KEY_STORE);
  } catch {
    // Nothing kept.
  }
}

/**
 * How this page joins the room, or undefined when it does not: a build
 * without a relay, print, or a speaker-view preview frame (which mirrors the
 * presenter's window instead).
 */
export function roomSetup(doc: Document, search: string, options: { print: boolean; receiver: boolean }): RoomSetup | undefined {
  const relay = doc.querySelector<HTMLMetaElement>('meta[name="deck-relay"]')?.content;
  if (!relay || options.print || options.receiver) return undefined;
  const query = new URLSearchParams(search);
  const follow = query.get('follow');
  return {
    relay,
    key: takePresenterKey(),
    room: follow && /^[A-Za-z0-9_-]{16}$/.test(follow) ? follow : undefined,
    follow: follow !== null,
  };
}

/** What the connection (room.ts) gives the link: how to send, once connected. */
export interface RoomTransport {
  emit(event: 'state' | 'reply' | PhoneEvent, payload: unknown): void;
}

/** What a phone sends the presenter's deck, through the relay. */
interface PhoneMessages {
  digit: Digit;
  vote: Vote;
  ask: Ask;
  upvote: Upvote;
  lost: Lost;
}
type PhoneEvent = keyof PhoneMessages;

/** What the presenter's deck hears of the room's own features (questions, "I'm lost"), each with the phone's anonymous id. */
export interface RoomHeard {
  question: ForwardedQuestion;
  upvote: ForwardedUpvote;
  lost: ForwardedLost;
}

/** What either side hears of the room as a whole: where the presenter is, and how many phones follow. */
export interface RoomNews {
  place: Place;
  followers: number;
}

type Handler<T> = (value: T) => void;

/** The most messages a phone keeps for sending while it is not connected (a digit or two, a vote). */
const QUEUE = 8;

/**
 * The RoomLink of this page. Until the connection is up, a presenter's
 * states are kept (the latest per key) and a phone's digits and votes wait;
 * the connection hands in what the relay says with the `receive*` methods.
 * After a reconnection the presenter sends every state again: the relay
 * keeps nothing across a restart.
 */
export class DeckRoomLink implements RoomLink {
  readonly role: 'presenter' | 'follower';
  #transport: RoomTransport | undefined;
  readonly #published = new Map<string, unknown>();
  readonly #queue: { event: PhoneEvent; payload: unknown }[] = [];
  readonly #heard = new Map<keyof RoomHeard, Set<Handler<never>>>();
  readonly #news = new Map<keyof RoomNews, Set<Handler<never>>>();
  readonly #digits = new Set<Handler<ForwardedDigit>>();
  readonly #votes = new Set<Handler<ForwardedVote>>();
  readonly #states = new Map<string, Set<Handler<unknown>>>();
  readonly #latest = new Map<string, unknown>();
  readonly #replies = new Map<string, Set<Handler<unknown>>>();
  readonly #refusals = new Set<Handler<Refused>>();

  constructor(role: 'presenter' | 'follower') {
    this.role = role;
  }

  /** The connection is up (again): the presenter re-sends its states, a phone what waited. */
  connected(transport: RoomTransport): void {
    this.#transport = transport;
    if (this.role === 'presenter') for (const [key, value] of this.#published) transport.emit('state', { key, value });
    for (const { event, payload } of this.#queue.splice(0)) transport.emit(event, payload);
  }

  /** The connection is down: sends wait again. */
  disconnected(): void {
    this.#transport = undefined;
  }

  publish(key: string, value: unknown): void {
    if (this.role !== 'presenter') return;
    if (value === null) this.#published.delete(key);
    else this.#published.set(key, value);
    this.#transport?.emit('state', { key, value });
    // The presenter's own figures that show what phones see (the questions slide) hear it too.
    this.receiveState(key, value);
  }

  reply(to: string, kind: string, value: unknown): void {
    if (this.role === 'presenter') this.#transport?.emit('reply', { to, kind, value });
  }

  onDigit(handler: Handler<ForwardedDigit>): () => void {
    return listen(this.#digits, handler);
  }

  onVote(handler: Handler<ForwardedVote>): () => void {
    return listen(this.#votes, handler);
  }

  sendDigit(digit: Digit): void {
    this.#send('digit', digit);
  }

  sendVote(vote: Vote): void {
    this.#send('vote', vote);
  }

  onState(key: string, handler: Handler<unknown>): () => void {
    const set = this.#states.get(key) ?? new Set();
    this.#states.set(key, set);
    if (this.#latest.has(key)) handler(this.#latest.get(key));
    return listen(set, handler);
  }

  onReply(kind: string, handler: Handler<unknown>): () => void {
    const set = this.#replies.get(kind) ?? new Set();
    this.#replies.set(kind, set);
    return listen(set, handler);
  }

  onRefused(handler: Handler<Refused>): () => void {
    return listen(this.#refusals, handler);
  }

  /** The relay passed on a phone's digit (presenter). */
  receiveDigit(digit: ForwardedDigit): void {
    this.#digits.forEach((h) => h(digit));
  }

  /** The relay passed on a phone's vote (presenter). */
  receiveVote(vote: ForwardedVote): void {
    this.#votes.forEach((h) => h(vote));
  }

  /** The presenter's public state under `key` (phone), as it changes or in a welcome. */
  receiveState(key: string, value: unknown): void {
    if (value === null) this.#latest.delete(key);
    else this.#latest.set(key, value);
    this.#states.get(key)?.forEach((h) => h(value));
  }

  /** The presenter's reply to this phone. */
  receiveReply(kind: string, value: unknown): void {
    this.#replies.get(kind)?.forEach((h) => h(value));
  }

  /** The relay refused something this page sent. */
  receiveRefusal(refused: Refused): void {
    this.#refusals.forEach((h) => h(refused));
  }

  /** Follower: sends one of the room's own messages (a question, an upvote, "I'm lost") to the presenter's deck. */
  send<E extends 'ask' | 'upvote' | 'lost'>(event: E, payload: PhoneMessages[E]): void {
    this.#send(event, payload);
  }

  /** Presenter: hears the room's own messages of one kind. Returns the function that stops listening. */
  on<E extends keyof RoomHeard>(event: E, handler: Handler<RoomHeard[E]>): () => void {
    return listen(setOf(this.#heard, event) as Set<Handler<RoomHeard[E]>>, handler);
  }

  /** The relay passed on one of the room's own messages (presenter). */
  receive<E extends keyof RoomHeard>(event: E, value: RoomHeard[E]): void {
    (this.#heard.get(event) as Set<Handler<RoomHeard[E]>> | undefined)?.forEach((h) => h(value));
  }

  /** Either side: hears where the presenter is and how many follow. */
  onNews<E extends keyof RoomNews>(event: E, handler: Handler<RoomNews[E]>): () => void {
    return listen(setOf(this.#news, event) as Set<Handler<RoomNews[E]>>, handler);
  }

  /** The connection heard news of the room. */
  tell<E extends keyof RoomNews>(event: E, value: RoomNews[E]): void {
    (this.#news.get(event) as Set<Handler<RoomNews[E]>> | undefined)?.forEach((h) => h(value));
  }

  #send<E extends PhoneEvent>(event: E, payload: PhoneMessages[E]): void {
    if (this.role !== 'follower') return;
    if (this.#transport) this.#transport.emit(event, payload);
    else if (this.#queue.length < QUEUE) this.#queue.push({ event, payload });
  }
}

function setOf<K>(map: Map<K, Set<Handler<never>>>, key: K): Set<Handler<never>> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function listen<T>(set: Set<Handler<T>>, handler: Handler<T>): () => void {
  set.add(handler);
  return () => set.delete(handler);
}
