/**
 * Two relay processes sharing their rooms through a real Redis
 * (@socket.io/redis-adapter): a presenter on one, phones on the other, and
 * everything still works as with one process. Redis runs as a child of this
 * test on a free loopback port (tests/scale/services.ts), stores nothing (no
 * RDB, no AOF), and is stopped with the relays afterwards. Without redis-server the test fails and
 * says how to install it: CI installs it (.ci/run).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Place } from '../../src/room/protocol.ts';
import {
  cleanUp,
  client,
  collect,
  next,
  phone,
  pixels,
  presenter,
  relayProcess,
  until,
  welcomed,
  type RelayProcess,
} from './room-helpers.ts';
import { startRedis, stopServices } from '../scale/services.ts';

let redisUrl = '';
let a: RelayProcess;
let b: RelayProcess;
const started: RelayProcess[] = [];
/** Ticks of 100 ms, so that counts and a dead process's presenter show within a second or two. */
const LIMITS = JSON.stringify({ tickMs: 100 });

const place = (slide: string): Place => ({ slide, h: 1, v: 0, f: -1 });
let keys = 0;
/** The keys both relay processes are given, one room each: a test takes a room of its own. */
const ROOM_KEYS = Array.from({ length: 12 }, () => randomBytes(24).toString('base64url'));
const freshKey = () => ROOM_KEYS[keys++]!;

async function startRelayProcess(url: string): Promise<RelayProcess> {
  const relay = await relayProcess({ REDIS_URL: url, RELAY_LIMITS: LIMITS, DECK_PRESENTER_KEYS: ROOM_KEYS.join(',') });
  started.push(relay);
  return relay;
}

beforeAll(async () => {
  redisUrl = (await startRedis()).url;
  [a, b] = await Promise.all([startRelayProcess(redisUrl), startRelayProcess(redisUrl)]);
}, 20_000);

afterEach(cleanUp);

afterAll(async () => {
  await Promise.all(started.map((relay) => relay.stop()));
  await stopServices();
});

describe('two relay processes sharing rooms through Redis', () => {
  it('passes the moves of a presenter on one process to a phone on the other', async () => {
    const key = freshKey();
    const { socket: deck, welcome } = await presenter(a.url, key);
    const { socket: follower, welcome: phoneWelcome } = await phone(b.url, { room: welcome.room });
    expect(phoneWelcome.presenter).toBe(true);
    const moves = collect(follower, 'place');
    deck.emit('place', place('first'));
    deck.emit('place', place('second'));
    await until(() => moves.length === 2);
    expect(moves).toEqual([place('first'), place('second')]);
  });

  it('gives a phone that joins the other process late the latest place and states', async () => {
    const key = freshKey();
    const { socket: deck, welcome } = await presenter(a.url, key);
    const early = await phone(a.url, { room: welcome.room });
    const moves = collect(early.socket, 'place');
    deck.emit('state', { key: 'poll:activation', value: { counts: [2, 5] } });
    deck.emit('place', place('intro'));
    deck.emit('place', place('latest'));
    await until(() => moves.length === 2);
    const late = await phone(b.url, { room: welcome.room });
    expect(late.welcome).toMatchObject({ place: place('latest'), states: { 'poll:activation': { counts: [2, 5] } }, presenter: true });
  });

  it('brings a digit from a phone on one process to the presenter on the other, and its reply back', async () => {
    const key = freshKey();
    const { socket: deck, welcome } = await presenter(a.url, key);
    const { socket: follower, welcome: phoneWelcome } = await phone(b.url, { room: welcome.room });
    const digit = next(deck, 'digit');
    follower.emit('digit', { pixels: pixels(), label: 6 });
    expect(await digit).toEqual({ from: phoneWelcome.phone, pixels: pixels(), label: 6 });
    const reply = next(follower, 'reply');
    deck.emit('reply', { to: phoneWelcome.phone!, kind: 'probabilities', value: [0.5, 0.5] });
    expect(await reply).toEqual({ kind: 'probabilities', value: [0.5, 0.5] });
  });

  it('holds a phone to one question a minute when it comes back on the other process with its token', async () => {
    const key = freshKey();
    const { socket: deck, welcome } = await presenter(a.url, key);
    const first = await phone(a.url, { room: welcome.room });
    const question = next(deck, 'question');
    first.socket.emit('ask', { text: 'Why  ReLU?', slide: 'activations' });
    expect(await question).toEqual({ from: first.welcome.phone, text: 'Why ReLU?', slide: 'activations' });
    first.socket.disconnect();
    // A new connection on a process that never saw the phone: only the limit kept in Redis can refuse it.
    const back = await phone(b.url, { room: welcome.room, token: first.token });
    expect(back.welcome.phone).toBe(first.welcome.phone);
    const refused = next(back.socket, 'refused');
    back.socket.emit('ask', { text: 'And why not tanh?', slide: 'activations' });
    expect(await refused).toEqual({ event: 'ask', reason: expect.stringMatching(/^One question a minute: wait \d+ s and ask again\.$/) });
    // Another phone on that process asks at once: the limit is the phone's, not the process's.
    const other = await phone(b.url, { room: welcome.room });
    const otherQuestion = next(deck, 'question');
    other.socket.emit('ask', { text: 'And why not tanh?', slide: 'activations' });
    expect(await otherQuestion).toEqual({ from: other.welcome.phone, text: 'And why not tanh?', slide: 'activations' });
  });

  it('puts a second presenter window on the other process on standby, and its take-over replaces the first', async () => {
    const key = freshKey();
    const first = await presenter(a.url, key);
    const { socket: follower } = await phone(b.url, { room: first.welcome.room });
    const second = client(b.url, { role: 'presenter', key });
    expect((await welcomed(second)).role).toBe('standby');
    const replaced = next(first.socket, 'replaced');
    const promoted = next(second, 'welcome');
    second.emit('take-over', {});
    expect((await promoted).role).toBe('presenter');
    await replaced;
    const moves = collect(follower, 'place');
    // The old window's move is refused, which is the barrier: it was handled, and passed on to nobody.
    const oldRefused = next(first.socket, 'refused');
    first.socket.emit('place', place('old-window'));
    second.emit('place', place('new-window'));
    expect((await oldRefused).reason).toMatch(/on standby/);
    await until(() => moves.length === 1);
    expect(moves).toEqual([place('new-window')]);
  });

  it('tells phones on the other process when the presenter leaves, and counts phones on both for the presenter', async () => {
    const key = freshKey();
    const { socket: deck, welcome } = await presenter(a.url, key);
    const counts = collect(deck, 'room');
    await phone(a.url, { room: welcome.room });
    const { socket: follower } = await phone(b.url, { room: welcome.room });
    await phone(b.url, { room: welcome.room });
    await until(() => counts.at(-1)?.followers === 3, 3000, 'a count of three phones');
    const gone = next(follower, 'presenter');
    deck.disconnect();
    expect(await gone).toEqual({ present: false });
  });

  it('notices a relay process that died with its presenter, and tells the phones on the others', async () => {
    const key = freshKey();
    const doomed = await startRelayProcess(redisUrl);
    const { welcome } = await presenter(doomed.url, key);
    const { socket: follower, welcome: phoneWelcome } = await phone(b.url, { room: welcome.room });
    expect(phoneWelcome.presenter).toBe(true);
    const gone = next(follower, 'presenter', 5000);
    doomed.child.kill('SIGKILL');
    expect(await gone).toEqual({ present: false });
    expect((await phone(b.url, { room: welcome.room })).welcome.presenter).toBe(false);
  });
});
