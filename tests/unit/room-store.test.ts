/**
 * One contract, two stores (src/room/relay/store.ts): the relay keeps a
 * room's place, states, presenter lease, limits and counts in its own memory
 * or in Redis, and must not be able to tell which. Every case below runs
 * against both: MemoryStore, and RedisStore on a redis-server of its own on a
 * free loopback port. Both run on an injected clock (the leases' expiry in
 * Redis excepted, which Redis times itself: that case runs on the real clock
 * for both).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/room/relay/redis-store.ts';
import { MemoryStore, type RoomStore, type StateCaps } from '../../src/room/relay/store.ts';
import { eventually, startRedis, stopServices, type RedisService } from '../scale/services.ts';

let redis: RedisService;
let rooms = 0;
/** A room id of its own for each case, so that the cases share nothing in Redis. */
const freshRoom = () => `contract-${String(++rooms).padStart(7, '0')}`.slice(0, 16);

beforeAll(async () => {
  redis = await startRedis();
}, 20_000);

afterAll(stopServices);

interface Made {
  store: RoomStore;
  clock: { now: number };
}

const makers: [string, (now: () => number) => Promise<RoomStore>][] = [
  ['memory', async (now) => new MemoryStore({ now })],
  ['Redis', (now) => RedisStore.connect(redis.url, { now })],
];

const place = (slide: string) => ({ slide, h: 2, v: 0, f: -1 });
const caps = (rooms: string[], over: Partial<StateCaps> = {}): StateCaps => ({
  maxStates: 3,
  roomBytes: 100,
  relayBytes: 100,
  rooms,
  ...over,
});

