/**
 * The room's protocol: every message between the presenter's deck, the
 * relay (src/room/relay.ts) and the phones, declared once. The relay imports
 * it in Node and the deck will import it in the browser, lazily, so it has no
 * Node imports: the one thing that needs Node's crypto, the room id of a
 * presenter's key, lives in the relay.
 *
 * The presenter's deck is the single source of truth. The relay holds no
 * lecture logic: it checks who may say what against the table below, keeps
 * each room's latest place and states for phones that join late, and
 * forwards. A message that the table does not declare for its sender, that
 * its schema refuses, that is larger than its limit or that comes too fast is
 * dropped and counted, never passed on.
 *
 * Transport: Socket.IO at `roomPath(base)` (`${base}__room/`), one namespace
 * (`/`), events named as in the table. A socket says who it is in its
 * handshake's `auth` (PresenterAuth or FollowerAuth, below).
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

export { ROOM_PATH, roomPath } from './paths.ts';

// zod's small build (zod/mini), so that the deck's room client stays light.
// The deck's Content Security Policy forbids `new Function`; zod's JIT would
// probe for it on first use and leave a CSP violation report behind.
z.config({ jitless: true, ...en() });

/** Socket.IO's maxHttpBufferSize: the largest message (a state of 64 KiB, with room for its envelope). */
export const MAX_PAYLOAD_BYTES = 80 * 1024;
/** The most states a room keeps at once; a presenter frees one by setting it to null. */
export const MAX_STATES = 32;
/** The largest state value, as JSON in UTF-8. */
export const MAX_STATE_BYTES = 64 * 1024;
/** The largest reply value, as JSON in UTF-8. */
export const MAX_REPLY_BYTES = 8 * 1024;
/** The deepest nesting of arrays and objects any value may have: enough for any demo's state, too shallow to exhaust a stack. */
export const MAX_JSON_DEPTH = 32;
/** Pixels in a drawn digit: 28 × 28, row by row, 0 (paper) to 1 (ink), as MNIST has them. */
export const DIGIT_PIXELS = 784;
/** How many digits one phone may send in one room, for as long as the room lasts. */
export const DIGITS_PER_PHONE = 20;
/** How many questions one phone may ask in one room, for as long as the room lasts. */
export const QUESTIONS_PER_PHONE = 5;
/** The longest question a phone may send, in UTF-16 units as it typed it: the relay normalises it and holds it to QUESTION_MAX_CHARS (src/room/text.ts) after. */
export const MAX_QUESTION_UNITS = 2000;

/** A slide's id, as the deck gives every slide (its deep link is `#/<id>`). */
export const SLIDE_ID = /^[a-z][a-z0-9-]{0,79}$/;
/** A state's key: a demo's name and, after a colon, what it shares (`poll:activation`). */
export const STATE_KEY = /^[a-z][a-z0-9:-]{0,63}$/;
/** A poll's id. */
export const POLL_ID = /^[a-z][a-z0-9-]{0,63}$/;
/** A question's id, which the presenter's deck gives each question it keeps and shows the phones in its state. */
export const QUESTION_ID = /^q[a-z0-9]{1,12}$/;
/** A reply's kind (`probabilities`, `refusal`). */
export const REPLY_KIND = /^[a-z][a-z-]{0,31}$/;
/** A phone's anonymous id in a room, which the relay derives from the token it issued the phone (src/room/identity.ts). */
export const PHONE_ID = /^[A-Za-z0-9_-]{8,40}$/;
/** A room's id: 16 base64url characters of an HMAC of its presenter's key under the relay's secret. */
export const ROOM_ID = /^[A-Za-z0-9_-]{16}$/;
/**
 * The shortest presenter key a handshake may carry. The relay opens rooms only
 * for the keys it was configured with, each checked for at least 96 bits of
 * entropy at start (src/room/keys.ts); this only bounds what is hashed.
 */
export const MIN_KEY_LENGTH = 16;

/** What a JSON value measured: its size, or why it is not one the relay passes on. */
export type JsonMeasure = { ok: true; bytes: number } | { ok: false; reason: string; oversize: boolean };

