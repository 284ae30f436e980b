/**
 * Where a room's shared state lives: its place, its presenter's states, the
 * lease of its one active presenter, the counts of its phones, and every
 * limit that must hold whichever relay process a phone reaches (its digits,
 * its rate, the room's rate, an address's new phones).
 *
 * Two stores keep the same contract (tests/unit/room-store.test.ts runs one
 * suite against both): MemoryStore here, for one process alone, and
 * RedisStore (redis-store.ts), which keeps it all in Redis with Redis's own
 * primitives, so that any number of relay processes behind a load balancer
 * share it without a protocol of their own. What a store holds is the room's,
 * never a person's: no key, no token, no address (an address's allowance is
 * kept under an HMAC of it). Everything a room holds expires once the room
 * has been idle for `idleMs` (12 hours by default).
 */
import type { Place, RateLimit } from '../protocol.ts';
import { take, refillMs, type Bucket } from './limits.ts';

/** The active presenter's lease: which socket holds the room, from which page load (`window`), on which relay process. */
export interface Holder {
  sid: string;
  window: string;
  server: string;
}

/** What a phone joining late is told of a room: its place and states, each state as the JSON text the presenter sent. */
export interface RoomSnapshot {
  place?: Place;
  states: [string, string][];
}

/** The caps a state must fit: states per room, and bytes per room and for all of the relay's rooms. */
export interface StateCaps {
  maxStates: number;
  roomBytes: number;
  relayBytes: number;
  /** Every room the relay serves, to add up the relay's bytes. */
  rooms: readonly string[];
}

/** Whether a state was kept, or which cap refused it; with the room's bytes after. */
export interface StateOutcome {
  outcome: 'ok' | 'states' | 'room' | 'relay';
  roomBytes: number;
}

/** The counts one process reports for a room: its phones, and the messages it dropped. */
export interface Counts {
  followers: number;
  dropped: number;
}

export interface RoomStore {
  readonly kind: 'memory' | 'redis';
  /** Whether the store can be reached now (always, in memory). */
  readonly up: boolean;
  /** The relay's secret: the one already kept, or `candidate`, kept from now on. */
  secret(candidate: string): Promise<string>;
  read(room: string): Promise<RoomSnapshot>;
  setPlace(room: string, place: Place): Promise<void>;
  /** Keeps a state's text, or forgets it (null), within the caps. */
  setState(room: string, key: string, text: string | null, caps: StateCaps): Promise<StateOutcome>;
  /**
   * Makes `holder` the room's active presenter for `ttlMs`, if no one holds
   * it, or its holder is the same page load coming back (a reconnect), or
   * `force` (a take-over). Returns whether it did, and who held it before.
   */
  claim(room: string, holder: Holder, ttlMs: number, force: boolean): Promise<{ ok: boolean; previous: Holder | null }>;
  /** Extends the lease if `sid` still holds it; false when another took it or it expired. */
  renew(room: string, sid: string, ttlMs: number): Promise<boolean>;
  /** Ends the lease if `sid` holds it. */
  release(room: string, sid: string): Promise<void>;
  holder(room: string): Promise<Holder | null>;
  /** Takes a token from the bucket `key` (or only looks); returns 0, or the milliseconds to wait. */
  take(key: string, limit: RateLimit, consume?: boolean): Promise<number>;
  /** Spends one of `max` from the quota `key` (or only looks); false once it is spent. */
  quota(key: string, max: number, consume?: boolean): Promise<boolean>;
  /** Reports one process's counts for a room; they count for `staleMs`. */
  report(room: string, server: string, counts: Counts, staleMs: number): Promise<void>;
  /** The room's counts, over every process that reported within its `staleMs`. */
  counts(room: string): Promise<Counts>;
  close(): Promise<void>;
}

interface MemoryRoom {
  place?: Place;
  states: Map<string, string>;
  bytes: number;
  holder?: { holder: Holder; until: number };
  counts: Map<string, Counts & { until: number }>;
  at: number;
}

/** The store of one relay process alone, in memory, on the relay's clock. */
export class MemoryStore implements RoomStore {
  readonly kind = 'memory';
  readonly up = true;
  readonly #now: () => number;
  readonly #idleMs: number;
  readonly #rooms = new Map<string, MemoryRoom>();
  readonly #buckets = new Map<string, { bucket: Bucket; until: number }>();
  readonly #quotas = new Map<string, { used: number; until: number }>();
  #secret: string | undefined;

