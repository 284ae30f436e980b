/**
 * The room's relay deployed as deploy/README.md says, on loopback: one
 * redis-server, two relay processes (`node scripts/relay.ts --port P
 * --trust-proxy`, with REDIS_URL and DECK_PRESENTER_KEY), nginx in front with
 * deploy/nginx.conf.template, and a presenter's deck and 200 phones connected
 * through nginx, reconnecting as the deck's client does. The unit tests run
 * relays in one process, or two side by side; this is what a lecture must
 * survive when the relay is several processes behind a proxy: a relay process
 * killed outright (its phones and the presenter back within 5 s, each phone
 * the same phone), a phone's quotas counted across processes, and Redis gone
 * for a while.
 *
 * The phones are Node clients, which send no Origin header of their own: they
 * send the origin of a deck published elsewhere, which the relays admit with
 * --origin, as a phone's browser on that deck does. The digits' quota is
 * checked against a smaller quota than the lecture's (at one digit per 3 s,
 * the real 20 would take a minute): for that part alone, two more relay
 * processes (tests/fixtures/relay-process.ts, whose RELAY_LIMITS can lower
 * it) join the same Redis, and the phone connects to each directly.
 *
 * Every service is stopped by its process id in afterAll, whatever failed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForwardedDigit, Place, Refused, Welcome } from '../../src/room/protocol.ts';
import { cleanUp, client, collect, relayProcess, sleep, welcomed, type Client, type RelayProcess } from '../unit/room-helpers.ts';
import {
  eventually,
  health,
  logTail,
  signal,
  startNginx,
  startRedis,
  startRelay,
  stopServices,
  type NginxService,
  type RedisService,
  type RelayService,
} from './services.ts';

const PHONES = 200;
/** The presenter's key: random, as the relay requires of a key (src/room/keys.ts). */
const KEY = randomBytes(24).toString('base64url');
/** Where the deck is published; the relays admit its pages with --origin. */
const DECK_ORIGIN = 'https://deck.example.test';
/** The digits' quota of the two extra relay processes. */
const DIGITS = 6;
/** How often the quota relays take a digit from one phone (the protocol says every 3 s; the quota is what is counted here). */
const DIGIT_RATE = { tokens: 1, everyMs: 300, burst: 1 };
/** Reconnecting as the deck's client does (src/deck/room.ts), a little faster, and sending the deck's origin. */
const RECONNECTING = { reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 1000, extraHeaders: { origin: DECK_ORIGIN } };

interface Deck {
  socket: Client;
  welcomes: Welcome[];
}

interface Phone {
  socket: Client;
  welcomes: Welcome[];
  places: Place[];
}

let redis: RedisService;
let relays: RelayService[];
let nginx: NginxService;
/** The two relay processes with a quota of DIGITS digits per phone, for the quota's test only. */
let quota: RelayProcess[] = [];
let deck: Deck;
const phones: Phone[] = [];

const relayEnv = () => ({ REDIS_URL: redis.url, DECK_PRESENTER_KEY: KEY });
const place = (slide: string, h: number): Place => ({ slide, h, v: 0, f: -1 });
/** How many phones have received the place with this slide. */
const reached = (slide: string) => phones.filter((phone) => phone.places.some((p) => p.slide === slide)).length;
const healths = () => Promise.all(relays.map((relay) => health(relay.port)));
/** The relays that have exited, each with the end of its log, which says why. */
const exited = () => relays.filter((relay) => relay.exited).map((relay) => `${relay.name}:\n${logTail(relay)}`);

/** The presenter's deck, as the projector's window connects it: its key, and a name for this window that it keeps across reconnects. */
function openDeck(url: string): Deck {
  const socket = client(url, { role: 'presenter', key: KEY, window: 'scale-test-window' }, RECONNECTING);
  const welcomes: Welcome[] = [];
  socket.on('welcome', (welcome) => welcomes.push(welcome));
  return { socket, welcomes };
}