/**
 * Checks that a value is plain JSON (null, booleans, finite numbers, strings,
 * arrays and plain objects, nested at most MAX_JSON_DEPTH deep; no binary
 * attachment, which Socket.IO would hand over as a Buffer) and measures it as
 * JSON in UTF-8, stopping as soon as it passes `maxBytes`: the bytes of
 * JSON.stringify's output, counted without writing it.
 */
export function measureJson(value: unknown, maxBytes: number): JsonMeasure {
  let bytes = 0;
  let reason = '';
  const visit = (item: unknown, depth: number): boolean => {
    if (bytes > maxBytes) return false;
    if (item === null) {
      bytes += 4;
      return true;
    }
    switch (typeof item) {
      case 'boolean':
        bytes += item ? 4 : 5;
        return true;
      case 'number':
        if (!Number.isFinite(item)) {
          reason = 'it holds a number that is not finite';
          return false;
        }
        bytes += String(item).length;
        return true;
      case 'string':
        bytes += stringBytes(item);
        return true;
      case 'object': {
        if (depth >= MAX_JSON_DEPTH) {
          reason = `it is nested more than ${MAX_JSON_DEPTH} levels deep`;
          return false;
        }
        if (Array.isArray(item)) {
          bytes += 1 + Math.max(1, item.length);
          for (const element of item) if (!visit(element, depth + 1)) return false;
          return true;
        }
        const prototype: unknown = Object.getPrototypeOf(item);
        if (prototype !== Object.prototype && prototype !== null) {
          reason = 'it holds binary data or an object that is not plain JSON';
          return false;
        }
        const entries = Object.entries(item);
        bytes += 1 + Math.max(1, entries.length);
        for (const [key, element] of entries) {
          bytes += stringBytes(key) + 1;
          if (!visit(element, depth + 1)) return false;
        }
        return true;
      }
      default:
        reason = `it holds a value of type ${typeof item}, which JSON cannot carry`;
        return false;
    }
  };
  const fine = visit(value, 0);
  if (bytes > maxBytes) return { ok: false, reason: `it is larger than ${formatBytes(maxBytes)}`, oversize: true };
  return fine ? { ok: true, bytes } : { ok: false, reason, oversize: false };
}

/** The bytes a string takes as JSON.stringify writes it, in UTF-8, quotes and escapes included. */
function stringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c || code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) bytes += 2;
    else if (code < 0x20) bytes += 6;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff)
      bytes += 6; // a lone surrogate, written as \uXXXX
    else bytes += 3;
  }
  return bytes;
}

function formatBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

/** A value that must be plain JSON of at most `maxBytes`. */
const jsonValue = (maxBytes: number) =>
  z.unknown().check(
    z.superRefine((value, context) => {
      const measured = measureJson(value, maxBytes);
      if (!measured.ok) context.addIssue({ code: 'custom', message: `The value is refused: ${measured.reason}.` });
    }),
  );

const int = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));
const matching = (pattern: RegExp) => z.string().check(z.regex(pattern));

/** Where the presenter is: a slide (by id and by its indices) and the fragment shown on it (-1 before the first). */
export const PlaceSchema = z.strictObject({ slide: matching(SLIDE_ID), h: int(0, 999), v: int(0, 999), f: int(-1, 999) });
/** A demo's public state, or null to forget it. */
export const StateSchema = z.strictObject({ key: matching(STATE_KEY), value: jsonValue(MAX_STATE_BYTES) });
/** An answer for one phone, addressed by the anonymous id that its digit, vote or question came `from`. */
export const ReplySchema = z.strictObject({
  to: matching(PHONE_ID),
  kind: matching(REPLY_KIND),
  value: jsonValue(MAX_REPLY_BYTES),
});
/** A presenter window on standby claims the room. */
export const TakeOverSchema = z.strictObject({});
/** A digit drawn on a phone, and the digit the person meant. */
export const DigitSchema = z.strictObject({
  pixels: z.array(z.number().check(z.minimum(0), z.maximum(1))).check(z.length(DIGIT_PIXELS)),
  label: int(0, 9),
});
/** A vote in a poll: the option's index. */
export const VoteSchema = z.strictObject({ poll: matching(POLL_ID), option: int(0, 15) });
/**
 * An anonymous question, as the person typed it, and the slide it was asked
 * on. The relay normalises the text (src/room/text.ts) and passes it on only
 * if it is then neither empty nor longer than QUESTION_MAX_CHARS.
 */
