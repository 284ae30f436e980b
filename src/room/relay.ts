/**
 * The room's relay: phones follow the presenter's slide through it, and send
 * small actions back (a drawn digit, a vote). It attaches Socket.IO to an
 * HTTP server: the deck's own (scripts/serve.ts) or one of its own
 * (scripts/relay.ts), and, given a Redis URL, shares its rooms with other
 * relay processes through @socket.io/redis-adapter.
 *
 * It holds no lecture logic. The presenter's deck is the single source of
 * truth: the relay checks who may say what against the protocol's table
 * (src/room/protocol.ts), keeps each room's latest place and states in memory
 * for phones that join late, and forwards. Nothing is persisted: after a
 * restart the presenter's deck reconnects and sends its place and states
 * again.
 *
 * Rooms exist only for the keys the relay was given (`presenterKey`, `keys`):
 * a presenter with any other key is refused, and so is a phone that names a
 * room no key opens. A room's id is an HMAC of its key under the relay's
 * secret, and a phone's identity is a token the relay issues and signs
 * (src/room/identity.ts). Keys, tokens and addresses are never logged, nor
 * kept beyond the hash; stats and logs are counts.
 *
 * What a hostile hall can send is bounded: connections per address (a hall
 * behind one NAT still fits) and in all, with a share kept for presenters;
 * new phone identities per address per minute; messages per connection, per
 * phone and per room; and the states a room keeps, in bytes as received and
 * kept as that JSON text, per room and for the whole relay.
 *
 * With Redis, every process keeps a cache of the rooms it has sockets in, and
 * the processes keep their caches in step with server-side messages (Redis
 * pub/sub only; nothing is stored in Redis):
 *
 * - `relay:place`, `relay:state`: the presenter's process tells the others of
 *   every change;
 * - `relay:snapshot`: a process that gets a socket for a room it has no cache
 *   of asks the others for theirs, and meanwhile holds back the changes it
 *   hears of, to replay them on top of the answer, so that nothing said while
 *   it asked is lost;
 * - `relay:claim`, `relay:release`: a presenter became active or left. Each
 *   claim carries its time, and the latest claim wins everywhere (ties broken
 *   by socket id), so that two windows claiming a room at once on two
 *   processes end with one active presenter without any lock;
 * - `relay:count`: every second each process tells the others its phones and
 *   dropped messages per room, which the presenter's process adds up for the
 *   presenter, and, every few seconds even when nothing changed, which rooms'
 *   active presenter it holds, so that a process that died with its presenter
 *   is noticed within seconds and the phones elsewhere are told.
 *
 * Broadcasts to a room's phones and the digits and votes for its presenter go
 * through Socket.IO rooms (`<room>:followers`, `<room>:presenter`), which the
 * adapter fans out to every process.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server, type Socket } from 'socket.io';
import * as z from 'zod/mini';
import {
  AuthSchema,
  DIGITS_PER_PHONE,
  isClientEvent,
  MAX_PAYLOAD_BYTES,
  MAX_STATES,
  MESSAGES,
  MIN_KEY_LENGTH,
  type ClientEvent,
  type Payload,
  type Place,
  type RateLimit,
  type Role,
  type RoomCounts,
  type ServerToClient,
  type Welcome,
  validate,
} from './protocol.ts';
import { issuePhoneToken, newRelaySecret, phoneIdFor, readPhoneToken, roomIdFor } from './identity.ts';

export { phoneIdFor, roomIdFor } from './identity.ts';

/** Decides whether a browser page at `origin` may connect, given the request's Host header. */
export type OriginCheck = (origin: string, host: string | undefined) => boolean;

/**
 * Whether an origin is the page's own: its host (and port) is the one the
 * request was sent to. This admits the deck from every address it is served
 * at (localhost, the laptop's address on the room's network) without a list.
 */
