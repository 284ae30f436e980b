/**
 * The relay's settings, its limits with their defaults, what it reports,
 * and the few shapes its parts share: a room as one process sees it, a
 * connection, and the context every part is handed (one clock, one store,
 * one log, the counters).
 */
import type { Server, Socket } from 'socket.io';
import type { ClientEvent, Place, RateLimit, ServerToClient } from '../protocol.ts';
import { DIGITS_PER_PHONE, MESSAGES, QUESTIONS_PER_PHONE } from '../protocol.ts';
import type { Bucket } from './limits.ts';
import type { RoomStore } from './store.ts';

/** Decides whether a browser page at `origin` may connect, given the request's Host header. */
export type OriginCheck = (origin: string, host: string | undefined) => boolean;

/** The limits beyond the protocol's table. Tests make them small; the defaults suit a lecture hall. */
export interface RelayLimits {
  /** Every message from one phone's connection, whatever its event; beyond this, messages are dropped unread. */
  followerMessages: RateLimit;
  /** Every message from one presenter window's connection. */
  presenterMessages: RateLimit;
  /** Digits passed on in one room from all its phones together, so that a crowd cannot flood the presenter's laptop. */
  roomDigits: RateLimit;
  /** Votes passed on in one room from all its phones together, so that the projector stays responsive. */
  roomVotes: RateLimit;
  /** Digits one phone may send in one room for as long as the room lasts. */
  digitsPerPhone: number;
  /** How often one phone may send a digit, on any of its connections (the protocol's one every three seconds). */
  phoneDigitRate: RateLimit;
  /** Questions one phone may ask in one room for as long as the room lasts. */
  questionsPerPhone: number;
  /** How often one phone may ask a question, on any of its connections (the protocol's one a minute). */
  phoneQuestionRate: RateLimit;
  /** Questions passed on in one room from all its phones together: a hall of people typing at once fits, a script does not fill the presenter's list. */
  roomQuestions: RateLimit;
  /** Upvotes passed on in one room from all its phones together, so that the projector stays responsive. */
  roomUpvotes: RateLimit;
  /** "I'm lost" signals passed on in one room from all its phones together, so that the projector stays responsive. */
  roomLost: RateLimit;
  /** Messages a phone's connection may have dropped before the relay closes it: no phone in an audience sends that many. */
  dropsPerConnection: number;
  /** Messages a connection may send before its welcome, kept to be handled after it. */
  pendingPerConnection: number;
  /** Phones' connections one process admits at once; presenters' get `presenterReserve` more, so a full hall cannot keep the presenter out. */
  connections: number;
  /** Connections kept for presenter windows beyond `connections`. */
  presenterReserve: number;
  /** Connections from one network address (an IPv6 /64 counts as one) to one process: a hall behind one NAT fits, one script cannot fill the relay. */
  connectionsPerAddress: number;
  /** New phone identities the relay issues to one network address. */
  newPhonesPerAddress: RateLimit;
  /** The bytes of state one room keeps, as the JSON the presenter sent. */
  roomStateBytes: number;
  /** The bytes of state the whole relay keeps, for all its rooms. */
  relayStateBytes: number;
  /** How often presenters hear their room's counts, leases are renewed and presence is checked (milliseconds); a lease lasts five ticks. */
  tickMs: number;
  /** How long a room's state outlives its last use (milliseconds). */
  idleMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  followerMessages: { tokens: 10, everyMs: 1000, burst: 20 },
  presenterMessages: { tokens: 200, everyMs: 1000, burst: 400 },
  roomDigits: { tokens: 50, everyMs: 1000, burst: 50 },
  roomVotes: { tokens: 250, everyMs: 1000, burst: 500 },
  digitsPerPhone: DIGITS_PER_PHONE,
  phoneDigitRate: MESSAGES.digit.limit,
  questionsPerPhone: QUESTIONS_PER_PHONE,
  phoneQuestionRate: MESSAGES.ask.limit,
  roomQuestions: { tokens: 50, everyMs: 1000, burst: 100 },
  roomUpvotes: { tokens: 250, everyMs: 1000, burst: 500 },
  roomLost: { tokens: 250, everyMs: 1000, burst: 500 },
  dropsPerConnection: 500,
  pendingPerConnection: 32,
  connections: 10_000,
  presenterReserve: 100,
  connectionsPerAddress: 2_000,
  newPhonesPerAddress: { tokens: 600, everyMs: 60_000, burst: 600 },
  roomStateBytes: 1024 * 1024,
  relayStateBytes: 64 * 1024 * 1024,
  tickMs: 1000,
  idleMs: 12 * 60 * 60 * 1000,
};

export interface RelayOptions {
  /** The Socket.IO path: `roomPath(base)`, such as "/__room/" or "/intro-to-deep-learning/__room/". */
  path: string;
  /** The key of the relay's default room, which a phone that names no room joins. */
  presenterKey?: string;
  /** Further keys the relay serves, one room each; a presenter with any other key is refused. */
  keys?: readonly string[];
  /**
   * The relay's secret: room ids are an HMAC of their key under it, and phone
   * tokens are signed with it. Without it: with Redis, the one every process
   * shares there; otherwise a new one for this process.
   */
  secret?: string;
  /** Whether a request's Host header names this machine (against DNS rebinding); by default any host. */
  hosts?: (host: string | undefined) => boolean;
  /**
   * Which pages may connect. By default, the page's own origin only (see
   * sameOrigin). A list adds origins (a deck published elsewhere, such as
   * "https://example.org"); a function decides alone.
   */
  origins?: OriginCheck | readonly string[];
  /** Admit connections with no Origin header. Browsers always send one; Node clients (tests, the bench) do not. */
  allowNoOrigin?: boolean;
  /**
   * Take a connection's address from the X-Forwarded-For header its proxy
   * sets (the last address, which the proxy itself added), for the limits per
   * address. Only behind a proxy that sets it: a client could write its own.
   */
  trustProxy?: boolean;
  /** Keep the rooms in this Redis server, shared by every relay process that uses it. */
  redisUrl?: string;
  /** Where to write what happens, in counts: never a key, a token or an address. */
  log?: (line: string) => void;
  limits?: Partial<RelayLimits>;
  /** The one clock of the limits, the leases and the counts, in milliseconds (tests pass a fake one). */
  now?: () => number;
}