export const AskSchema = z.strictObject({
  text: z.string().check(z.maxLength(MAX_QUESTION_UNITS)),
  slide: matching(SLIDE_ID),
});
/** An upvote of a question the presenter's deck shows the phones (`up: true`), or taking it back (`up: false`). */
export const UpvoteSchema = z.strictObject({ question: matching(QUESTION_ID), up: z.boolean() });
/** "I'm lost" on a slide (`lost: true`), or following again (`lost: false`). */
export const LostSchema = z.strictObject({ slide: matching(SLIDE_ID), lost: z.boolean() });

/** How often a sender may send an event: `tokens` every `everyMs`, and at most `burst` at once (a token bucket). */
export interface RateLimit {
  tokens: number;
  everyMs: number;
  burst: number;
}

/** One event a client may send: who may send it, its shape, its largest size and how often. */
export interface MessageSpec {
  from: 'presenter' | 'follower';
  schema: z.ZodMiniType;
  /** The largest payload, as JSON in UTF-8; anything larger is dropped before its schema is even tried. */
  maxBytes: number;
  /** Per connection; the relay adds limits per phone and per room where the table's notes say so. */
  limit: RateLimit;
}

/**
 * Every event a client may send to the relay. Anything else, or one of these
 * from the wrong sender, is dropped and counted.
 */
export const MESSAGES = {
  /**
   * Presenter → relay: where the presenter is. The relay keeps it as the
   * room's place and sends it on to every phone as `place`, and in the
   * `welcome` of phones that join later. Fragment steps on a clicker come
   * fast; twenty a second is far above any hand.
   */
  place: { from: 'presenter', schema: PlaceSchema, maxBytes: 512, limit: { tokens: 20, everyMs: 1000, burst: 40 } },
  /**
   * Presenter → relay: a demo's public state for the phones (a poll's
   * counts, the wall of digits), under a key. The relay keeps the latest
   * value of each key (at most MAX_STATES; null forgets one), sends it on to
   * every phone as `state`, and hands all of them to phones that join later.
   */
  state: { from: 'presenter', schema: StateSchema, maxBytes: MAX_STATE_BYTES + 256, limit: { tokens: 20, everyMs: 1000, burst: 40 } },
  /**
   * Presenter → relay: an answer for one phone (its digit's ten
   * probabilities, a refusal), sent as `reply` to that phone's sockets only.
   * As fast as a crowd's digits can come, with room to spare.
   */
  reply: { from: 'presenter', schema: ReplySchema, maxBytes: MAX_REPLY_BYTES + 256, limit: { tokens: 100, everyMs: 1000, burst: 200 } },
  /** Presenter → relay: a presenter window on standby takes the room from the active one, which is told it was `replaced`. */
  'take-over': { from: 'presenter', schema: TakeOverSchema, maxBytes: 64, limit: { tokens: 1, everyMs: 1000, burst: 3 } },
  /**
   * Phone → relay: a hand-drawn digit, passed on to the room's active
   * presenter as `digit` with the phone's anonymous id. One every three
   * seconds per phone, DIGITS_PER_PHONE per phone for as long as the room
   * lasts (counted by phone, so reconnecting does not start again), and a cap
   * per room so that a crowd cannot flood the presenter's laptop.
   */
  digit: { from: 'follower', schema: DigitSchema, maxBytes: 24 * 1024, limit: { tokens: 1, everyMs: 3000, burst: 1 } },
  /** Phone → relay: a vote in a poll, passed on to the room's active presenter as `vote` with the phone's anonymous id. */
  vote: { from: 'follower', schema: VoteSchema, maxBytes: 256, limit: { tokens: 4, everyMs: 1000, burst: 4 } },
  /**
   * Phone → relay: an anonymous question, passed on to the room's active
   * presenter as `question` with the phone's anonymous id once the relay has
   * normalised it; the presenter's deck keeps the questions and decides what
   * the phones see of them. One a minute per phone, on any of its
   * connections and processes (the limit here is that pace, which the relay
   * keeps per phone), QUESTIONS_PER_PHONE per phone for as long as the room
   * lasts, and a cap per room. An empty or too long question is refused
   * without counting against the phone's questions.
   */
  ask: { from: 'follower', schema: AskSchema, maxBytes: 8 * 1024, limit: { tokens: 1, everyMs: 60_000, burst: 1 } },
  /**
   * Phone → relay: an upvote of a question, or taking it back, passed on to
   * the room's active presenter as `upvote` with the phone's anonymous id;
   * the deck counts one upvote per phone and question. A cap per room.
   */
  upvote: { from: 'follower', schema: UpvoteSchema, maxBytes: 256, limit: { tokens: 4, everyMs: 1000, burst: 8 } },
  /**
   * Phone → relay: "I'm lost" on a slide, or following again, passed on to
   * the room's active presenter as `lost` with the phone's anonymous id; the
   * deck counts the phones that are lost. A cap per room.
   */
  lost: { from: 'follower', schema: LostSchema, maxBytes: 256, limit: { tokens: 2, everyMs: 1000, burst: 4 } },
} as const satisfies Record<string, MessageSpec>;