  constructor(options: { now?: () => number; idleMs?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#idleMs = options.idleMs ?? 12 * 60 * 60 * 1000;
  }

  async secret(candidate: string): Promise<string> {
    this.#secret ??= candidate;
    return this.#secret;
  }

  /** A room, made on first use and kept while used within `idleMs`. */
  #room(id: string): MemoryRoom {
    this.#sweep();
    let room = this.#rooms.get(id);
    if (!room) this.#rooms.set(id, (room = { states: new Map(), bytes: 0, counts: new Map(), at: 0 }));
    room.at = this.#now();
    return room;
  }

  /** Forgets what has been idle for too long: rooms, buckets and quotas. */
  #sweep(): void {
    const now = this.#now();
    for (const [id, room] of this.#rooms) if (now - room.at > this.#idleMs) this.#rooms.delete(id);
    for (const [key, entry] of this.#buckets) if (now > entry.until) this.#buckets.delete(key);
    for (const [key, entry] of this.#quotas) if (now > entry.until) this.#quotas.delete(key);
  }

  async read(id: string): Promise<RoomSnapshot> {
    const room = this.#rooms.get(id);
    return room ? { ...(room.place ? { place: room.place } : {}), states: [...room.states] } : { states: [] };
  }

  async setPlace(id: string, place: Place): Promise<void> {
    this.#room(id).place = place;
  }

  async setState(id: string, key: string, text: string | null, caps: StateCaps): Promise<StateOutcome> {
    const room = this.#room(id);
    const old = room.states.get(key);
    const oldBytes = old === undefined ? 0 : Buffer.byteLength(old);
    if (text === null) {
      room.states.delete(key);
      room.bytes -= oldBytes;
      return { outcome: 'ok', roomBytes: room.bytes };
    }
    if (old === undefined && room.states.size >= caps.maxStates) return { outcome: 'states', roomBytes: room.bytes };
    const growth = Buffer.byteLength(text) - oldBytes;
    if (growth > 0 && room.bytes + growth > caps.roomBytes) return { outcome: 'room', roomBytes: room.bytes };
    const relay = caps.rooms.reduce((sum, other) => sum + (this.#rooms.get(other)?.bytes ?? 0), 0);
    if (growth > 0 && relay + growth > caps.relayBytes) return { outcome: 'relay', roomBytes: room.bytes };
    room.states.set(key, text);
    room.bytes += growth;
    return { outcome: 'ok', roomBytes: room.bytes };
  }

  async claim(id: string, holder: Holder, ttlMs: number, force: boolean): Promise<{ ok: boolean; previous: Holder | null }> {
    const room = this.#room(id);
    const previous = this.#current(room);
    const ok = force || previous === null || previous.window === holder.window;
    if (ok) room.holder = { holder, until: this.#now() + ttlMs };
    return { ok, previous };
  }

  #current(room: MemoryRoom | undefined): Holder | null {
    return room?.holder && room.holder.until > this.#now() ? room.holder.holder : null;
  }

  async renew(id: string, sid: string, ttlMs: number): Promise<boolean> {
    const room = this.#rooms.get(id);
    if (!room || this.#current(room)?.sid !== sid) return false;
    room.holder = { holder: room.holder!.holder, until: this.#now() + ttlMs };
    room.at = this.#now();
    return true;
  }

  async release(id: string, sid: string): Promise<void> {
    const room = this.#rooms.get(id);
    if (room && this.#current(room)?.sid === sid) delete room.holder;
  }

  async holder(id: string): Promise<Holder | null> {
    return this.#current(this.#rooms.get(id));
  }

  async take(key: string, limit: RateLimit, consume = true): Promise<number> {
    const now = this.#now();
    let entry = this.#buckets.get(key);
    if (!entry || now > entry.until) this.#buckets.set(key, (entry = { bucket: { tokens: limit.burst, at: now }, until: 0 }));
    entry.until = now + refillMs(limit);
    return take(entry.bucket, limit, now, consume);
  }

  async quota(key: string, max: number, consume = true): Promise<boolean> {
    const now = this.#now();
    let entry = this.#quotas.get(key);
    if (!entry || now > entry.until) this.#quotas.set(key, (entry = { used: 0, until: 0 }));
    entry.until = now + this.#idleMs;
    if (entry.used >= max) return false;
    if (consume) entry.used++;
    return true;
  }

  async report(id: string, server: string, counts: Counts, staleMs: number): Promise<void> {
    this.#room(id).counts.set(server, { ...counts, until: this.#now() + staleMs });
  }

  async counts(id: string): Promise<Counts> {
    const total = { followers: 0, dropped: 0 };
    const now = this.#now();
    for (const entry of this.#rooms.get(id)?.counts.values() ?? []) {
      if (entry.until < now) continue;
      total.followers += entry.followers;
      total.dropped += entry.dropped;
    }
    return total;
  }

  async close(): Promise<void> {}
}
