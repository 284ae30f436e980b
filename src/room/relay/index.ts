/**
 * The room's relay: phones follow the presenter's slide through it, and send
 * small actions back (a drawn digit, a vote). It attaches Socket.IO to an
 * HTTP server: the deck's own (scripts/serve.ts) or one of its own
 * (scripts/relay.ts).
 *
 * It holds no lecture logic. The presenter's deck is the single source of
 * truth: the relay checks who may say what against the protocol's table
 * (src/room/protocol.ts, handlers.ts), keeps each room's place and states in
 * its store for phones that join late, and forwards. The store is this
 * process's memory, or Redis (store.ts, redis-store.ts), which several relay
 * processes behind one load balancer share: every room's state, its
 * presenter's lease and every limit live there, and Socket.IO's Redis
 * adapter carries each broadcast to the phones on every process. No process
 * keeps a room of its own beyond the sockets it holds.
 *
 * Rooms exist only for the keys the relay was given; identities are the
 * relay's to issue (handshake.ts). Keys, tokens and addresses are never
 * logged, nor stored; stats and logs are counts.
 *
 * Its parts: handshake.ts (who may connect, and who they are), handlers.ts
 * (each message), presenters.ts (one active presenter per room), limits.ts
 * (the arithmetic of limits), and this file, which wires them to Socket.IO,
 * welcomes, and ticks.
 */
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { MAX_PAYLOAD_BYTES, type Welcome } from '../protocol.ts';
import { newRelaySecret, roomIdFor } from '../identity.ts';
import { door, type Admitted } from './handshake.ts';
import { messageHandlers } from './handlers.ts';
import { presenters as presenterLeases } from './presenters.ts';
import { RedisStore } from './redis-store.ts';
import { relayStats } from './stats.ts';
import { upkeep } from './upkeep.ts';
import { MemoryStore } from './store.ts';
import {
  DEFAULT_LIMITS,
  followersOf,
  isActive,
  message,
  phoneOf,
  type Conn,
  type Relay,
  type RelayContext,
  type RelayLimits,
  type RelayOptions,
  type RelayServer,
} from './types.ts';

export { sameOrigin } from './handshake.ts';
export { addressKey } from './limits.ts';
export { DEFAULT_LIMITS } from './types.ts';
export type { OriginCheck, Relay, RelayLimits, RelayOptions, RelayStats } from './types.ts';

