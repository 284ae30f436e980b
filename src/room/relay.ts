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
 * A room is named by its presenter's key through a one-way hash, so phones
 * can be told the room's id but never the key. Keys, phone ids and addresses
 * are never logged, nor kept beyond the hash; stats and logs are counts.
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
import { createHash, randomUUID } from 'node:crypto';
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

/**
 * Returns the id of the room a presenter's key opens: the first 16 characters
 * of base64url(SHA-256('deck-room:' + key)). Phones may see it; it does not
 * give the key away.
 */
export function roomIdFor(key: string): string {
  return createHash('sha256').update(`deck-room:${key}`).digest('base64url').slice(0, 16);
}

/**
 * Returns a phone's anonymous id in a room, which the presenter sees as the
 * `from` of its digits and votes and addresses replies to. The phone's own id
 * is a secret of the phone: whoever knew it could receive its replies and
 * spend its digits, and a presenter's deck might show `from` on the
 * projector. The same phone in the same room always gets the same anonymous
 * id, so its digits are counted across reconnects.
 */
export function phoneIdFor(room: string, phone: string): string {
  return createHash('sha256').update(`deck-phone:${room}:${phone}`).digest('base64url').slice(0, 16);
}

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
  /** Connections the relay admits at once. */
  connections: number;
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
  tickMs: 1000,
};

export interface RelayOptions {
  /** The Socket.IO path: `roomPath(base)`, such as "/__room/" or "/intro-to-deep-learning/__room/". */
  path: string;
  /** The key of the relay's default room, which a phone that names no room joins. */
  presenterKey?: string;
  /**
   * Which pages may connect. By default, the page's own origin only (see
   * sameOrigin). A list adds origins (a deck published elsewhere, such as
   * "https://example.org"); a function decides alone.
   */
  origins?: OriginCheck | readonly string[];
  /** Admit connections with no Origin header. Browsers always send one; Node clients (tests, the bench) do not. */
  allowNoOrigin?: boolean;
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
  /** Connections turned away: a foreign or missing Origin, a bad handshake, or the relay full. */
  rejected: { origin: number; handshake: number; full: number };
  /** Connections the relay closed because they kept sending what it drops. */
  closed: number;
}

export interface Relay {
  /** The Socket.IO path it answers. */
  readonly path: string;
  /** The default room's id, if it has one. */
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
  states: [string, unknown][];
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
  'relay:state': (room: string, key: string, value: unknown) => void;
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
  states: Map<string, unknown>;
  /** The active presenter anywhere, as far as this process knows; `seenAt` is when its process last said so. */
  presenter: (Claim & { seenAt: number }) | null;
  conns: Set<Conn>;
  followers: number;
  dropped: number;
  phones: Map<string, PhoneRecord>;
  digits: Bucket;
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
  digits: number;
  drops: number;
  pending: [unknown, unknown[]][];
  closed: boolean;
}

/** Why a handshake was refused: the message a client's connect_error carries. */
class Refusal extends Error {}

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
  const defaultRoom = options.presenterKey === undefined ? undefined : roomIdFor(options.presenterKey);
  const extraOrigins = Array.isArray(options.origins)
    ? new Set(options.origins.map((origin) => new URL(origin).origin))
    : new Set<string>();
  const originAllowed: OriginCheck =
    typeof options.origins === 'function' ? options.origins : (origin, host) => sameOrigin(origin, host) || extraOrigins.has(origin);

  const counters = {
    received: 0,
    forwarded: 0,
    refused: 0,
    dropped: { unknown: 0, invalid: 0, limited: 0, oversize: 0 },
    rejected: { origin: 0, handshake: 0, full: 0 },
    closed: 0,
  };
  const rooms = new Map<string, Room>();
  let closing = false;

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
      if (io.engine.clientsCount >= limits.connections) {
        counters.rejected.full++;
        callback('The room is full.', false);
        return;
      }
      const origin = req.headers.origin;
      const allowed = origin === undefined ? options.allowNoOrigin === true : originAllowed(origin, req.headers.host);
      if (!allowed) counters.rejected.origin++;
      callback(allowed ? null : 'This page may not connect to the room.', allowed);
    },
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
      presenter: null,
      conns: new Set(),
      followers: 0,
      dropped: 0,
      phones: new Map(),
      digits: { tokens: limits.roomDigits.burst, at: now() },
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
      for (const [key, value] of snapshot.states) room.states.set(key, value);
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
      ...(room.place ? { place: room.place } : {}),
      states: Object.fromEntries(room.states),
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
        socket.data = { room: roomIdFor(auth.key) };
      } else {
        const room = auth.room ?? defaultRoom;
        if (room === undefined)
          throw new Refusal(
            'This relay has no default room: open the deck from the link or QR code the presenter shows, which names its room.',
          );
        socket.data = { room, phone: phoneIdFor(room, auth.phone) };
      }
      return undefined;
    } catch (error) {
      counters.rejected.handshake++;
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
    if (conn.phone !== undefined) room.followers--;
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
        setState(room, key, value);
        tellOthers('relay:state', room.id, key, value);
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

  function setState(room: Room, key: string, value: unknown): void {
    if (value === null) room.states.delete(key);
    else room.states.set(key, value);
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
      guard((id: string, key: string, value: unknown) => whenLoaded(id, (room) => setState(room, key, value))),
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

  return { path: options.path, defaultRoom, ready, stats, close };
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}