/** A phone that sends, at every connection, the token of its latest welcome: it stays the same phone across reconnects. */
function openPhone(url: string): Phone {
  const welcomes: Welcome[] = [];
  const socket = client(
    url,
    {},
    {
      ...RECONNECTING,
      auth: (send: (auth: object) => void) => {
        const token = welcomes.at(-1)?.token;
        send({ role: 'follower', ...(token ? { token } : {}) });
      },
    },
  );
  socket.on('welcome', (welcome) => welcomes.push(welcome));
  return { socket, welcomes, places: collect(socket, 'place') };
}

/** Waits until a presenter window's latest welcome makes it the room's presenter, taking the room over if it is on standby. */
async function presenting(): Promise<void> {
  if (deck.welcomes.at(-1)?.role === 'presenter') return;
  const count = deck.welcomes.length;
  deck.socket.emit('take-over', {});
  await eventually(() => deck.welcomes.length > count && deck.welcomes.at(-1)?.role === 'presenter', 3000, "the presenter's take-over");
}

beforeAll(async () => {
  redis = await startRedis();
  relays = await Promise.all([0, 1].map(() => startRelay({ env: relayEnv(), args: ['--origin', DECK_ORIGIN] })));
  nginx = await startNginx({ relays: relays.map((relay) => relay.port) });
  // After the two relays: the secret they share is in Redis by now, and these take it.
  quota = await Promise.all(
    [0, 1].map(() =>
      relayProcess({
        REDIS_URL: redis.url,
        DECK_PRESENTER_KEY: KEY,
        // A phone's digit every 300 ms rather than the protocol's 3 s: the quota is what this test counts, not the pace.
        RELAY_LIMITS: JSON.stringify({ digitsPerPhone: DIGITS, phoneDigitRate: DIGIT_RATE }),
      }),
    ),
  );
  // The hall: the presenter first, then the phones, 50 at a time, as they arrive over a minute rather than in one instant.
  deck = openDeck(nginx.url);
  await eventually(() => deck.welcomes.length > 0, 5000, "the presenter's welcome");
  for (let start = 0; start < PHONES; start += 50) {
    const batch = Array.from({ length: Math.min(50, PHONES - start) }, () => openPhone(nginx.url));
    phones.push(...batch);
    await eventually(() => batch.every((phone) => phone.welcomes.length > 0), 10_000, 'a batch of 50 welcomes');
  }
}, 45_000);

afterAll(async () => {
  await cleanUp();
  await Promise.all(quota.map((relay) => relay.stop()));
  await stopServices();
}, 30_000);