/** An event a client may send. */
export type ClientEvent = keyof typeof MESSAGES;
/** An event the presenter's deck may send. */
export type PresenterEvent = { [E in ClientEvent]: (typeof MESSAGES)[E]['from'] extends 'presenter' ? E : never }[ClientEvent];
/** An event a phone may send. */
export type FollowerEvent = Exclude<ClientEvent, PresenterEvent>;
/** The payload of an event a client may send, once validated. */
export type Payload<E extends ClientEvent> = z.output<(typeof MESSAGES)[E]['schema']>;

export type Place = z.output<typeof PlaceSchema>;
/** `value` is any JSON value; `null` forgets the key. */
export type StateUpdate = { key: string; value: unknown };
export type Reply = { to: string; kind: string; value: unknown };
export type Digit = z.output<typeof DigitSchema>;
export type Vote = z.output<typeof VoteSchema>;
export type Ask = z.output<typeof AskSchema>;
export type Upvote = z.output<typeof UpvoteSchema>;
export type Lost = z.output<typeof LostSchema>;

/** Whether a name is one of the events a client may send. */
export function isClientEvent(name: unknown): name is ClientEvent {
  return typeof name === 'string' && Object.hasOwn(MESSAGES, name);
}

/** The outcome of checking a payload: the value to use, or a reason a person can read. */
export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string; oversize: boolean };

/**
 * Checks a payload against its event's size limit and schema. The size comes
 * first, so that a huge payload costs one bounded walk and never reaches the
 * schema.
 */
export function validate<E extends ClientEvent>(event: E, payload: unknown): Validation<Payload<E>> {
  const spec: MessageSpec = MESSAGES[event];
  const measured = measureJson(payload, spec.maxBytes);
  if (!measured.ok) return { ok: false, reason: `The ${event} message is refused: ${measured.reason}.`, oversize: measured.oversize };
  const parsed = z.safeParse(spec.schema, payload);
  if (parsed.success) return { ok: true, value: parsed.data as Payload<E> };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  return {
    ok: false,
    reason: `The ${event} message is not in the expected shape${where}: ${issue?.message ?? 'unknown problem'}.`,
    oversize: false,
  };
}

/**
 * The handshake of the presenter's deck: `io(url, { path, auth: { role:
 * 'presenter', key, window } })`, where `window` is random for each page
 * load, so that a reconnecting window takes its own lease back at once (after
 * a relay process died, say) while another window waits on standby.
 */
export const PresenterAuthSchema = z.object({
  role: z.literal('presenter'),
  key: z.string().check(z.minLength(MIN_KEY_LENGTH), z.maxLength(256)),
  window: z.optional(matching(/^[A-Za-z0-9_-]{8,64}$/)),
});
/**
 * The handshake of a phone: the room it follows (none for the relay's
 * default room) and the token the relay gave it in an earlier welcome, if it
 * kept one. A phone never names itself: without a token, or with one the
 * relay did not sign, it is issued a new one.
 */