/** What the relay has seen since it started: counts only. */
export interface RelayStats {
  rooms: number;
  connections: number;
  followers: number;
  presenters: number;
  standbys: number;
  /** Messages received from clients. */
  received: number;
  /** Messages passed on: places, states, replies, digits, votes, questions, upvotes and "I'm lost" signals. */
  forwarded: number;
  /** Messages answered with `refused`. */
  refused: number;
  /** Messages dropped: not the sender's to send, not in shape, too fast, or too large (over Socket.IO's buffer too, which closes the connection). */
  dropped: { unknown: number; invalid: number; limited: number; oversize: number };
  /** Connections turned away: a foreign or missing Origin, a bad handshake, an unknown key or room, the relay full, one address over its share, or too many new phones from one address. */
  rejected: { origin: number; handshake: number; unknown: number; full: number; address: number; identities: number };
  /** The bytes of state kept in the rooms this process has written to. */
  stateBytes: number;
  /** Connections the relay closed because they kept sending what it drops. */
  closed: number;
  /** Where the rooms are kept: in this process, or in Redis, which is up or gone. */
  store: 'memory' | 'redis';
  redis: 'none' | 'up' | 'gone';
}

export interface Relay {
  /** The Socket.IO path it answers. */
  readonly path: string;
  /** The default room's id, if it has one; known once `ready` (the secret may come from Redis). */
  readonly defaultRoom: string | undefined;
  /** Settles once the relay can admit connections: at once, or once it reaches Redis. Connections wait for it. */
  readonly ready: Promise<void>;
  stats(): RelayStats;
  /** Closes every connection (clients see the transport close and reconnect) and the Redis clients; leaves the HTTP server open. */
  close(): Promise<void>;
}

export type RelaySocket = Socket<Record<string, never>, ServerToClient>;
export type RelayServer = Server<Record<string, never>, ServerToClient>;

/** A room as this process sees it: its connections here, and what it last told them and the store. */
export interface LocalRoom {
  id: string;
  conns: Set<Conn>;
  followers: number;
  dropped: number;
  /** Whether a presenter holds the room, as this process last learnt it. */
  present: boolean;
  /** The counts last sent to the presenter, and last reported to the store. */
  sent: string;
  reported: string;
  /** The bytes of state the room held after this process's last write. */
  stateBytes: number;
  /** What the presenter here sent while the store could not keep it, to be written once it can. */
  unsaved: { place?: Place; states: Map<string, string | null> };
}

/** One socket: a phone, or a presenter window (active when it is in the room's presenter room, on standby otherwise). */
export interface Conn {
  socket: RelaySocket;
  room: LocalRoom;
  kind: 'phone' | 'window';
  /** A phone's anonymous id in its room. */
  phone?: string;
  /** A phone's token, to give it in its welcome; never sent to other processes. */
  token?: string;
  /** A presenter window's page load, so that its reconnect takes its lease back. */
  window?: string;
  /** Set once welcomed; its messages wait in `pending` until then. */
  welcomed: boolean;
  messages: Bucket;
  events: Map<ClientEvent, Bucket>;
  drops: number;
  pending: [unknown, unknown[]][];
  /** The end of the chain of this connection's messages, handled one after another. */
  queue: Promise<void>;
  closed: boolean;
}

/** The counters behind RelayStats. */
export interface Counters {
  received: number;
  forwarded: number;
  refused: number;
  dropped: RelayStats['dropped'];
  rejected: RelayStats['rejected'];
  closed: number;
}

/** What every part of the relay is handed. */
export interface RelayContext {
  io: RelayServer;
  store: RoomStore;
  limits: RelayLimits;
  now: () => number;
  log: (line: string) => void;
  serverId: string;
  counters: Counters;
  rooms: Map<string, LocalRoom>;
  /** The rooms the relay serves (one per key), once known. */
  keyRooms: Set<string>;
}

/** The Socket.IO rooms of a room: its phones, its standby windows, its active presenter, and one per phone. */
export const followersOf = (room: string) => `${room}:followers`;
export const standbyOf = (room: string) => `${room}:standby`;
export const presenterOf = (room: string) => `${room}:presenter`;
export const phoneOf = (room: string, phone: string) => `${room}:phone:${phone}`;

/** Whether a window is its room's active presenter: the Socket.IO room, which any process may change, is the truth. */
export const isActive = (conn: Conn) => conn.kind === 'window' && conn.socket.rooms.has(presenterOf(conn.room.id));

/** How long a presenter's lease lasts: five ticks, renewed every tick. */
export const leaseMs = (limits: RelayLimits) => 5 * limits.tickMs;

/** The message of an error, for the log. */
export const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
