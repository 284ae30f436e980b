/**
 * The rooms in Redis, for several relay processes behind one load balancer
 * (store.ts says what a store keeps). Each step that reads and then writes
 * runs as one Lua script, which Redis runs atomically, so two processes never
 * interleave inside it:
 *
 * - `deck-room:{<room>}`: a hash per room: `place`, each state as
 *   `state:<key>` (the JSON text the presenter sent), `bytes` and `count`;
 * - `deck-room:{<room>}:presenter`: the lease of the one active presenter,
 *   `SET … NX PX` in effect (a reconnect of the same page load, and a
 *   take-over, overwrite it), renewed by its process while it holds it;
 * - `deck-room:{<room>}:counts`: each process's phones and drops, with the
 *   time they stop counting;
 * - `deck-room:{<room>}:b:…` and `deck-room:b:…`: token buckets (`tokens`
 *   and `at`), on the relay's clock, as limits.ts computes them;
 * - `deck-room:{<room>}:q:…`: quotas, counters with an expiry;
 * - `deck-room:secret`: the secret every process names rooms and signs
 *   phones' tokens with, left by the first process to start (SET NX).
 *
 * Every key expires: a room's after it has been idle for `idleMs` (12 h by
 * default), a bucket once it would be full again. Nothing here names a
 * person: phones appear only as one-way hashes, addresses as HMACs.
 *
 * The client fails fast while Redis is away (no offline queue), so that the
 * relay can go on with what it has and say so, rather than wait.
 */
import { createClient } from 'redis';
import type { Place, RateLimit } from '../protocol.ts';
import { refillMs } from './limits.ts';
import type { Counts, Holder, RoomSnapshot, RoomStore, StateCaps, StateOutcome } from './store.ts';

const room = (id: string) => `deck-room:{${id}}`;

/** Takes a token from a bucket at ARGV[1] (ms): the steps of limits.ts's take(). */
const TAKE = `
local now, rate, every, burst, consume, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(saved[1]) or burst, tonumber(saved[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) / every * rate); at = now end
local wait = 0
if tokens >= 1 then
  if consume == '1' then tokens = tokens - 1 end
else
  wait = math.max(1, math.ceil((1 - tokens) / rate * every - 1e-6))
end
-- All 17 digits: tostring() keeps 14, and a bucket refilled in thirds would stop a hair short of a token.
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
redis.call('PEXPIRE', KEYS[1], ttl)
return wait`;