/** Attaches the relay to an HTTP server, at `options.path`. Returns at once; connections wait until `ready`. */
export function createRelay(httpServer: HttpServer, options: RelayOptions): Relay {
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  let closing = false;
  let secret = '';
  let defaultRoom: string | undefined;
  let phoneSockets = 0;
  const tokens = new WeakMap<object, string>();
  const context: RelayContext = {
    io: undefined as unknown as RelayServer,
    store: new MemoryStore({ now, idleMs: limits.idleMs }),
    limits,
    now,
    log,
    serverId: randomUUID(),
    counters: {
      received: 0,
      forwarded: 0,
      refused: 0,
      dropped: { unknown: 0, invalid: 0, limited: 0, oversize: 0 },
      rejected: { origin: 0, handshake: 0, unknown: 0, full: 0, address: 0, identities: 0 },
      closed: 0,
    },
    rooms: new Map(),
    keyRooms: new Set(),
  };
  const entrance = door(context, options, { secret: () => secret, defaultRoom: () => defaultRoom, phones: () => phoneSockets });
  const io: RelayServer = new Server(httpServer, {
    path: options.path,
    serveClient: false,
    maxHttpBufferSize: MAX_PAYLOAD_BYTES,
    // Phones sleep and walk out of Wi-Fi; a dead one is dropped within 18 s.
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // A connection that never says who it is is closed after 10 s.
    connectTimeout: 10_000,
    // Same origin needs no CORS; a deck published elsewhere, listed in `origins`, does for the polling transport.
    ...(entrance.extraOrigins.size > 0 ? { cors: { origin: [...entrance.extraOrigins], methods: ['GET', 'POST'] } } : {}),
    allowRequest: (req, callback) => entrance.allowRequest(req, io.engine.clientsCount, callback),
  });
  context.io = io;
  io.engine.on('connection', entrance.countConnection);

  const leases = presenterLeases(context, welcome);
  const messages = messageHandlers(context, { takeOver: leases.takeOver, phones: () => phoneSockets });
  /** The adapter's clients, to close: anything with close() and destroy(). */
  const adapterClients: { isOpen: boolean; close(): Promise<unknown>; destroy(): void }[] = [];

  const ready = start();
  // Connections wait for `ready`; a failure is told to each of them, and is not unhandled here.
  ready.catch(() => {});

  /** Reaches Redis where there is one, learns the secret, and opens one room per key. */
  async function start(): Promise<void> {
    if (options.redisUrl !== undefined) {
      let lastError = '';
      const onError = (error: unknown) => {
        // node-redis retries by itself and reports each failure; say each kind once.
        if (message(error) !== lastError) log(`Redis: ${message(error)}`);
        lastError = message(error);
      };
      context.store = await RedisStore.connect(options.redisUrl, { now, idleMs: limits.idleMs, onError });
      const pub = createClient({ url: options.redisUrl });
      const sub = pub.duplicate();
      pub.on('error', onError);
      sub.on('error', onError);
      adapterClients.push(pub, sub);
      await Promise.all([pub.connect(), sub.connect()]);
      io.adapter(createAdapter(pub, sub, { key: 'deck-room', requestsTimeout: 1500, publishOnSpecificResponseChannel: true }));
    }
    // Every process of one relay names rooms and signs tokens alike: the secret given, or the one the store keeps.
    secret = options.secret ?? (await context.store.secret(newRelaySecret()));
    defaultRoom = options.presenterKey === undefined ? undefined : roomIdFor(secret, options.presenterKey);
    for (const key of [...(options.keys ?? []), ...(options.presenterKey === undefined ? [] : [options.presenterKey])])
      context.keyRooms.add(roomIdFor(secret, key));
  }

  io.use((socket, next) => {
    if (closing) return next(new Error('The relay is shutting down.'));
    ready.then(
      () => entrance.admit(socket, tokens).then(next),
      () => next(new Error('The relay cannot reach its Redis server; try again in a moment.')),
    );
  });

  io.on('connection', (socket) => {
    const data = socket.data as Admitted;
    let room = context.rooms.get(data.room);
    if (!room) {
      room = {
        id: data.room,
        conns: new Set(),
        followers: 0,
        dropped: 0,
        present: false,
        sent: '',
        reported: '',
        stateBytes: 0,
        unsaved: { states: new Map() },
      };
      context.rooms.set(room.id, room);
    }
    const conn: Conn = {
      socket,
      room,
      kind: data.phone === undefined ? 'window' : 'phone',
      ...(data.phone === undefined ? {} : { phone: data.phone }),
      ...(tokens.has(socket) ? { token: tokens.get(socket)! } : {}),
      ...(data.window === undefined ? {} : { window: data.window }),
      welcomed: false,
      messages: { tokens: (data.phone === undefined ? limits.presenterMessages : limits.followerMessages).burst, at: now() },
      events: new Map(),
      drops: 0,
      pending: [],
      queue: Promise.resolve(),
      closed: false,
    };
    room.conns.add(conn);
    if (conn.kind === 'phone') {
      room.followers++;
      phoneSockets++;
      // Join at once, so that nothing broadcast while the welcome is being read is missed (the deck replays it after).
      void socket.join([followersOf(room.id), phoneOf(room.id, conn.phone!)]);
    }
    socket.onAny((event: unknown, ...args: unknown[]) => messages.receive(conn, event, args));
    // A client may send an event named "error", and Node's EventEmitter throws an "error" that nobody listens to.
    socket.on('error', () => {});
    let wasActive = false;
    socket.on('disconnecting', () => (wasActive = isActive(conn)));
    socket.on('disconnect', (reason, description: unknown) => {
      conn.closed = true;
      // A message over Socket.IO's buffer closes the connection before any handler sees it: count it here.
      if (reason === 'transport error' && description instanceof Error && /payload/i.test(description.message))
        messages.drop(conn, 'oversize');
      if (conn.kind === 'phone') {
        room.followers--;
        phoneSockets--;
      }
      room.conns.delete(conn);
      if (conn.kind === 'window')
        void leases.leave(conn, wasActive).catch((error: unknown) => log(`A presenter's leaving failed: ${message(error)}`));
    });
    void settle(conn).catch((error: unknown) => {
      log(`A connection could not be welcomed: ${message(error)}`);
      socket.disconnect(true);
    });
  });

  /** Gives a socket its welcome (a window also its place as presenter or on standby), then handles what it sent meanwhile. */
  async function settle(conn: Conn): Promise<void> {
    if (conn.kind === 'phone') conn.socket.emit('welcome', await welcome(conn, 'follower'));
    else await leases.arrive(conn);
    conn.welcomed = true;
    for (const [event, args] of conn.pending.splice(0)) messages.receive(conn, event, args);
  }

  /** The room as it stands, for a socket: from the store, or, while it is away, from what the presenter here sent. */
  async function welcome(conn: Conn, role: Welcome['role']): Promise<Welcome> {
    const { room } = conn;
    const snapshot = await context.store.read(room.id).catch(() => ({
      ...(room.unsaved.place ? { place: room.unsaved.place } : {}),
      states: [...room.unsaved.states].filter((entry): entry is [string, string] => entry[1] !== null),
    }));
    const present =
      role === 'presenter' ||
      (await context.store.holder(room.id).then(
        (holder) => holder !== null,
        () => room.present,
      ));
    // What this process tells its phones from now on starts from what this one was told.
    room.present = present;
    const followers =
      role === 'follower'
        ? 0
        : await context.store.counts(room.id).then(
            (counts) => counts.followers,
            () => room.followers,
          );
    return {
      role,
      room: room.id,
      ...(conn.phone === undefined ? {} : { phone: conn.phone }),
      ...(conn.token === undefined ? {} : { token: conn.token }),
      ...(snapshot.place ? { place: snapshot.place } : {}),
      states: Object.fromEntries(snapshot.states.map(([key, text]) => [key, JSON.parse(text) as unknown])),
      presenter: present,
      ...(role === 'follower' ? {} : { followers: Math.max(followers, room.followers) }),
    };
  }

  // Every tick: counts, leases, presence, and what waited for the store (upkeep.ts).
  const timer = upkeep(context, leases, () => closing);

  // --- Outside ----------------------------------------------------------------------

  const stats = () => relayStats(context);

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    clearInterval(timer);
    // Closing the transports (not disconnecting the sockets) lets clients reconnect, to this relay restarted or another.
    io.engine.close();
    await ready.catch(() => {});
    await Promise.resolve(io.of('/').adapter.close()).catch(() => {});
    await context.store.close();
    await Promise.all(
      adapterClients.map(async (client) => {
        if (!client.isOpen) return;
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