export function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** The limits beyond the protocol's table. Tests make them small; the defaults suit a lecture hall. */
export interface RelayLimits {
  /** Every message from one phone's connection, whatever its event; beyond this, messages are dropped unread. */
  followerMessages: RateLimit;
  /** Every message from one presenter window's connection. */
  presenterMessages: RateLimit;
  /** Digits passed on in one room from all its phones together, so that a crowd cannot flood the presenter's laptop. */
  roomDigits: RateLimit;
  /** Digits one phone may send in one room for as long as the room lasts. */
  digitsPerPhone: number;
  /** Phones a room remembers for their digit counts; the one seen longest ago is forgotten first. */
  phonesPerRoom: number;
  /** Messages a phone's connection may have dropped before the relay closes it: no phone in an audience sends that many. */
  dropsPerConnection: number;
  /** Messages a connection may send before its welcome, kept to be handled after it. */
  pendingPerConnection: number;
  /** Phones' connections the relay admits at once; presenters' get `presenterReserve` more, so a full hall cannot keep the presenter out. */
  connections: number;
  /** Connections kept for presenter windows beyond `connections`. */
  presenterReserve: number;
  /** Connections from one network address (an IPv6 /64 counts as one): a hall behind one NAT fits, one script cannot fill the relay. */
  connectionsPerAddress: number;
  /** New phone identities the relay issues to one network address. */
  newPhonesPerAddress: RateLimit;
  /** Votes passed on in one room from all its phones together, so that the projector stays responsive. */
  roomVotes: RateLimit;
  /** The bytes of state one room keeps, as the JSON the presenter sent. */
  roomStateBytes: number;
  /** The bytes of state the whole relay keeps, for all its rooms. */
  relayStateBytes: number;
  /** How often presenters hear their room's counts, and other relay processes this one's (milliseconds). */
  tickMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  followerMessages: { tokens: 10, everyMs: 1000, burst: 20 },
  presenterMessages: { tokens: 200, everyMs: 1000, burst: 400 },
  roomDigits: { tokens: 50, everyMs: 1000, burst: 50 },
  digitsPerPhone: DIGITS_PER_PHONE,
  phonesPerRoom: 5000,
  dropsPerConnection: 500,
  pendingPerConnection: 32,
  connections: 10_000,
  presenterReserve: 100,
  connectionsPerAddress: 2_000,
  newPhonesPerAddress: { tokens: 600, everyMs: 60_000, burst: 600 },
  roomVotes: { tokens: 250, everyMs: 1000, burst: 500 },
  roomStateBytes: 1024 * 1024,
  relayStateBytes: 64 * 1024 * 1024,
  tickMs: 1000,
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
   * tokens are signed with it. Every process of one relay shares it; kept
   * across restarts, phones keep their room and their identity.
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
  /** Share rooms with other relay processes through this Redis server. */
  redisUrl?: string;
  /** Where to write what happens, in counts: never a key, a phone's id or an address. */
  log?: (line: string) => void;
  limits?: Partial<RelayLimits>;
  /** The clock of the rate limits, in milliseconds (tests pass a fake one). */
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
  /** Messages passed on: places, states, replies, digits and votes. */
  forwarded: number;
  /** Messages answered with `refused`. */
  refused: number;
  /** Messages dropped: not the sender's to send, not in shape, too fast, or too large (over Socket.IO's buffer too, which closes the connection). */
  dropped: { unknown: number; invalid: number; limited: number; oversize: number };
  /** Connections turned away: a foreign or missing Origin, a bad handshake, an unknown key or room, the relay full, one address over its share, or too many new phones from one address. */
  rejected: { origin: number; handshake: number; unknown: number; full: number; address: number; identities: number };
  /** The bytes of state kept, for all rooms. */
  stateBytes: number;
  /** Connections the relay closed because they kept sending what it drops. */
  closed: number;
}

export interface Relay {
  /** The Socket.IO path it answers. */
  readonly path: string;
  /** The default room's id, if it has one; with Redis, known once `ready` (the secret may come from there). */
  readonly defaultRoom: string | undefined;
  /** Settles once the relay can admit connections: at once, or once it reaches Redis. Connections wait for it. */
  readonly ready: Promise<void>;
  stats(): RelayStats;
  /** Closes every connection (clients see the transport close and reconnect) and the Redis clients; leaves the HTTP server open. */
  close(): Promise<void>;
}

/** A token bucket: how many tokens it held at a time. */
interface Bucket {
  tokens: number;
  at: number;
}

/** The latest claim of a room by a presenter socket: the latest claim wins. */
interface Claim {
  sid: string;
  at: number;
  /** The relay process that holds the socket. */
  server: string;
}

/** What a process knows of a room, as another process asks for it. */
interface Snapshot {
  place: Place | null;
  /** Each state as the JSON text the presenter sent. */
  states: [string, string][];
  presenter: Claim | null;
}

/** One process's counts of a room, as it tells the others. */
interface CountReport {
  room: string;
  followers: number;
  dropped: number;
  /** The socket id of the room's active presenter, when this process holds it. */
  presenter: string | null;
}

interface InterServer {
  'relay:place': (room: string, place: Place) => void;
  'relay:state': (room: string, key: string, text: string | null) => void;
  'relay:claim': (room: string, claim: Claim) => void;
  'relay:release': (room: string, sid: string) => void;
  'relay:count': (server: string, reports: CountReport[]) => void;
  'relay:snapshot': (room: string, ack: (snapshot: Snapshot | null) => void) => void;
}

type RelaySocket = Socket<Record<string, never>, ServerToClient, InterServer>;

interface PhoneRecord {
  bucket: Bucket;
  digits: number;
}

interface Room {
  id: string;
  place?: Place;
  /** The presenter's states, each kept as the JSON text it arrived as (never parsed objects, whose overhead a hostile shape multiplies). */
  states: Map<string, string>;
  /** The bytes of `states`, in UTF-8. */
  stateBytes: number;
  /** The active presenter anywhere, as far as this process knows; `seenAt` is when its process last said so. */
  presenter: (Claim & { seenAt: number }) | null;
  conns: Set<Conn>;
  followers: number;
  dropped: number;
  phones: Map<string, PhoneRecord>;
  digits: Bucket;
  votes: Bucket;
  /** Other processes' counts of this room. */
  remote: Map<string, { followers: number; dropped: number; seenAt: number }>;
  /** The counts last sent to the presenter, and last reported to the other processes. */
  sent: string;
  reported: string;
  /** While a process asks the others for the room, the changes it hears of, to replay on the answer. */
  loading: (() => void)[] | null;
  loaded: Promise<void>;
}

interface Conn {
  socket: RelaySocket;
  room: Room;
  /** Null until the socket's welcome; its messages wait in `pending` until then. */
  role: Role | null;
  /** A phone's anonymous id. */
  phone?: string;
  messages: Bucket;
  events: Map<ClientEvent, Bucket>;
  /** A phone's token, to give it in its welcome; never sent to other processes. */
  token?: string;
  digits: number;
  drops: number;
  pending: [unknown, unknown[]][];
  closed: boolean;
}