describe.each(makers)('the %s store', (_name, make) => {
  const stores: RoomStore[] = [];
  const made = async (): Promise<Made> => {
    const clock = { now: 1_000_000 };
    const store = await make(() => clock.now);
    stores.push(store);
    return { store, clock };
  };
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('keeps a room’s place and states as the text they came as, and forgets a state set to null', async () => {
    const { store } = await made();
    const room = freshRoom();
    expect(await store.read(room)).toEqual({ states: [] });
    await store.setPlace(room, place('intro'));
    await store.setPlace(room, place('mnist'));
    expect(await store.setState(room, 'poll:a', '{"state":"open"}', caps([room]))).toEqual({ outcome: 'ok', roomBytes: 16 });
    expect(await store.setState(room, 'wall', '[1,2]', caps([room]))).toEqual({ outcome: 'ok', roomBytes: 21 });
    expect(await store.setState(room, 'wall', null, caps([room]))).toEqual({ outcome: 'ok', roomBytes: 16 });
    expect(await store.read(room)).toEqual({ place: place('mnist'), states: [['poll:a', '{"state":"open"}']] });
  });

  it('refuses a state over the room’s count, the room’s bytes or the relay’s bytes, and lets one shrink', async () => {
    const { store } = await made();
    const [one, two] = [freshRoom(), freshRoom()];
    const both = caps([one, two]);
    const sixty = `"${'x'.repeat(58)}"`;
    expect((await store.setState(one, 'a', sixty, both)).outcome).toBe('ok');
    expect((await store.setState(one, 'b', sixty, both)).outcome).toBe('room');
    expect((await store.setState(one, 'b', '1', both)).outcome).toBe('ok');
    expect((await store.setState(one, 'c', '2', both)).outcome).toBe('ok');
    expect((await store.setState(one, 'd', '3', both)).outcome).toBe('states');
    // Replacing a state by a smaller one always fits; the relay's bytes count every room it serves.
    expect((await store.setState(one, 'a', '"short"', both)).outcome).toBe('ok');
    expect((await store.setState(two, 'a', sixty, both)).outcome).toBe('ok');
    // Room two would hold 95 bytes, within its own 100, but the relay's rooms 104, over its 100.
    expect((await store.setState(two, 'b', `"${'y'.repeat(33)}"`, both)).outcome).toBe('relay');
    expect((await store.read(two)).states).toEqual([['a', sixty]]);
  });

  it('gives the room to one presenter at a time: a second window waits, the same window coming back and a take-over win', async () => {
    const { store } = await made();
    const room = freshRoom();
    const first = { sid: 'socket-1', window: 'window-aaaaaaaa', server: 'process-a' };
    expect(await store.claim(room, first, 60_000, false)).toEqual({ ok: true, previous: null });
    const second = { sid: 'socket-2', window: 'window-bbbbbbbb', server: 'process-b' };
    expect(await store.claim(room, second, 60_000, false)).toEqual({ ok: false, previous: first });
    expect(await store.holder(room)).toEqual(first);
    // The first window's page reconnects on another process (its process died): it takes its own lease back.
    const back = { ...first, sid: 'socket-3', server: 'process-b' };
    expect(await store.claim(room, back, 60_000, false)).toEqual({ ok: true, previous: first });
    expect(await store.renew(room, 'socket-1', 60_000)).toBe(false);
    expect(await store.renew(room, 'socket-3', 60_000)).toBe(true);
    expect(await store.claim(room, second, 60_000, true)).toEqual({ ok: true, previous: back });
    await store.release(room, 'socket-3');
    expect(await store.holder(room)).toEqual(second);
    await store.release(room, 'socket-2');
    expect(await store.holder(room)).toBeNull();
  });

  it('lets a lease that nobody renews lapse', async () => {
    const store = await make(Date.now);
    stores.push(store);
    const room = freshRoom();
    await store.claim(room, { sid: 'gone', window: 'window-cccccccc', server: 'dead' }, 150, false);
    expect(await store.holder(room)).not.toBeNull();
    await eventually(async () => (await store.holder(room)) === null, 3000, 'the lease lapsing');
    expect(await store.renew(room, 'gone', 150)).toBe(false);
  });

  it('limits with token buckets on the relay’s clock: the burst, the wait in milliseconds, and the refill', async () => {
    const { store, clock } = await made();
    const room = freshRoom();
    const limit = { tokens: 1, everyMs: 3000, burst: 2 };
    expect(await store.take(`${room}:digit:p`, limit)).toBe(0);
    expect(await store.take(`${room}:digit:p`, limit)).toBe(0);
    expect(await store.take(`${room}:digit:p`, limit)).toBe(3000);
    clock.now += 1000;
    // Only looking takes nothing.
    expect(await store.take(`${room}:digit:p`, limit, false)).toBe(2000);
    clock.now += 2000;
    expect(await store.take(`${room}:digit:p`, limit, false)).toBe(0);
    expect(await store.take(`${room}:digit:p`, limit)).toBe(0);
    expect(await store.take(`${room}:digit:p`, limit)).toBe(3000);
    // Another key is another bucket; a relay-wide key too.
    expect(await store.take(`${room}:digit:q`, limit)).toBe(0);
    expect(await store.take(`relay/new-phones/${room}`, limit)).toBe(0);
  });

  it('counts quotas: one may look without spending, and the last one spent refuses the next', async () => {
    const { store } = await made();
    const room = freshRoom();
    for (let i = 0; i < 3; i++) expect(await store.quota(`${room}:digits:p`, 3)).toBe(true);
    expect(await store.quota(`${room}:digits:p`, 3, false)).toBe(false);
    expect(await store.quota(`${room}:digits:p`, 3)).toBe(false);
    expect(await store.quota(`${room}:digits:other`, 3, false)).toBe(true);
  });

  it('adds up each process’s counts of a room while they are fresh', async () => {
    const { store, clock } = await made();
    const room = freshRoom();
    await store.report(room, 'process-a', { followers: 120, dropped: 2 }, 5000);
    await store.report(room, 'process-b', { followers: 80, dropped: 1 }, 10_000);
    expect(await store.counts(room)).toEqual({ followers: 200, dropped: 3 });
    clock.now += 6000;
    expect(await store.counts(room)).toEqual({ followers: 80, dropped: 1 });
    await store.report(room, 'process-b', { followers: 0, dropped: 0 }, 0);
    clock.now += 1;
    expect(await store.counts(room)).toEqual({ followers: 0, dropped: 0 });
  });

  it('keeps the first secret it is given', async () => {
    const { store } = await made();
    const kept = await store.secret('first-candidate-secret-0123456789');
    expect(await store.secret('second-candidate-secret-987654321')).toBe(kept);
  });
});
