/**
 * What the relay does with each message a client may send: one handler per
 * event of the protocol's table (src/room/protocol.ts), typed from it, after
 * the checks every message passes in `receive`: who sent it, how often, its
 * size and shape. A connection's messages are handled one after another, in
 * the order they came, even where a handler waits for the store.
 *
 * The presenter's place and states go to the store first and to the phones
 * after, so that a phone joining meanwhile reads them there or hears them;
 * when the store is away they still go to the phones, and are written once
 * it is back. What phones send (digits, votes, questions, upvotes, "I'm
 * lost") is checked against limits the store keeps, so that they hold
 * whichever process a phone reaches, and goes to the active presenter alone:
 * the presenter's deck keeps the questions and decides what phones see of
 * them, the relay only normalises a question's text, so that the projector
 * never shows an invisible or reversed character.
 */
import { isClientEvent, MAX_STATES, MESSAGES, validate, type ClientEvent, type Payload, type RateLimit } from '../protocol.ts';
import { normaliseText, questionProblem } from '../text.ts';
import { formatBytes, seconds, take } from './limits.ts';
import {
  followersOf,
  isActive,
  message,
  phoneOf,
  presenterOf,
  standbyOf,
  type Conn,
  type LocalRoom,
  type RelayContext,
  type RelayStats,
} from './types.ts';

type Handler<E extends ClientEvent> = (conn: Conn, payload: Payload<E>) => Promise<void>;
/** One handler per event the protocol declares: a new event without one does not compile. */
type Handlers = { [E in ClientEvent]: Handler<E> };