describe('two relay processes behind nginx, sharing rooms through Redis', () => {
  it(`brings the presenter's move to ${PHONES} phones through nginx, which spreads them over both relays`, async () => {
    expect(deck.welcomes[0]?.role).toBe('presenter');
    const followers = (await healths()).map((counts) => counts.followers as number);
    expect(
      followers.every((count) => count > 0),
      `phones per relay: ${followers.join(', ')}`,
    ).toBe(true);
    expect(followers[0]! + followers[1]!).toBe(PHONES);

    deck.socket.emit('place', place('move-1', 1));
    await eventually(() => reached('move-1') === PHONES, 5000, 'move-1 at every phone').catch(() => {});
    expect(reached('move-1')).toBe(PHONES);
  }, 10_000);

  it('brings the presenter and every phone of a relay killed with SIGKILL back within 5 s, each phone the same phone, through the other relay', async () => {
    const counts = await healths();
    const index = counts.findIndex((count) => count.presenters === 1);
    expect(index, `presenters per relay: ${counts.map((count) => count.presenters).join(', ')}`).not.toBe(-1);
    const doomed = relays[index]!;
    const deckWelcomes = deck.welcomes.length;
    const welcomesBefore = new Map(phones.map((phone) => [phone, phone.welcomes.length]));
    const dropped = new Set<Phone>();
    const listeners = phones.map((phone) => {
      const listener = () => dropped.add(phone);
      phone.socket.once('disconnect', listener);
      return () => phone.socket.off('disconnect', listener);
    });
    const back = () =>
      deck.welcomes.length > deckWelcomes &&
      dropped.size > 0 &&
      [...dropped].every((phone) => phone.welcomes.length > welcomesBefore.get(phone)!);

    const killedAt = Date.now();
    signal(doomed.pid, 'SIGKILL');
    await doomed.exit;
    await eventually(back, 5000 - (Date.now() - killedAt), 'the presenter and the phones back').catch(() => {});
    const elapsed = Date.now() - killedAt;
    for (const off of listeners) off();

    expect(dropped.size, 'phones that the kill disconnected').toBe(counts[index]!.followers);
    expect.soft(deck.welcomes.length > deckWelcomes, `the presenter welcomed again within 5 s (waited ${elapsed} ms)`).toBe(true);
    expect.soft(deck.welcomes.at(-1)?.role, "the presenter's role in its latest welcome").toBe('presenter');
    const missing = [...dropped].filter((phone) => phone.welcomes.length === welcomesBefore.get(phone));
    expect.soft(missing.length, `phones of the killed relay not welcomed again within 5 s, of ${dropped.size}`).toBe(0);
    const changed = [...dropped].filter((phone) => phone.welcomes.length > 1 && phone.welcomes.at(-1)?.phone !== phone.welcomes[0]?.phone);
    expect.soft(changed.length, 'phones that came back as another phone').toBe(0);

    deck.socket.emit('place', place('move-2', 2));
    await eventually(() => reached('move-2') === PHONES, 3000, 'move-2 at every phone').catch(() => {});
    expect.soft(reached('move-2'), 'phones that received the move made after the kill').toBe(PHONES);

    // The killed relay starts again on its port, where nginx finds it once its fail_timeout has passed.
    relays[index] = await startRelay({ port: doomed.port, env: relayEnv(), args: ['--origin', DECK_ORIGIN] });
  }, 30_000);

  it(`counts a phone's digits across relay processes: ${DIGITS / 2} through one and ${DIGITS / 2} through another, then no more through either`, async () => {
    await presenting();
    const phone = phones[0]!;
    const { token, phone: id } = phone.welcomes.at(-1)!;
    const [viaA, viaB] = quota.map((relay) => client(relay.url, { role: 'follower', token }));
    const welcomes = await Promise.all([welcomed(viaA!), welcomed(viaB!)]);
    expect(welcomes.map((welcome) => welcome.phone)).toEqual([id, id]);
    const digits = collect(deck.socket, 'digit');

    /** Sends one digit and says what became of it: passed on to the presenter, refused (and why), or neither. */
    const send = async (socket: Client): Promise<string> => {
      const before = digits.length;
      let refusal: Refused | undefined;
      const onRefused = (refused: Refused) => {
        if (refused.event === 'digit') refusal = refused;
      };
      socket.on('refused', onRefused);
      socket.emit('digit', { pixels: Array<number>(784).fill(0.5), label: 3 });
      await eventually(() => digits.length > before || refusal !== undefined, 2500, 'an answer to a digit').catch(() => {});
      socket.off('refused', onRefused);
      const forwarded: ForwardedDigit | undefined = digits[before];
      if (refusal) return `refused: ${refusal.reason}`;
      if (forwarded) return forwarded.from === id ? 'forwarded' : `forwarded from another phone (${forwarded.from})`;
      return 'neither forwarded nor refused';
    };
    const outcomes: string[] = [];
    const order = [viaA!, viaA!, viaA!, viaB!, viaB!, viaB!, viaA!, viaB!];
    for (const [i, socket] of order.entries()) {
      const sentAt = Date.now();
      outcomes.push(await send(socket));
      // One digit every DIGIT_RATE.everyMs per phone. The relay starts the wait when it passes a digit on, which may be
      // well after it arrived on a busy machine: the next digit goes a margin after the last was sent and was answered.
      if (i < order.length - 1) await sleep(Math.max(sentAt + DIGIT_RATE.everyMs + 100, Date.now() + DIGIT_RATE.everyMs + 50) - Date.now());
    }
    const quotaRefusal = expect.stringMatching(new RegExp(`^refused: .*\\b${DIGITS} digits\\b`));
    expect(outcomes).toEqual([...Array<string>(DIGITS).fill('forwarded'), quotaRefusal, quotaRefusal]);
    viaA!.disconnect();
    viaB!.disconnect();
    await Promise.all(quota.map((relay) => relay.stop()));
  }, 45_000);

  it("passes a phone's votes through either relay to the presenter as the same phone, so that it counts once", async () => {
    await presenting();
    const { token, phone: id } = phones[1]!.welcomes.at(-1)!;
    const [viaA, viaB] = relays.map((relay) => client(relay.url, { role: 'follower', token }, { extraHeaders: { origin: DECK_ORIGIN } }));
    await Promise.all([welcomed(viaA!), welcomed(viaB!)]);
    const votes = collect(deck.socket, 'vote');
    viaA!.emit('vote', { poll: 'scale-poll', option: 0 });
    viaB!.emit('vote', { poll: 'scale-poll', option: 1 });
    await eventually(() => votes.length >= 2, 3000, 'two votes at the presenter').catch(() => {});
    expect(votes.map((vote) => [vote.from, vote.option]).sort()).toEqual([
      [id, 0],
      [id, 1],
    ]);
    viaA!.disconnect();
    viaB!.disconnect();
  }, 15_000);

  it('keeps every relay running while Redis is gone, says so at /healthz, and brings every phone the next move within 5 s of Redis back', async () => {
    await presenting();
    // Only the 200 phones: the sockets of the tests before have left.
    const followers = async () => (await healths()).map((counts) => counts.followers as number);
    await eventually(async () => (await followers()).reduce((a, b) => a + b) === PHONES, 3000, `${PHONES} phones on the relays`);
    // Phones on both relays: the kill brought them all to one. A phone that reconnects goes to the relay with fewer connections.
    // nginx leaves a relay that failed out for its fail_timeout (5 s), so a phone may need a few tries to reach the restarted one.
    for (let tries = 0; tries < 6 && (await followers()).some((count) => count < PHONES / 4); tries++) {
      if (tries > 0) await sleep(1000);
      const moving = phones.slice(0, PHONES / 2);
      const counts = new Map(moving.map((phone) => [phone, phone.welcomes.length]));
      for (const phone of moving) phone.socket.disconnect().connect();
      await eventually(() => moving.every((phone) => phone.welcomes.length > counts.get(phone)!), 10_000, 'the phones reconnected');
    }
    const before = await healths();
    const holder = before.findIndex((counts) => counts.presenters === 1);
    expect(holder, `presenters per relay: ${before.map((counts) => counts.presenters).join(', ')}`).not.toBe(-1);
    expect(before.map((counts) => (counts.followers as number) > 0)).toEqual([true, true]);
    deck.socket.emit('place', place('before-outage', 3));
    await eventually(() => reached('before-outage') === PHONES, 3000, 'the move before the outage').catch(() => {});
    expect(reached('before-outage')).toBe(PHONES);

    await redis.stop();
    let seen: Record<string, unknown>[] = [];
    await eventually(
      async () => (seen = await healths()).every((counts) => counts.redis === 'gone'),
      5000,
      "every relay's /healthz saying Redis is gone",
    ).catch(() => {});
    expect.soft(seen.map((counts) => counts.redis)).toEqual(['gone', 'gone']);
    deck.socket.emit('place', place('during-outage', 4));
    const local = before[holder]!.followers as number;
    await eventually(() => reached('during-outage') >= local, 3000, "the move reaching the presenter's relay's phones").catch(() => {});
    expect
      .soft(reached('during-outage'), "phones on the presenter's relay that received a move while Redis was gone")
      .toBeGreaterThanOrEqual(before[holder]!.followers as number);
    expect(exited(), 'relays that exited').toEqual([]);

    redis = await startRedis(redis.port);
    const backAt = Date.now();
    const after = (phone: Phone) => phone.places.some((p) => p.slide.startsWith('after-outage-'));
    for (let n = 0; Date.now() - backAt < 5000 && !phones.every(after); n++) {
      deck.socket.emit('place', place(`after-outage-${n}`, 5));
      await sleep(250);
    }
    expect.soft(phones.filter(after).length, `phones that received a move within ${Date.now() - backAt} ms of Redis back`).toBe(PHONES);
    await eventually(
      async () => (seen = await healths()).every((counts) => counts.redis !== 'gone'),
      5000,
      "every relay's /healthz saying Redis is back",
    ).catch(() => {});
    expect.soft(seen.map((counts) => counts.redis !== 'gone')).toEqual([true, true]);
    expect(exited(), 'relays that exited').toEqual([]);
  }, 40_000);
});