export const FollowerAuthSchema = z.object({
  role: z.literal('follower'),
  room: z.optional(matching(ROOM_ID)),
  token: z.optional(z.string().check(z.maxLength(64))),
});
export const AuthSchema = z.discriminatedUnion('role', [PresenterAuthSchema, FollowerAuthSchema]);
export type PresenterAuth = z.output<typeof PresenterAuthSchema>;
export type FollowerAuth = z.output<typeof FollowerAuthSchema>;

/** A socket's part in its room. Only `presenter` may move the room; `standby` is a second presenter window, waiting. */
export type Role = 'presenter' | 'standby' | 'follower';

/** Relay → every new socket, first: who it is, and the room as it stands. A presenter socket is told again when it takes over. */
export interface Welcome {
  role: Role;
  /** The room's id, which phones may be told (never the key). */
  room: string;
  /** A phone's anonymous id: the `from` the presenter sees with its digits, votes, questions, upvotes and signals, and addresses its replies to. */
  phone?: string;
  /** A phone's token: its identity, issued and signed by the relay, to be kept and sent in every later handshake. */
  token?: string;
  /** The room's latest place, if the presenter has sent one since the room began. */
  place?: Place;
  /** The room's latest states, by key. */
  states: Record<string, unknown>;
  /** Whether an active presenter is connected. */
  presenter: boolean;
  /** Phones connected to the room (to presenter sockets only). */
  followers?: number;
}

/** Relay → phones and standby windows: the active presenter came (true) or went, leaving none (false). */
export interface PresenterPresence {
  present: boolean;
}

/** Relay → the active presenter, at most once a second when they change: phones connected, and messages dropped in the room. */
export interface RoomCounts {
  followers: number;
  dropped: number;
}

/** Relay → a presenter window that lost the room to another's `take-over`; it is on standby now. */
export interface Replaced {
  reason: string;
}

/** Relay → a presenter window that connects while another is active; it may send `take-over`. */
export interface Standby {
  reason: string;
}

/** Relay → a sender whose message was not passed on, and why, in a sentence a person can read. */
export interface Refused {
  event: string;
  reason: string;
}

/** Relay → the active presenter: a phone's digit. */
export interface ForwardedDigit extends Digit {
  from: string;
}

/** Relay → the active presenter: a phone's vote. */
export interface ForwardedVote extends Vote {
  from: string;
}

/** Relay → the active presenter: a phone's question, normalised (src/room/text.ts), and the slide it was asked on. */
export interface ForwardedQuestion {
  from: string;
  text: string;
  slide: string;
}

/** Relay → the active presenter: a phone's upvote of a question, or its taking it back. */
export interface ForwardedUpvote extends Upvote {
  from: string;
}

/** Relay → the active presenter: a phone that is lost on a slide, or follows again. */
export interface ForwardedLost extends Lost {
  from: string;
}

/** Relay → one phone: the presenter's reply to it. */
export interface PhoneReply {
  kind: string;
  value: unknown;
}

/** Everything the relay sends, as Socket.IO's typed events: `Socket<ServerToClient, ClientToServer>` in the browser. */
export interface ServerToClient {
  welcome: (welcome: Welcome) => void;
  place: (place: Place) => void;
  state: (state: StateUpdate) => void;
  presenter: (presence: PresenterPresence) => void;
  room: (counts: RoomCounts) => void;
  replaced: (replaced: Replaced) => void;
  standby: (standby: Standby) => void;
  refused: (refused: Refused) => void;
  digit: (digit: ForwardedDigit) => void;
  vote: (vote: ForwardedVote) => void;
  question: (question: ForwardedQuestion) => void;
  upvote: (upvote: ForwardedUpvote) => void;
  lost: (lost: ForwardedLost) => void;
  reply: (reply: PhoneReply) => void;
}

/** Everything a client may send, as Socket.IO's typed events: derived from MESSAGES, so the two cannot differ. */
export type ClientToServer = { [E in ClientEvent]: (payload: z.input<(typeof MESSAGES)[E]['schema']>) => void };