/** Why a handshake was refused: the message a client's connect_error carries, and what the stats count it as. */
class Refusal extends Error {
  readonly kind: 'handshake' | 'unknown' | 'full' | 'identities';
  constructor(message: string, kind: Refusal['kind'] = 'handshake') {
    super(message);
    this.kind = kind;
  }
}

const HEARTBEAT_TICKS = 5;
const EXPIRY_TICKS = 12;

/** The Socket.IO rooms of a room: its phones, its standby windows, its active presenter, and one per phone. */
const followersOf = (room: string) => `${room}:followers`;
const standbyOf = (room: string) => `${room}:standby`;
const presenterOf = (room: string) => `${room}:presenter`;
const phoneOf = (room: string, phone: string) => `${room}:phone:${phone}`;

const later = (a: Claim, b: Claim) => a.at > b.at || (a.at === b.at && a.sid > b.sid);

/**
 * Attaches the relay to an HTTP server, at `options.path`. Returns at once;
 * with Redis, connections wait until `ready`.
 */
export function createRelay(httpServer: HttpServer, options: RelayOptions): Relay {
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const serverId = randomUUID();
  const clustered = options.redisUrl !== undefined;
  /** The relay's secret: given, or shared through Redis by every process (see connectRedis), or this process's own. */
  let secret = options.secret ?? (clustered ? '' : newRelaySecret());
  /** The rooms this relay serves: one per key it was given. */
  const keyRooms = new Set<string>();
  let defaultRoom: string | undefined;
  const openRooms = () => {
    defaultRoom = options.presenterKey === undefined ? undefined : roomIdFor(secret, options.presenterKey);
    for (const key of [...(options.keys ?? []), ...(options.presenterKey === undefined ? [] : [options.presenterKey])])
      keyRooms.add(roomIdFor(secret, key));
  };
  if (secret) openRooms();
  const extraOrigins = Array.isArray(options.origins)
    ? new Set(options.origins.map((origin) => new URL(origin).origin))
    : new Set<string>();
  // The page's own origin only where its Host names this machine: otherwise a page on a name that resolves here (DNS rebinding) is its own origin too.
  const hostAllowed = options.hosts ?? (() => true);
  const originAllowed: OriginCheck =
    typeof options.origins === 'function'
      ? options.origins
      : (origin, host) => (sameOrigin(origin, host) && hostAllowed(host)) || extraOrigins.has(origin);

  const counters = {
    received: 0,
    forwarded: 0,
    refused: 0,
    dropped: { unknown: 0, invalid: 0, limited: 0, oversize: 0 },
    rejected: { origin: 0, handshake: 0, unknown: 0, full: 0, address: 0, identities: 0 },
    closed: 0,
  };
  const rooms = new Map<string, Room>();
  let closing = false;
  /** The bytes of state kept in all rooms. */
  let stateBytes = 0;
  /** Phones' sockets, in all rooms. */
  let phoneSockets = 0;
  /** Open connections per network address, and each address's allowance of new phone identities. */
  const perAddress = new Map<string, number>();
  const newPhones = new Map<string, Bucket>();
  const tokens = new WeakMap<object, string>();

  /** The network address a request came from, as the limits per address count it. */
  const addressOf = (req: IncomingMessage): string => {
    let address = req.socket.remoteAddress ?? '';
    if (options.trustProxy) {
      const header = req.headers['x-forwarded-for'];
      const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      if (forwarded.length > 0) address = forwarded[forwarded.length - 1]!;
    }
    return addressKey(address);
  };

  const io = new Server<Record<string, never>, ServerToClient, InterServer>(httpServer, {
    path: options.path,
    serveClient: false,
    maxHttpBufferSize: MAX_PAYLOAD_BYTES,
    // Phones sleep and walk out of Wi-Fi; a dead one is dropped within 18 s.
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // A connection that never says who it is is closed after 10 s.
    connectTimeout: 10_000,
    // Same origin needs no CORS; a deck published elsewhere, listed in `origins`, does for the polling transport.
    ...(extraOrigins.size > 0 ? { cors: { origin: [...extraOrigins], methods: ['GET', 'POST'] } } : {}),
    allowRequest: (req: IncomingMessage, callback) => {
      if (io.engine.clientsCount >= limits.connections + limits.presenterReserve) {
        counters.rejected.full++;
        callback('The room is full.', false);
        return;
      }
      if ((perAddress.get(addressOf(req)) ?? 0) >= limits.connectionsPerAddress) {
        counters.rejected.address++;
        callback('Too many connections come from this network address.', false);
        return;
      }
      const origin = req.headers.origin;
      const allowed = origin === undefined ? options.allowNoOrigin === true : originAllowed(origin, req.headers.host);
      if (!allowed) counters.rejected.origin++;
      callback(allowed ? null : 'This page may not connect to the room.', allowed);
    },
  });
  io.engine.on('connection', (raw: { request: IncomingMessage; once(event: 'close', listener: () => void): void }) => {
    const address = addressOf(raw.request);
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    raw.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
  });

  let pub: ReturnType<typeof createClient> | undefined;
  let sub: ReturnType<typeof createClient> | undefined;
  const ready = clustered ? connectRedis(options.redisUrl!) : Promise.resolve();
  // Connections wait for `ready`; a failure is told to each of them, and is not unhandled here.
  ready.catch(() => {});

  async function connectRedis(url: string): Promise<void> {
    let lastError = '';
    const onError = (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      // node-redis retries by itself and reports each failure; say each kind once.
      if (message !== lastError) log(`Redis: ${message}`);
      lastError = message;
    };
    pub = createClient({ url });
    sub = pub.duplicate();
    pub.on('error', onError);
    sub.on('error', onError);
    await Promise.all([pub.connect(), sub.connect()]);
    if (!secret) {
      // Every process of the relay must sign and check the same tokens and name rooms alike: the first one to start
      // leaves a secret in Redis (SET NX), and the others take it.
      await pub.set('deck-room:secret', newRelaySecret(), { NX: true });
      secret = (await pub.get('deck-room:secret')) ?? '';
      if (!secret) throw new Error('Redis holds no relay secret.');
      openRooms();
    }
    io.adapter(createAdapter(pub, sub, { key: 'deck-room', requestsTimeout: 1500, publishOnSpecificResponseChannel: true }));
    listenToOtherProcesses();
  }

  /** Tells the other relay processes, when there are any. */
  function tellOthers<E extends keyof InterServer>(event: E, ...args: Parameters<InterServer[E]>): void {
    if (clustered && !closing) (io.serverSideEmit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
  }

  // --- Rooms -------------------------------------------------------------

  function roomFor(id: string): Room {
    let room = rooms.get(id);
    if (room) return room;
    room = {
      id,
      states: new Map(),
      stateBytes: 0,
      presenter: null,
      conns: new Set(),
      followers: 0,
      dropped: 0,
      phones: new Map(),
      digits: { tokens: limits.roomDigits.burst, at: now() },
      votes: { tokens: limits.roomVotes.burst, at: now() },
      remote: new Map(),
      sent: '',
      reported: '',
      loading: null,
      loaded: Promise.resolve(),
    };
    rooms.set(id, room);
    if (clustered) room.loaded = load(room);
    return room;
  }

  /** Asks the other processes for a room this one has no cache of, and replays on their answer what it heard meanwhile. */
  async function load(room: Room): Promise<void> {
    const heard: (() => void)[] = [];
    room.loading = heard;
    let answers: (Snapshot | null)[];
    try {
      answers = await io.serverSideEmitWithAck('relay:snapshot', room.id);
    } catch (error) {
      // Some process did not answer in time: use the answers that came.
      const partial = (error as { responses?: (Snapshot | null)[] }).responses;
      answers = Array.isArray(partial) ? partial : [];
    }
    const known = answers.filter((answer): answer is Snapshot => answer !== null && typeof answer === 'object');
    const snapshot = known[0];
    if (snapshot) {
      if (snapshot.place) room.place = snapshot.place;
      for (const [key, text] of snapshot.states) setState(room, key, text);
    }
    for (const answer of known) {
      if (answer.presenter && (!room.presenter || later(answer.presenter, room.presenter)))
        room.presenter = { ...answer.presenter, seenAt: Date.now() };
    }
    room.loading = null;
    for (const replay of heard) replay();
  }

  /** Applies a change now, or after the room's answer when it is still being asked for. */
  function whenLoaded(id: string, change: (room: Room) => void): void {
    const room = rooms.get(id);
    if (!room) return;
    if (room.loading) room.loading.push(() => change(room));
    else change(room);
  }

  function forget(room: Room): void {
    if (room.conns.size > 0 || rooms.get(room.id) !== room) return;
    rooms.delete(room.id);
    stateBytes -= room.stateBytes;
    if (clustered) tellOthers('relay:count', serverId, [{ room: room.id, followers: 0, dropped: 0, presenter: null }]);
  }

  function followersIn(room: Room): number {
    let total = room.followers;
    for (const report of room.remote.values()) total += report.followers;
    return total;
  }

  function countsOf(room: Room): RoomCounts {
    let dropped = room.dropped;
    for (const report of room.remote.values()) dropped += report.dropped;
    return { followers: followersIn(room), dropped };
  }

  function welcome(conn: Conn): Welcome {
    const { room, role } = conn;
    return {
      role: role ?? 'follower',
      room: room.id,
      ...(conn.phone === undefined ? {} : { phone: conn.phone }),
      ...(conn.token === undefined ? {} : { token: conn.token }),
      ...(room.place ? { place: room.place } : {}),
      states: Object.fromEntries([...room.states].map(([key, text]) => [key, JSON.parse(text) as unknown])),
      presenter: room.presenter !== null,
      ...(role === 'follower' ? {} : { followers: followersIn(room) }),
    };
  }

  /** Tells the room's phones and standby windows, on every process. */
  const audience = (room: Room) => io.to([followersOf(room.id), standbyOf(room.id)]);

  // --- Presenters ----------------------------------------------------------

  /** Records a claim (this process's or another's), and puts on standby any local presenter it supersedes. */
  function applyClaim(room: Room, claim: Claim): void {
    if (room.presenter && !later(claim, room.presenter)) return;
    room.presenter = { ...claim, seenAt: Date.now() };
    for (const conn of room.conns) if (conn.role === 'presenter' && conn.socket.id !== claim.sid) demote(conn);
  }

  function demote(conn: Conn): void {
    conn.role = 'standby';
    void conn.socket.leave(presenterOf(conn.room.id));
    void conn.socket.join(standbyOf(conn.room.id));
    conn.socket.emit('replaced', { reason: 'Another presenter window took over the room; this one is on standby.' });
    log(`A presenter window took over a room (${stats().presenters} presenting, ${stats().standbys} on standby).`);
  }

  /** Makes a presenter socket the room's active presenter, here and on every process. */
  function activate(conn: Conn): void {
    const { room, socket } = conn;
    const wasPresent = room.presenter !== null;
    const claim: Claim = { sid: socket.id, at: Math.max(Date.now(), (room.presenter?.at ?? 0) + 1), server: serverId };
    applyClaim(room, claim);
    conn.role = 'presenter';
    void socket.leave(standbyOf(room.id));
    void socket.join(presenterOf(room.id));
    tellOthers('relay:claim', room.id, claim);
    if (!wasPresent) audience(room).emit('presenter', { present: true });
    socket.emit('welcome', welcome(conn));
    // The next tick tells it the room's counts, dropped messages included, which the welcome does not carry.
    room.sent = '';
  }

  function release(conn: Conn): void {
    const { room, socket } = conn;
    if (room.presenter?.sid !== socket.id) return;
    room.presenter = null;
    tellOthers('relay:release', room.id, socket.id);
    audience(room).emit('presenter', { present: false });
  }

  // --- Connections -----------------------------------------------------------

  io.use((socket, next) => {
    ready.then(
      () => next(admit(socket)),
      () => next(new Error('The relay cannot reach its Redis server; try again in a moment.')),
    );
  });

  /** Checks a handshake, and keeps of it only what the relay needs: the room's id and the phone's anonymous id. */
  function admit(socket: RelaySocket): Error | undefined {
    if (closing) return new Error('The relay is shutting down.');
    const parsed = z.safeParse(AuthSchema, socket.handshake.auth);
    const role: unknown = (socket.handshake.auth as { role?: unknown } | null)?.role;
    // Neither the key nor the phone's secret stays in memory, nor travels to other processes with fetchSockets.
    socket.handshake.auth = {};
    try {
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path[0];
        if (role === 'presenter') throw new Refusal(`A presenter key must be ${MIN_KEY_LENGTH} to 256 characters long.`);
        if (role === 'follower' && field === 'room')
          throw new Refusal("That room id is not one this relay gives: use the presenter's link or QR code as it is.");
        throw new Refusal(
          "The relay needs to know who is connecting: { role: 'presenter', key } for the presenter's deck, or { role: 'follower', phone } for a phone, where phone is 8 to 40 letters, digits, '-' or '_'.",
        );
      }
      const auth = parsed.data;
      if (auth.role === 'presenter') {
        const room = roomIdFor(secret, auth.key);
        // A key the relay was not given opens nothing: it is refused like a wrong key, and no room is made for it.
        if (!keyRooms.has(room)) throw new Refusal('This presenter key opens no room on this relay: use the link the relay printed.', 'unknown');
        socket.data = { room };
      } else {
        const room = auth.room ?? defaultRoom;
        if (room === undefined)
          throw new Refusal(
            'This relay has no default room: open the deck from the link or QR code the presenter shows, which names its room.',
          );
        if (!keyRooms.has(room))
          throw new Refusal("That room is not one this relay holds: use the presenter's link or QR code as it is.", 'unknown');
        if (phoneSockets >= limits.connections) throw new Refusal('The room is full.', 'full');
        let phone = readPhoneToken(secret, auth.token);
        if (phone === undefined) {
          // A phone's identity is the relay's to give, and one network address gets only so many a minute.
          const address = addressOf(socket.request);
          let allowance = newPhones.get(address);
          if (!allowance) newPhones.set(address, (allowance = { tokens: limits.newPhonesPerAddress.burst, at: now() }));
          const wait = take(allowance, limits.newPhonesPerAddress);
          if (wait > 0)
            throw new Refusal(`Too many new phones have joined from this network in the last minute: try again in ${seconds(wait)}.`, 'identities');
          const token = issuePhoneToken(secret);
          tokens.set(socket, token);
          phone = readPhoneToken(secret, token)!;
        } else tokens.set(socket, auth.token!);
        socket.data = { room, phone: phoneIdFor(room, phone) };
      }
      return undefined;
    } catch (error) {
      counters.rejected[error instanceof Refusal ? error.kind : 'handshake']++;
      return error instanceof Refusal ? error : new Error('The relay could not read this handshake.');
    }
  }

  io.on('connection', (socket) => {
    try {
      connect(socket);
    } catch (error) {
      log(`A connection failed: ${error instanceof Error ? error.message : String(error)}`);
      socket.disconnect(true);
    }
  });

  function connect(socket: RelaySocket): void {
    const data = socket.data as { room: string; phone?: string };
    const room = roomFor(data.room);
    const conn: Conn = {
      socket,
      room,
      role: null,
      ...(data.phone === undefined ? {} : { phone: data.phone }),
      ...(tokens.has(socket) ? { token: tokens.get(socket)! } : {}),
      messages: { tokens: (data.phone === undefined ? limits.presenterMessages : limits.followerMessages).burst, at: now() },
      events: new Map(),
      digits: 0,
      drops: 0,
      pending: [],
      closed: false,
    };
    room.conns.add(conn);
    if (conn.phone !== undefined) {
      room.followers++;
      phoneSockets++;
      // Join at once, so that nothing broadcast while the room is being asked for is missed.
      void socket.join([followersOf(room.id), phoneOf(room.id, conn.phone)]);
    }
    socket.onAny((event: unknown, ...args: unknown[]) => {
      try {
        receive(conn, event, args);
      } catch (error) {
        log(`A message could not be handled: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    // A client may send an event named "error", and Node's EventEmitter throws an "error" that nobody listens to.
    // Socket.IO 4.8 listens already; this keeps it so whatever Socket.IO does next.
    socket.on('error', () => {});
    socket.on('disconnect', (reason, description: unknown) => {
      conn.closed = true;
      // A message over Socket.IO's buffer closes the connection before any handler sees it: count it here.
      if (reason === 'transport error' && description instanceof Error && /payload/i.test(description.message)) drop(conn, 'oversize');
      disconnect(conn);
    });
    void room.loaded.then(() => {
      try {
        settle(conn);
      } catch (error) {
        log(`A connection could not be welcomed: ${error instanceof Error ? error.message : String(error)}`);
        socket.disconnect(true);
      }
    });
  }

  /** Gives a socket its role and its welcome, once its room is known, then handles what it sent meanwhile. */
  function settle(conn: Conn): void {
    if (conn.closed) return;
    const { room, socket } = conn;
    if (conn.phone !== undefined) {
      conn.role = 'follower';
      socket.emit('welcome', welcome(conn));
    } else {
      if (room.presenter === null) {
        activate(conn);
        log(`A presenter window is presenting (${stats().rooms} rooms, ${stats().connections} connections).`);
      } else {
        conn.role = 'standby';
        void socket.join(standbyOf(room.id));
        socket.emit('welcome', welcome(conn));
        socket.emit('standby', {
          reason: 'Another presenter window is active in this room; this one is on standby. Take over to present from here.',
        });
      }
    }
    const pending = conn.pending;
    conn.pending = [];
    for (const [event, args] of pending) receive(conn, event, args);
  }

  function disconnect(conn: Conn): void {
    conn.closed = true;
    const { room } = conn;
    if (conn.role === 'presenter') {
      release(conn);
      log(`A presenter window left (${stats().presenters} presenting).`);
    }
    if (conn.phone !== undefined) {
      room.followers--;
      phoneSockets--;
    }
    room.conns.delete(conn);
    forget(room);
  }

  // --- Messages ----------------------------------------------------------------

  /** Takes a token if the bucket has one; otherwise returns how long until it will (ms). */
  function take(bucket: Bucket, limit: RateLimit, consume = true): number {
    const t = now();
    if (t > bucket.at) bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / limit.everyMs) * limit.tokens);
    bucket.at = Math.max(bucket.at, t);
    if (bucket.tokens >= 1) {
      if (consume) bucket.tokens -= 1;
      return 0;
    }
    // Less a hair, so that the rounding of the refill does not turn 2 s to wait into 3.
    return Math.max(1, Math.ceil(((1 - bucket.tokens) / limit.tokens) * limit.everyMs - 1e-6));
  }

  function bucketOf(conn: Conn, event: ClientEvent): Bucket {
    let bucket = conn.events.get(event);
    if (!bucket) {
      bucket = { tokens: MESSAGES[event].limit.burst, at: now() };
      conn.events.set(event, bucket);
    }
    return bucket;
  }

  function drop(conn: Conn, why: keyof RelayStats['dropped']): void {
    counters.dropped[why]++;
    conn.room.dropped++;
    conn.drops++;
    if (conn.role === 'follower' && conn.drops > limits.dropsPerConnection && !conn.closed) {
      counters.closed++;
      conn.socket.disconnect(true);
    }
  }

  function refuse(conn: Conn, event: ClientEvent, reason: string): void {
    counters.refused++;
    conn.socket.emit('refused', { event, reason });
  }

  /** Handles one message from a client: who may send it, how often, its size and shape, then what it does. */
  function receive(conn: Conn, event: unknown, args: unknown[]): void {
    if (conn.closed) return;
    if (conn.role === null) {
      if (conn.pending.length < limits.pendingPerConnection) conn.pending.push([event, args]);
      else drop(conn, 'limited');
      return;
    }
    counters.received++;
    const sender = conn.role === 'follower' ? 'follower' : 'presenter';
    if (take(conn.messages, sender === 'follower' ? limits.followerMessages : limits.presenterMessages) > 0) return drop(conn, 'limited');
    if (!isClientEvent(event) || MESSAGES[event].from !== sender) return drop(conn, 'unknown');
    // The payload is the first argument; an acknowledgement callback or any further argument is ignored.
    const checked = validate(event, args[0]);
    if (!checked.ok) {
      drop(conn, checked.oversize ? 'oversize' : 'invalid');
      return refuse(conn, event, checked.reason);
    }
    if (conn.role === 'standby' && event !== 'take-over') {
      return refuse(conn, event, 'This window is on standby: another presenter window holds the room. Take over to present from here.');
    }
    if (event === 'digit') return digit(conn, checked.value as Payload<'digit'>);
    const wait = take(bucketOf(conn, event), MESSAGES[event].limit);
    if (wait > 0) {
      drop(conn, 'limited');
      if (event === 'vote') refuse(conn, event, `At most ${MESSAGES.vote.limit.tokens} votes a second: wait a moment and vote again.`);
      else refuse(conn, event, `Too many ${event} messages: wait ${seconds(wait)} and send it again.`);
      return;
    }
    const { room } = conn;
    switch (event) {
      case 'place': {
        const place = checked.value as Payload<'place'>;
        room.place = place;
        tellOthers('relay:place', room.id, place);
        audience(room).emit('place', place);
        counters.forwarded++;
        return;
      }
      case 'state': {
        const { key, value } = checked.value as Payload<'state'>;
        if (value !== null && !room.states.has(key) && room.states.size >= MAX_STATES) {
          return refuse(conn, event, `A room keeps at most ${MAX_STATES} states: set one to null before adding "${key}".`);
        }
        const text = value === null ? null : JSON.stringify(value);
        const growth = (text === null ? 0 : Buffer.byteLength(text)) - Buffer.byteLength(room.states.get(key) ?? '');
        if (growth > 0 && room.stateBytes + growth > limits.roomStateBytes)
          return refuse(conn, event, `A room keeps at most ${formatBytes(limits.roomStateBytes)} of state: set a state to null before adding "${key}".`);
        if (growth > 0 && stateBytes + growth > limits.relayStateBytes)
          return refuse(conn, event, `The relay holds as much state as it may (${formatBytes(limits.relayStateBytes)}): "${key}" was not kept.`);
        setState(room, key, text);
        tellOthers('relay:state', room.id, key, text);
        audience(room).emit('state', { key, value });
        counters.forwarded++;
        return;
      }
      case 'reply': {
        const { to, kind, value } = checked.value as Payload<'reply'>;
        io.to(phoneOf(room.id, to)).emit('reply', { kind, value });
        counters.forwarded++;
        return;
      }
      case 'take-over':
        if (conn.role === 'standby') activate(conn);
        return;
      case 'vote': {
        if (room.presenter === null)
          return refuse(conn, event, 'The presenter is not connected, so your vote was not counted; vote again in a moment.');
        if (take(room.votes, limits.roomVotes) > 0) {
          drop(conn, 'limited');
          return refuse(conn, event, 'Too many votes are arriving at once: wait a second and vote again.');
        }
        const { poll, option } = checked.value as Payload<'vote'>;
        io.to(presenterOf(room.id)).emit('vote', { from: conn.phone!, poll, option });
        counters.forwarded++;
        return;
      }
    }
  }

  /** A digit passes if the presenter is there, the phone has digits left, and neither the phone, its connection nor the room is sending too fast. */
  function digit(conn: Conn, value: Payload<'digit'>): void {
    const { room } = conn;
    if (room.presenter === null) {
      return refuse(conn, 'digit', "The presenter's deck is not connected, so nobody can read your digit yet; send it again in a moment.");
    }
    const phone = phoneRecord(room, conn.phone!);
    if (phone.digits >= limits.digitsPerPhone || conn.digits >= limits.digitsPerPhone) {
      drop(conn, 'limited');
      return refuse(conn, 'digit', `That is ${limits.digitsPerPhone} digits from this phone, the most one phone may send in this lecture.`);
    }
    const rate = MESSAGES.digit.limit;
    const wait = Math.max(take(phone.bucket, rate, false), take(bucketOf(conn, 'digit'), rate, false));
    if (wait > 0) {
      drop(conn, 'limited');
      return refuse(
        conn,
        'digit',
        `One digit every ${rate.everyMs / 1000 / rate.tokens} seconds: wait ${seconds(wait)} and send it again.`,
      );
    }
    if (take(room.digits, limits.roomDigits) > 0) {
      drop(conn, 'limited');
      return refuse(conn, 'digit', 'Too many digits are arriving at once: wait a second and send it again.');
    }
    take(phone.bucket, rate);
    take(bucketOf(conn, 'digit'), rate);
    phone.digits++;
    conn.digits++;
    io.to(presenterOf(room.id)).emit('digit', { from: conn.phone!, pixels: value.pixels, label: value.label });
    counters.forwarded++;
  }

  /** A phone's record in a room, kept most recently seen last, and the oldest forgotten beyond the limit. */
  function phoneRecord(room: Room, phone: string): PhoneRecord {
    let record = room.phones.get(phone);
    if (record) room.phones.delete(phone);
    else record = { bucket: { tokens: MESSAGES.digit.limit.burst, at: now() }, digits: 0 };
    room.phones.set(phone, record);
    if (room.phones.size > limits.phonesPerRoom) room.phones.delete(room.phones.keys().next().value!);
    return record;
  }

  /** Keeps a state's JSON text (null forgets it), counting its bytes for the room and the relay. */
  function setState(room: Room, key: string, text: string | null): void {
    const before = room.states.get(key);
    if (before !== undefined) {
      const bytes = Buffer.byteLength(before);
      room.stateBytes -= bytes;
      stateBytes -= bytes;
    }
    if (text === null) room.states.delete(key);
    else {
      room.states.set(key, text);
      const bytes = Buffer.byteLength(text);
      room.stateBytes += bytes;
      stateBytes += bytes;
    }
  }

  // --- Other processes -----------------------------------------------------------

  function listenToOtherProcesses(): void {
    /** Another process's message is trusted (it came through our Redis), but a mistake in handling it must not stop this one. */
    const guard =
      <A extends unknown[]>(handler: (...args: A) => void) =>
      (...args: A) => {
        try {
          handler(...args);
        } catch (error) {
          log(`A message from another relay process could not be handled: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
    io.on(
      'relay:place',
      guard((id: string, place: Place) => whenLoaded(id, (room) => (room.place = place))),
    );
    io.on(
      'relay:state',
      guard((id: string, key: string, text: string | null) => whenLoaded(id, (room) => setState(room, key, text))),
    );
    io.on(
      'relay:claim',
      guard((id: string, claim: Claim) => whenLoaded(id, (room) => applyClaim(room, claim))),
    );
    io.on(
      'relay:release',
      guard((id: string, sid: string) =>
        whenLoaded(id, (room) => {
          if (room.presenter?.sid === sid) room.presenter = null;
        }),
      ),
    );
    io.on(
      'relay:count',
      guard((server: string, reports: CountReport[]) => {
        const t = Date.now();
        for (const report of reports) {
          const room = rooms.get(report.room);
          if (!room) continue;
          if (report.followers === 0 && report.dropped === 0 && report.presenter === null) room.remote.delete(server);
          else room.remote.set(server, { followers: report.followers, dropped: report.dropped, seenAt: t });
          if (report.presenter !== null && room.presenter?.sid === report.presenter) room.presenter.seenAt = t;
        }
      }),
    );
    io.on(
      'relay:snapshot',
      guard((id: string, ack: (snapshot: Snapshot | null) => void) => {
        const room = rooms.get(id);
        const presenter = room?.presenter ? { sid: room.presenter.sid, at: room.presenter.at, server: room.presenter.server } : null;
        ack(room && !room.loading ? { place: room.place ?? null, states: [...room.states], presenter } : null);
      }),
    );
  }

  // --- Every second ------------------------------------------------------------------

  let ticks = 0;
  const timer = setInterval(() => {
    try {
      tick();
    } catch (error) {
      log(`The relay's timer failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }, limits.tickMs);
  timer.unref();

  /** Tells each local active presenter its room's counts when they changed, and the other processes this one's. */
  function tick(): void {
    ticks++;
    // An address's allowance of new phones that has filled up again is forgotten, so that the map holds only recent addresses.
    const refill = (limits.newPhonesPerAddress.burst / limits.newPhonesPerAddress.tokens) * limits.newPhonesPerAddress.everyMs;
    for (const [address, allowance] of newPhones) if (now() - allowance.at >= refill) newPhones.delete(address);
    const t = Date.now();
    const heartbeat = ticks % HEARTBEAT_TICKS === 0;
    const expiry = EXPIRY_TICKS * limits.tickMs;
    const reports: CountReport[] = [];
    for (const room of rooms.values()) {
      if (room.loading) continue;
      for (const [server, report] of room.remote) if (t - report.seenAt > expiry) room.remote.delete(server);
      // The process that held the presenter has gone quiet: it died, and its presenter with it.
      if (room.presenter && room.presenter.server !== serverId && t - room.presenter.seenAt > expiry) {
        room.presenter = null;
        io.local.to([followersOf(room.id), standbyOf(room.id)]).emit('presenter', { present: false });
      }
      const holdsPresenter = room.presenter?.server === serverId;
      if (holdsPresenter) {
        const counts = JSON.stringify(countsOf(room));
        if (counts !== room.sent) {
          room.sent = counts;
          io.local.to(presenterOf(room.id)).emit('room', JSON.parse(counts) as RoomCounts);
        }
      }
      if (clustered) {
        const report: CountReport = {
          room: room.id,
          followers: room.followers,
          dropped: room.dropped,
          presenter: holdsPresenter ? room.presenter!.sid : null,
        };
        const text = JSON.stringify(report);
        if (text !== room.reported || (heartbeat && (room.followers > 0 || holdsPresenter))) {
          room.reported = text;
          reports.push(report);
        }
      }
    }
    if (reports.length > 0) tellOthers('relay:count', serverId, reports);
  }

  // --- Outside --------------------------------------------------------------------------

  function stats(): RelayStats {
    let followers = 0;
    let presenters = 0;
    let standbys = 0;
    for (const room of rooms.values()) {
      for (const conn of room.conns) {
        if (conn.role === 'follower') followers++;
        else if (conn.role === 'presenter') presenters++;
        else if (conn.role === 'standby') standbys++;
      }
    }
    return {
      rooms: rooms.size,
      connections: io.engine.clientsCount,
      followers,
      presenters,
      standbys,
      received: counters.received,
      forwarded: counters.forwarded,
      refused: counters.refused,
      dropped: { ...counters.dropped },
      rejected: { ...counters.rejected },
      stateBytes,
      closed: counters.closed,
    };
  }

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    clearInterval(timer);
    // Closing the transports (not disconnecting the sockets) lets clients reconnect, to this relay restarted or another.
    io.engine.close();
    await ready.catch(() => {});
    await Promise.resolve(io.of('/').adapter.close()).catch(() => {});
    await Promise.all(
      [pub, sub].map(async (client) => {
        if (!client?.isOpen) return;
        try {
          await client.close();
        } catch {
          client.destroy();
        }
      }),
    );
  }

  return {
    path: options.path,
    get defaultRoom() {
      return defaultRoom;
    },
    ready,
    stats,
    close,
  };
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/**
 * The address the limits per address count a connection under: an IPv4
 * address as it is (IPv4-mapped IPv6 included), and an IPv6 address by its
 * /64, which one host can fill with addresses of its own.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const front = head ? head.split(':') : [];
  const back = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