export function messageHandlers(context: RelayContext, parts: { takeOver(conn: Conn): Promise<void>; phones(): number }) {
  // The store is read from the context at each use: with Redis, it is set once the relay reaches it.
  const { io, limits, counters, now, log } = context;
  const audience = (room: LocalRoom) => io.to([followersOf(room.id), standbyOf(room.id)]);

  const drop = (conn: Conn, why: keyof RelayStats['dropped']) => {
    counters.dropped[why]++;
    conn.room.dropped++;
    conn.drops++;
    if (conn.kind === 'phone' && conn.drops > limits.dropsPerConnection && !conn.closed) {
      counters.closed++;
      conn.socket.disconnect(true);
    }
  };
  const refuse = (conn: Conn, event: ClientEvent, reason: string) => {
    counters.refused++;
    conn.socket.emit('refused', { event, reason });
  };
  /**
   * The events whose pace is kept per phone, on any of its connections and
   * processes, rather than per connection: their handlers check it in the
   * store (with `pace`), after the checks that should not cost the phone its
   * turn, such as the presenter being away.
   */
  const phoneRates: { readonly [E in ClientEvent]?: RateLimit } = { digit: limits.phoneDigitRate, ask: limits.phoneQuestionRate };
  const rateOf = (event: ClientEvent) => phoneRates[event] ?? MESSAGES[event].limit;
  const bucketOf = (conn: Conn, event: ClientEvent) => {
    let bucket = conn.events.get(event);
    if (!bucket) conn.events.set(event, (bucket = { tokens: rateOf(event).burst, at: now() }));
    return bucket;
  };
  /**
   * How long a phone must wait before it may send an event paced per phone
   * (0: it may now), by the store's bucket for the phone and its
   * connection's own; with `consume`, the turn is taken from both.
   */
  const pace = async (conn: Conn, event: ClientEvent, consume: boolean) => {
    const rate = rateOf(event);
    const inStore = await context.store.take(`${conn.room.id}:${event}:${conn.phone}`, rate, consume);
    return Math.max(inStore, take(bucketOf(conn, event), rate, now(), consume));
  };
  /** How often a phone may ask, as it is told: "a minute" by default, "every 5 seconds" where a test or a bench sets its own rate. */
  const questionPace = () => {
    const ms = limits.phoneQuestionRate.everyMs / limits.phoneQuestionRate.tokens;
    return ms === 60_000 ? 'a minute' : `every ${ms / 1000} seconds`;
  };
  /** Whether the room has an active presenter: the store's lease, or what this process last knew while the store is away. */
  const presenterHere = (room: LocalRoom) =>
    context.store.holder(room.id).then(
      (holder) => holder !== null,
      () => room.present,
    );
  const rooms = () => [...context.keyRooms];

  const handlers: Handlers = {
    async place(conn, place) {
      const { room } = conn;
      try {
        await context.store.setPlace(room.id, place);
        delete room.unsaved.place;
      } catch {
        room.unsaved.place = place;
      }
      audience(room).emit('place', place);
      counters.forwarded++;
    },

    async state(conn, { key, value }) {
      const { room } = conn;
      const text = value === null ? null : JSON.stringify(value);
      try {
        const { outcome, roomBytes } = await context.store.setState(room.id, key, text, {
          maxStates: MAX_STATES,
          roomBytes: limits.roomStateBytes,
          relayBytes: limits.relayStateBytes,
          rooms: rooms(),
        });
        room.stateBytes = roomBytes;
        room.unsaved.states.delete(key);
        if (outcome === 'states')
          return refuse(conn, 'state', `A room keeps at most ${MAX_STATES} states: set one to null before adding "${key}".`);
        if (outcome === 'room')
          return refuse(
            conn,
            'state',
            `A room keeps at most ${formatBytes(limits.roomStateBytes)} of state: set a state to null before adding "${key}".`,
          );
        if (outcome === 'relay')
          return refuse(
            conn,
            'state',
            `The relay holds as much state as it may (${formatBytes(limits.relayStateBytes)}): "${key}" was not kept.`,
          );
      } catch {
        room.unsaved.states.set(key, text);
      }
      audience(room).emit('state', { key, value });
      counters.forwarded++;
    },

    async reply(conn, { to, kind, value }) {
      io.to(phoneOf(conn.room.id, to)).emit('reply', { kind, value });
      counters.forwarded++;
    },

    async 'take-over'(conn) {
      await parts.takeOver(conn);
    },

    /** A digit passes if the presenter is there, the phone has digits left, and neither the phone, its connection nor the room is sending too fast. */
    async digit(conn, value) {
      const { room } = conn;
      if (!(await presenterHere(room)))
        return refuse(
          conn,
          'digit',
          "The presenter's deck is not connected, so nobody can read your digit yet; send it again in a moment.",
        );
      const quota = `${room.id}:digits:${conn.phone}`;
      if (!(await context.store.quota(quota, limits.digitsPerPhone, false))) {
        drop(conn, 'limited');
        return refuse(
          conn,
          'digit',
          `That is ${limits.digitsPerPhone} digits from this phone, the most one phone may send in this lecture.`,
        );
      }
      const wait = await pace(conn, 'digit', false);
      if (wait > 0) {
        drop(conn, 'limited');
        return refuse(
          conn,
          'digit',
          `One digit every ${limits.phoneDigitRate.everyMs / 1000 / limits.phoneDigitRate.tokens} seconds: wait ${seconds(wait)} and send it again.`,
        );
      }
      if ((await context.store.take(`${room.id}:digits`, limits.roomDigits)) > 0) {
        drop(conn, 'limited');
        return refuse(conn, 'digit', 'Too many digits are arriving at once: wait a second and send it again.');
      }
      await pace(conn, 'digit', true);
      await context.store.quota(quota, limits.digitsPerPhone);
      io.to(presenterOf(room.id)).emit('digit', { from: conn.phone!, pixels: value.pixels, label: value.label });
      counters.forwarded++;
    },

    async vote(conn, { poll, option }) {
      const { room } = conn;
      if (!(await presenterHere(room)))
        return refuse(conn, 'vote', 'The presenter is not connected, so your vote was not counted; vote again in a moment.');
      if ((await context.store.take(`${room.id}:votes`, limits.roomVotes)) > 0) {
        drop(conn, 'limited');
        return refuse(conn, 'vote', 'Too many votes are arriving at once: wait a second and vote again.');
      }
      io.to(presenterOf(room.id)).emit('vote', { from: conn.phone!, poll, option });
      counters.forwarded++;
    },

    /**
     * A question passes if the presenter is there, its text is neither empty
     * nor too long once normalised, the phone has questions left, and neither
     * the phone nor the room is asking too fast. A question refused for its
     * text costs the phone nothing: it may mend it and ask at once.
     */
    async ask(conn, { text: raw, slide }) {
      const { room } = conn;
      if (!(await presenterHere(room)))
        return refuse(conn, 'ask', "The presenter's deck is not connected, so your question was not received; ask again in a moment.");
      const text = normaliseText(raw);
      const problem = questionProblem(text);
      if (problem) {
        drop(conn, 'invalid');
        return refuse(conn, 'ask', problem);
      }
      const quota = `${room.id}:questions:${conn.phone}`;
      const spent = `That is ${limits.questionsPerPhone} questions from this phone, the most one phone may ask in this lecture.`;
      if (!(await context.store.quota(quota, limits.questionsPerPhone, false))) {
        drop(conn, 'limited');
        return refuse(conn, 'ask', spent);
      }
      const tooSoon = (wait: number) => {
        drop(conn, 'limited');
        refuse(conn, 'ask', `One question ${questionPace()}: wait ${seconds(wait)} and ask again.`);
      };
      const wait = await pace(conn, 'ask', false);
      if (wait > 0) return tooSoon(wait);
      if ((await context.store.take(`${room.id}:questions`, limits.roomQuestions)) > 0) {
        drop(conn, 'limited');
        return refuse(conn, 'ask', 'Too many questions are arriving at once: wait a second and ask again.');
      }
      // The phone's turn and its quota are taken for real now, and checked again: its other tab may have asked meanwhile.
      const raced = await pace(conn, 'ask', true);
      if (raced > 0) return tooSoon(raced);
      if (!(await context.store.quota(quota, limits.questionsPerPhone))) {
        drop(conn, 'limited');
        return refuse(conn, 'ask', spent);
      }
      io.to(presenterOf(room.id)).emit('question', { from: conn.phone!, text, slide });
      counters.forwarded++;
    },

    async upvote(conn, { question, up }) {
      const { room } = conn;
      if (!(await presenterHere(room)))
        return refuse(conn, 'upvote', "The presenter's deck is not connected, so your upvote was not counted; try again in a moment.");
      if ((await context.store.take(`${room.id}:upvotes`, limits.roomUpvotes)) > 0) {
        drop(conn, 'limited');
        return refuse(conn, 'upvote', 'Too many upvotes are arriving at once: wait a second and try again.');
      }
      io.to(presenterOf(room.id)).emit('upvote', { from: conn.phone!, question, up });
      counters.forwarded++;
    },

    async lost(conn, { slide, lost }) {
      const { room } = conn;
      if (!(await presenterHere(room)))
        return refuse(
          conn,
          'lost',
          `The presenter's deck is not connected, so it cannot see that you ${lost ? 'are lost' : 'follow again'}; try again in a moment.`,
        );
      if ((await context.store.take(`${room.id}:lost`, limits.roomLost)) > 0) {
        drop(conn, 'limited');
        return refuse(conn, 'lost', 'Too many phones are signalling at once: wait a second and try again.');
      }
      io.to(presenterOf(room.id)).emit('lost', { from: conn.phone!, slide, lost });
      counters.forwarded++;
    },
  };

  /** What a phone is told when one of its connections sends an event faster than the protocol's table allows. */
  const tooFast: { readonly [E in ClientEvent]?: string } = {
    vote: `At most ${MESSAGES.vote.limit.tokens} votes a second: wait a moment and vote again.`,
    upvote: `At most ${MESSAGES.upvote.limit.tokens} upvotes a second: wait a moment and try again.`,
    lost: `At most ${MESSAGES.lost.limit.tokens} "I'm lost" signals a second: wait a moment and try again.`,
  };

  /** Checks one message: who may send it, how often, its size and shape; then hands it to its handler. */
  async function handle(conn: Conn, event: unknown, args: unknown[]): Promise<void> {
    if (conn.closed) return;
    const sender = conn.kind === 'phone' ? 'follower' : 'presenter';
    if (!isClientEvent(event) || MESSAGES[event].from !== sender) return drop(conn, 'unknown');
    // The payload is the first argument; an acknowledgement callback or any further argument is ignored.
    const checked = validate(event, args[0]);
    if (!checked.ok) {
      drop(conn, checked.oversize ? 'oversize' : 'invalid');
      return refuse(conn, event, checked.reason);
    }
    if (conn.kind === 'window' && !isActive(conn) && event !== 'take-over')
      return refuse(conn, event, 'This window is on standby: another presenter window holds the room. Take over to present from here.');
    // An event paced per phone is paced by its handler; any other, per connection here.
    if (!phoneRates[event]) {
      const wait = take(bucketOf(conn, event), MESSAGES[event].limit, now());
      if (wait > 0) {
        drop(conn, 'limited');
        return refuse(conn, event, tooFast[event] ?? `Too many ${event} messages: wait ${seconds(wait)} and send it again.`);
      }
    }
    try {
      await (handlers[event] as (conn: Conn, payload: unknown) => Promise<void>)(conn, checked.value);
    } catch (error) {
      // The store went away between two steps: the sender is told, and nothing else changes.
      log(`A ${event} message could not be handled: ${message(error)}`);
      refuse(conn, event, 'The room cannot take this right now; send it again in a moment.');
    }
  }

  return {
    drop,
    /** Takes a message in: kept until the connection's welcome, then handled after the ones before it. */
    receive(conn: Conn, event: unknown, args: unknown[]): void {
      if (conn.closed) return;
      if (!conn.welcomed) {
        if (conn.pending.length < limits.pendingPerConnection) conn.pending.push([event, args]);
        else drop(conn, 'limited');
        return;
      }
      counters.received++;
      // Too fast for any person: dropped unread, before it waits for anything.
      if (take(conn.messages, conn.kind === 'phone' ? limits.followerMessages : limits.presenterMessages, now()) > 0)
        return drop(conn, 'limited');
      conn.queue = conn.queue
        .then(() => handle(conn, event, args))
        .catch((error: unknown) => log(`A message could not be handled: ${message(error)}`));
    },
  };
}