const QUOTA = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '1' then redis.call('INCR', KEYS[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** KEYS[1]: the room's hash; KEYS[2..]: every room's hash, for the relay's bytes. ARGV: key, text, forget, maxStates, roomBytes, relayBytes, idle. */
const SET_STATE = `
local field = 'state:' .. ARGV[1]
local old = redis.call('HGET', KEYS[1], field)
local oldBytes = old and string.len(old) or 0
local bytes = tonumber(redis.call('HGET', KEYS[1], 'bytes') or '0')
redis.call('PEXPIRE', KEYS[1], ARGV[7])
if ARGV[3] == '1' then
  if old then
    redis.call('HDEL', KEYS[1], field)
    redis.call('HINCRBY', KEYS[1], 'count', -1)
    bytes = redis.call('HINCRBY', KEYS[1], 'bytes', -oldBytes)
  end
  return {'ok', bytes}
end
if not old and tonumber(redis.call('HGET', KEYS[1], 'count') or '0') >= tonumber(ARGV[4]) then return {'states', bytes} end
local growth = string.len(ARGV[2]) - oldBytes
if growth > 0 and bytes + growth > tonumber(ARGV[5]) then return {'room', bytes} end
if growth > 0 then
  local total = 0
  for i = 2, #KEYS do total = total + tonumber(redis.call('HGET', KEYS[i], 'bytes') or '0') end
  if total + growth > tonumber(ARGV[6]) then return {'relay', bytes} end
end
redis.call('HSET', KEYS[1], field, ARGV[2])
if not old then redis.call('HINCRBY', KEYS[1], 'count', 1) end
bytes = redis.call('HINCRBY', KEYS[1], 'bytes', growth)
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {'ok', bytes}`;

/** ARGV: the holder as JSON, its window, ttl, force. Returns {claimed, previous holder or ''}. */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if ARGV[4] == '1' or not current or cjson.decode(current).window == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  return {1, current or ''}
end
return {0, current}`;

const RENEW = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).sid == ARGV[1] then
  if ARGV[2] == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  return 1
end
return 0`;

type Client = ReturnType<typeof createClient>;

export class RedisStore implements RoomStore {
  readonly kind = 'redis';
  readonly #client: Client;
  readonly #now: () => number;
  readonly #idleMs: number;
  #up = false;

  private constructor(client: Client, now: () => number, idleMs: number) {
    this.#client = client;
    this.#now = now;
    this.#idleMs = idleMs;
    client.on('ready', () => (this.#up = true));
    client.on('end', () => (this.#up = false));
    client.on('error', () => (this.#up = false));
  }

  /** Connects to Redis at `url`; `onError` hears each of the client's errors (it retries by itself). */
  static async connect(
    url: string,
    options: { now?: () => number; idleMs?: number; onError?: (error: unknown) => void },
  ): Promise<RedisStore> {
    const client: Client = createClient({ url, disableOfflineQueue: true });
    const store = new RedisStore(client, options.now ?? Date.now, options.idleMs ?? 12 * 60 * 60 * 1000);
    client.on('error', options.onError ?? (() => {}));
    await client.connect();
    store.#up = true;
    return store;
  }

  get up(): boolean {
    return this.#up;
  }

  async secret(candidate: string): Promise<string> {
    await this.#client.set('deck-room:secret', candidate, { NX: true });
    return (await this.#client.get('deck-room:secret')) ?? candidate;
  }

  async read(id: string): Promise<RoomSnapshot> {
    const fields = await this.#client.hGetAll(room(id));
    const states: [string, string][] = [];
    for (const [field, text] of Object.entries(fields)) if (field.startsWith('state:')) states.push([field.slice(6), text]);
    return { ...(fields.place ? { place: JSON.parse(fields.place) as Place } : {}), states };
  }

  async setPlace(id: string, place: Place): Promise<void> {
    await this.#client.multi().hSet(room(id), 'place', JSON.stringify(place)).pExpire(room(id), this.#idleMs).exec();
  }

  async setState(id: string, key: string, text: string | null, caps: StateCaps): Promise<StateOutcome> {
    const [outcome, roomBytes] = (await this.#client.eval(SET_STATE, {
      keys: [room(id), ...caps.rooms.map(room)],
      arguments: [
        key,
        text ?? '',
        text === null ? '1' : '0',
        String(caps.maxStates),
        String(caps.roomBytes),
        String(caps.relayBytes),
        String(this.#idleMs),
      ],
    })) as [StateOutcome['outcome'], number];
    return { outcome, roomBytes: Number(roomBytes) };
  }

  async claim(id: string, holder: Holder, ttlMs: number, force: boolean): Promise<{ ok: boolean; previous: Holder | null }> {
    const [ok, previous] = (await this.#client.eval(CLAIM, {
      keys: [`${room(id)}:presenter`],
      arguments: [JSON.stringify(holder), holder.window, String(ttlMs), force ? '1' : '0'],
    })) as [number, string];
    return { ok: ok === 1, previous: previous ? (JSON.parse(previous) as Holder) : null };
  }

  async renew(id: string, sid: string, ttlMs: number): Promise<boolean> {
    return (await this.#client.eval(RENEW, { keys: [`${room(id)}:presenter`], arguments: [sid, String(ttlMs)] })) === 1;
  }

  async release(id: string, sid: string): Promise<void> {
    await this.#client.eval(RENEW, { keys: [`${room(id)}:presenter`], arguments: [sid, '0'] });
  }

  async holder(id: string): Promise<Holder | null> {
    const text = await this.#client.get(`${room(id)}:presenter`);
    return text ? (JSON.parse(text) as Holder) : null;
  }

  async take(key: string, limit: RateLimit, consume = true): Promise<number> {
    return Number(
      await this.#client.eval(TAKE, {
        keys: [bucketKey(key)],
        arguments: [this.#now(), limit.tokens, limit.everyMs, limit.burst, consume ? '1' : '0', refillMs(limit) + 1000].map(String),
      }),
    );
  }

  async quota(key: string, max: number, consume = true): Promise<boolean> {
    return (
      (await this.#client.eval(QUOTA, {
        keys: [bucketKey(key, 'q')],
        arguments: [String(max), consume ? '1' : '0', String(this.#idleMs)],
      })) === 1
    );
  }

  async report(id: string, server: string, counts: Counts, staleMs: number): Promise<void> {
    const value = `${counts.followers}:${counts.dropped}:${this.#now() + staleMs}`;
    await this.#client
      .multi()
      .hSet(`${room(id)}:counts`, server, value)
      .pExpire(`${room(id)}:counts`, this.#idleMs)
      .exec();
  }

  async counts(id: string): Promise<Counts> {
    const total = { followers: 0, dropped: 0 };
    const now = this.#now();
    const stale: string[] = [];
    for (const [server, value] of Object.entries(await this.#client.hGetAll(`${room(id)}:counts`))) {
      const [followers, dropped, until] = value.split(':').map(Number) as [number, number, number];
      if (until < now) {
        stale.push(server);
        continue;
      }
      total.followers += followers;
      total.dropped += dropped;
    }
    if (stale.length > 0) await this.#client.hDel(`${room(id)}:counts`, stale);
    return total;
  }

  async close(): Promise<void> {
    if (!this.#client.isOpen) return;
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}

/** A limit's key: `<room>:…` keys live beside their room's (same hash slot), others under the relay's. */
function bucketKey(key: string, kind = 'b'): string {
  const colon = key.indexOf(':');
  return colon > 0 ? `${room(key.slice(0, colon))}:${kind}:${key.slice(colon + 1)}` : `deck-room:${kind}:${key}`;
}
