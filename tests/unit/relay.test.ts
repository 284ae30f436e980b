/**
 * The room's relay (src/room/relay.ts), in one process: each test starts a
 * relay on a free loopback port and plays the presenter's deck and the
 * phones with real Socket.IO clients. What it checks is what the lecture
 * needs: phones follow the presenter, only the presenter moves the room,
 * phones' digits and votes reach the presenter anonymously and within their
 * limits, one presenter window at a time, rooms apart, and a restart the
 * phones live through.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Place } from '../../src/room/protocol.ts';
import { parseRelayArgs, relayBanner, startRelayServer } from '../../scripts/relay.ts';
import {
  cleanUp,
  client,
  collect,
  KEY,
  next,
  OTHER_KEY,
  phone,
  pixels,
  presenter,
  roomOf,
  sleep,
  startRelay,
  until,
  welcomed,
} from './room-helpers.ts';

afterEach(cleanUp);

const place = (slide: string, f = -1): Place => ({ slide, h: 3, v: 0, f });

describe('following the presenter', () => {
  it("sends the presenter's place to every phone in the room", async () => {
    const { url } = await startRelay();
    const { socket: deck } = await presenter(url);
    const phones = await Promise.all([phone(url), phone(url), phone(url)]);
    const arriving = phones.map(({ socket }) => next(socket, 'place'));
    deck.emit('place', place('gradient-descent', 1));
    for (const received of await Promise.all(arriving)) expect(received).toEqual(place('gradient-descent', 1));
  });

  it('tells a phone that joins late the latest place and states in its welcome', async () => {
    const { url } = await startRelay();
    const { socket: deck } = await presenter(url);
    const early = await phone(url);
    const moves = collect(early.socket, 'place');
    deck.emit('place', place('intro'));
    deck.emit('state', { key: 'poll:activation', value: { counts: [3, 1] } });
    deck.emit('place', place('mnist', 2));
    await until(() => moves.length === 2);
    const late = await phone(url);
    expect(late.welcome).toMatchObject({
      role: 'follower',
      room: roomOf(KEY),
      place: place('mnist', 2),
      states: { 'poll:activation': { counts: [3, 1] } },
      presenter: true,
    });
  });

  it('forgets a state the presenter sets to null, and keeps at most 32', async () => {
    const { url } = await startRelay();
    const { socket: deck } = await presenter(url);
    for (let i = 0; i < 32; i++) deck.emit('state', { key: `s${i}`, value: i });
    const refused = next(deck, 'refused');
    deck.emit('state', { key: 'one-too-many', value: 1 });
    expect((await refused).reason).toMatch(/at most 32 states/);
    const watcher = await phone(url);
    deck.emit('state', { key: 's0', value: null });
    deck.emit('state', { key: 'one-more', value: 2 });
    // A barrier: the relay handles a window's messages in order, so once the place after them arrives, they are kept.
    const barrier = next(watcher.socket, 'place');
    deck.emit('place', place('barrier'));
    await barrier;
    const { welcome } = await phone(url);
    expect(Object.keys(welcome.states)).toHaveLength(32);
    expect(welcome.states).not.toHaveProperty('s0');
    expect(welcome.states).toHaveProperty('one-more', 2);
  });

  it('connects over long polling too, upgrading as a browser does', async () => {
    const { url } = await startRelay();
    const { socket: deck } = await presenter(url);
    const { socket } = await phone(url, {}, { transports: ['polling', 'websocket'] });
    const arriving = next(socket, 'place');
    deck.emit('place', place('polling'));
    expect(await arriving).toEqual(place('polling'));
  });
});

describe('who may say what', () => {
  it('moves nobody when a phone sends a crafted place, state or reply, and counts them as dropped', async () => {
    const { url, relay } = await startRelay();
    const { socket: deck } = await presenter(url);
    const attacker = await phone(url);
    const victim = await phone(url);
    const seen = { place: collect(victim.socket, 'place'), state: collect(victim.socket, 'state'), reply: collect(victim.socket, 'reply') };
    const forwarded = collect(deck, 'digit');
    attacker.socket.emit('place', place('hijacked'));
    attacker.socket.emit('state', { key: 'wall', value: 'hijacked' });
    attacker.socket.emit('reply', { to: victim.welcome.phone!, kind: 'probabilities', value: [1] });
    (attacker.socket.emit as (event: string, ...args: unknown[]) => void)('take-over', {});
    (attacker.socket.emit as (event: string, ...args: unknown[]) => void)('digits', { pixels: pixels(), label: 1 });
    await until(() => relay.stats().dropped.unknown >= 5, 2000, 'five dropped messages');
    // A barrier: anything the relay had passed on to the victim would have reached it before the presenter's next move.
    deck.emit('place', place('barrier'));
    await until(() => seen.place.length > 0);
    expect(seen).toEqual({ place: [place('barrier')], state: [], reply: [] });
    expect(forwarded).toEqual([]);
    expect((await phone(url)).welcome.place).toEqual(place('barrier'));
  });

  it('refuses a digit that is not in shape, with a reason, and passes nothing on', async () => {
    const { url, relay } = await startRelay();
    const { socket: deck } = await presenter(url);
    const { socket } = await phone(url);
    const forwarded = collect(deck, 'digit');
    const refused = next(socket, 'refused');
    socket.emit('digit', { pixels: [...pixels(), 0.5], label: 3 });
    expect(await refused).toMatchObject({ event: 'digit', reason: expect.stringMatching(/784/) });
    expect(relay.stats().dropped.invalid).toBe(1);
    expect(forwarded).toEqual([]);
  });

  it("closes a phone that sends more than Socket.IO's buffer holds, counts it as oversize, and serves the others on", async () => {
    const { url, relay } = await startRelay();
    const { socket: deck } = await presenter(url);
    const greedy = await phone(url);
    const other = await phone(url);
    const closed = new Promise((resolve) => greedy.socket.once('disconnect', resolve));
    greedy.socket.emit('digit', { pixels: 'x'.repeat(100 * 1024) as unknown as number[], label: 1 });
    await closed;
    await until(() => relay.stats().dropped.oversize === 1);
    const arriving = next(other.socket, 'place');
    deck.emit('place', place('still-here'));
    expect(await arriving).toEqual(place('still-here'));
  });

  it('refuses a page from a foreign origin, and admits the page from its own origin and the configured ones', async () => {
    const { url, port, relay } = await startRelay({ allowNoOrigin: false, origins: ['https://deck.example.org'] });
    const attempt = (origin?: string) =>
      welcomed(client(url, { role: 'follower' }, origin === undefined ? {} : { extraHeaders: { origin } }), 2000);
    await expect(attempt('https://evil.example.com')).rejects.toThrow();
    await expect(attempt()).rejects.toThrow();
    await expect(attempt(`http://localhost:${port}`)).rejects.toThrow();
    expect(relay.stats().rejected.origin).toBe(3);
    await expect(attempt(`http://127.0.0.1:${port}`)).resolves.toMatchObject({ role: 'follower' });
    await expect(attempt('https://deck.example.org')).resolves.toMatchObject({ role: 'follower' });
  });

  it('says why it refuses a handshake: no default room, a short key, no role, or a room it does not hold', async () => {
    const { url } = await startRelay({ presenterKey: undefined });
    await expect(welcomed(client(url, { role: 'follower' }))).rejects.toThrow(/no default room/);
    await expect(welcomed(client(url, { role: 'presenter', key: 'short' }))).rejects.toThrow(/16 to 256 characters/);
    await expect(welcomed(client(url, { role: 'nobody' }))).rejects.toThrow(/who is connecting/);
    await expect(welcomed(client(url, { role: 'follower', room: 'not a room' }))).rejects.toThrow(/room id/);
    await expect(welcomed(client(url, { role: 'follower', room: 'AAAAAAAAAAAAAAAA' }))).rejects.toThrow(/not one this relay holds/);
    const { welcome } = await presenter(url, OTHER_KEY);
    await expect(phone(url, { room: welcome.room })).resolves.toMatchObject({ welcome: { role: 'follower', room: welcome.room } });
  });
});

describe("phones' digits and votes", () => {
  it("forwards digits and votes to the presenter with the phone's anonymous id, never its own", async () => {
    const { url } = await startRelay();
    const { socket: deck } = await presenter(url);
    const { socket, token, welcome } = await phone(url);
    const digit = next(deck, 'digit');
    socket.emit('digit', { pixels: pixels(), label: 7 });
    expect(await digit).toEqual({ from: welcome.phone, pixels: pixels(), label: 7 });
    const vote = next(deck, 'vote');
    socket.emit('vote', { poll: 'activation', option: 2 });
    expect(await vote).toEqual({ from: welcome.phone, poll: 'activation', option: 2 });
    expect(welcome.phone).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(token).not.toContain(welcome.phone);
  });

  it('refuses a second digit within three seconds with the seconds to wait, and passes it after', async () => {
    let clock = 1_000_000;
    const { url, relay } = await startRelay({ now: () => clock });
    const { socket: deck } = await presenter(url);
    const forwarded = collect(deck, 'digit');
    const { socket } = await phone(url);
    socket.emit('digit', { pixels: pixels(), label: 1 });
    await until(() => forwarded.length === 1);
    clock += 1000;
    const refused = next(socket, 'refused');
    socket.emit('digit', { pixels: pixels(), label: 2 });
    expect(await refused).toEqual({ event: 'digit', reason: 'One digit every 3 seconds: wait 2 s and send it again.' });
    clock += 2000;
    socket.emit('digit', { pixels: pixels(), label: 3 });
    await until(() => forwarded.length === 2);
    expect(forwarded.map((digit) => digit.label)).toEqual([1, 3]);
    expect(relay.stats().dropped.limited).toBe(1);
  });

  it("refuses a phone's twenty-first digit, also when it reconnects with its token", async () => {
    let clock = 1_000_000;
    // The presenter's lease runs on the same clock: ticks of a minute keep it while the clock jumps 60 s.
    const { url } = await startRelay({ now: () => clock, limits: { tickMs: 60_000 } });
    const { socket: deck } = await presenter(url);
    const forwarded = collect(deck, 'digit');
    let current = await phone(url);
    const token = current.token;
    for (let i = 0; i < 20; i++) {
      if (i === 12) {
        current.socket.disconnect();
        current = await phone(url, { token });
      }
      current.socket.emit('digit', { pixels: pixels(i), label: i % 10 });
      await until(() => forwarded.length === i + 1);
      clock += 3000;
    }
    current.socket.disconnect();
    const again = await phone(url, { token });
    expect(again.token).toBe(token);
    const refused = next(again.socket, 'refused');
    again.socket.emit('digit', { pixels: pixels(), label: 0 });
    expect((await refused).reason).toBe('That is 20 digits from this phone, the most one phone may send in this lecture.');
    const other = await phone(url);
    other.socket.emit('digit', { pixels: pixels(), label: 0 });
    await until(() => forwarded.length === 21);
    expect(forwarded.filter((digit) => digit.from === again.welcome.phone)).toHaveLength(20);
  });

  it('caps the digits a room passes on per second, whatever the number of phones', async () => {
    const { url } = await startRelay({ limits: { roomDigits: { tokens: 3, everyMs: 60_000, burst: 3 } } });
    const { socket: deck } = await presenter(url);
    const forwarded = collect(deck, 'digit');
    const phones = await Promise.all(Array.from({ length: 5 }, () => phone(url)));
    const refusals = phones.map(({ socket }) => collect(socket, 'refused'));
    for (const { socket } of phones) socket.emit('digit', { pixels: pixels(), label: 4 });
    await until(() => refusals.flat().length === 2);
    expect(forwarded).toHaveLength(3);
    expect(refusals.flat()[0]!.reason).toMatch(/Too many digits are arriving at once/);
  });

  it('refuses a digit while no presenter is connected, saying so', async () => {
    const { url } = await startRelay();
    const { socket } = await phone(url);
    const refused = next(socket, 'refused');
    socket.emit('digit', { pixels: pixels(), label: 5 });
    expect((await refused).reason).toMatch(/presenter's deck is not connected/);
  });

  it('sends a reply only to the phone it is addressed to, on each of its sockets', async () => {
    const { url } = await startRelay();
    const { socket: deck } = await presenter(url);
    const asker = await phone(url);
    const sameOnTablet = await phone(url, { token: asker.token });
    const bystander = await phone(url);
    const seenByBystander = collect(bystander.socket, 'reply');
    const digit = next(deck, 'digit');
    asker.socket.emit('digit', { pixels: pixels(), label: 8 });
    const { from } = await digit;
    const replies = [next(asker.socket, 'reply'), next(sameOnTablet.socket, 'reply')];
    deck.emit('reply', { to: from, kind: 'probabilities', value: [0, 0, 0, 0, 0, 0, 0, 0, 0.9, 0.1] });
    for (const reply of await Promise.all(replies))
      expect(reply).toEqual({ kind: 'probabilities', value: [0, 0, 0, 0, 0, 0, 0, 0, 0.9, 0.1] });
    // A barrier: a reply sent to the bystander would have reached it before the presenter's next move.
    const barrier = next(bystander.socket, 'place');
    deck.emit('place', place('barrier'));
    await barrier;
    expect(seenByBystander).toEqual([]);
  });
});

describe('presenter windows', () => {
  it('puts a second presenter window on standby, lets it take over, and tells the first it was replaced', async () => {
    const { url, relay } = await startRelay();
    const first = await presenter(url);
    expect(first.welcome).toMatchObject({ role: 'presenter', presenter: true, followers: 0 });
    const secondSocket = client(url, { role: 'presenter', key: KEY });
    const standby = next(secondSocket, 'standby');
    const secondWelcome = await welcomed(secondSocket);
    expect(secondWelcome.role).toBe('standby');
    expect((await standby).reason).toMatch(/Another presenter window is active/);
    const { socket: follower } = await phone(url);

    const refused = next(secondSocket, 'refused');
    secondSocket.emit('place', place('from-standby'));
    expect((await refused).reason).toMatch(/on standby/);

    const replaced = next(first.socket, 'replaced');
    const promoted = next(secondSocket, 'welcome');
    secondSocket.emit('take-over', {});
    expect((await promoted).role).toBe('presenter');
    expect((await replaced).reason).toMatch(/took over/);
    expect(relay.stats()).toMatchObject({ presenters: 1, standbys: 1 });

    const moves = collect(follower, 'place');
    // The old window's move is refused, which is the barrier: it was handled, and passed on to nobody.
    const oldRefused = next(first.socket, 'refused');
    first.socket.emit('place', place('from-old-window'));
    secondSocket.emit('place', place('from-new-window'));
    expect((await oldRefused).reason).toMatch(/on standby/);
    await until(() => moves.length === 1);
    expect(moves).toEqual([place('from-new-window')]);
  });

  it('tells phones when the presenter comes and goes', async () => {
    const { url } = await startRelay();
    const { socket: follower, welcome } = await phone(url);
    expect(welcome.presenter).toBe(false);
    const comes = next(follower, 'presenter');
    const deck = await presenter(url);
    expect(await comes).toEqual({ present: true });
    const goes = next(follower, 'presenter');
    deck.socket.disconnect();
    expect(await goes).toEqual({ present: false });
    expect((await phone(url)).welcome.presenter).toBe(false);
  });

  it('tells the presenter how many phones follow, at most once a tick', async () => {
    const { url } = await startRelay({ limits: { tickMs: 100 } });
    const { socket: deck } = await presenter(url);
    const counts = collect(deck, 'room');
    await Promise.all([phone(url), phone(url), phone(url)]);
    await until(() => counts.at(-1)?.followers === 3);
    const started = Date.now();
    await sleep(350);
    expect(counts.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 100) + 1);
    expect(counts.at(-1)).toEqual({ followers: 3, dropped: 0 });
  });

  it('keeps two rooms with different keys apart', async () => {
    const { url } = await startRelay();
    const one = await presenter(url);
    const two = await presenter(url, OTHER_KEY);
    expect(two.welcome.role).toBe('presenter');
    expect(two.welcome.room).not.toBe(one.welcome.room);
    const inOne = await phone(url);
    const inTwo = await phone(url, { room: two.welcome.room });
    const seenInOne = collect(inOne.socket, 'place');
    const digitsInOne = collect(one.socket, 'digit');
    const arriving = next(inTwo.socket, 'place');
    two.socket.emit('place', place('second-lecture'));
    expect(await arriving).toEqual(place('second-lecture'));
    const digit = next(two.socket, 'digit');
    inTwo.socket.emit('digit', { pixels: pixels(), label: 2 });
    await digit;
    // Barriers: the first room's own move and digit arrive, and nothing of the second room's came before them.
    one.socket.emit('place', place('first-lecture'));
    inOne.socket.emit('digit', { pixels: pixels(), label: 1 });
    await until(() => seenInOne.length > 0 && digitsInOne.length > 0);
    expect(seenInOne).toEqual([place('first-lecture')]);
    expect(digitsInOne.map((digit) => digit.label)).toEqual([1]);
  });
});

describe('restarts and privacy', () => {
  it('brings phones back after a restart on the same port, following once the presenter sends its place again', async () => {
    const first = await startRelay();
    const reconnecting = { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200, randomizationFactor: 0 };
    const deck = await presenter(first.url, KEY, reconnecting);
    const phones = await Promise.all([phone(first.url, {}, reconnecting), phone(first.url, {}, reconnecting)]);
    deck.socket.emit('place', place('before-restart'));
    await Promise.all(phones.map(({ socket }) => next(socket, 'place')));

    const rewelcomed = phones.map(({ socket }) => next(socket, 'welcome', 5000));
    const deckBack = next(deck.socket, 'welcome', 5000);
    await first.close();
    await startRelay({}, first.port);
    // The new relay knows nothing: the phones' welcome has no place until the deck sends it again.
    for (const welcome of await Promise.all(rewelcomed)) expect(welcome.place).toBeUndefined();
    expect((await deckBack).role).toBe('presenter');
    const arriving = phones.map(({ socket }) => next(socket, 'place'));
    deck.socket.emit('place', place('after-restart'));
    for (const received of await Promise.all(arriving)) expect(received).toEqual(place('after-restart'));
  });

  it("never shows a key or a phone's id in its stats or its log", async () => {
    const lines: string[] = [];
    const { url, relay } = await startRelay({ log: (line) => lines.push(line) });
    const deck = await presenter(url);
    await presenter(url);
    const { socket, token } = await phone(url);
    socket.emit('digit', { pixels: pixels(), label: 1 });
    await next(deck.socket, 'digit');
    deck.socket.disconnect();
    await until(() => relay.stats().presenters === 0);
    const text = JSON.stringify(relay.stats()) + lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [KEY, token, roomOf(KEY), '127.0.0.1']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[A-Za-z0-9_-]{16,}/);
  });
});

describe('the relay alone (scripts/relay.ts)', () => {
  it('answers / with what it is and /healthz with counts only, and admits a deck published at an origin it was given', async () => {
    const running = await startRelayServer(
      parseRelayArgs(['--port', '0', '--origin', 'https://deck.example.org'], { DECK_PRESENTER_KEY: KEY }),
    );
    try {
      const home = await fetch(running.local);
      expect(home.headers.get('content-type')).toContain('text/plain');
      expect(await home.text()).toMatch(/room relay/);
      const deck = await presenter(running.local.replace(/\/$/, ''), KEY, { extraHeaders: { origin: 'https://deck.example.org' } });
      expect(deck.welcome.role).toBe('presenter');
      const foreign = client(running.local, { role: 'follower' }, { extraHeaders: { origin: 'https://other.example.org' } });
      await expect(welcomed(foreign)).rejects.toThrow();
      const health = (await (await fetch(new URL('healthz', running.local))).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ presenters: 1, rejected: { origin: 1 } });
      expect(JSON.stringify(health)).not.toContain(KEY);
    } finally {
      await running.close();
    }
  });

  it('reads origins from --origin and RELAY_ORIGINS, and refuses an origin with a path or a short key', () => {
    const options = parseRelayArgs(['--origin', 'https://a.example.org', '--path', 'deck/__room'], {
      RELAY_ORIGINS: 'https://b.example.org, https://a.example.org',
    });
    expect(options).toMatchObject({ port: 4322, origins: ['https://a.example.org', 'https://b.example.org'], path: '/deck/__room/' });
    expect(() => parseRelayArgs(['--origin', 'https://a.example.org/deck/'], {})).toThrow(
      /not an origin: write it as https:\/\/a\.example\.org/,
    );
    expect(() => parseRelayArgs([], { DECK_PRESENTER_KEY: 'short' })).toThrow(/too easy to guess/);
    expect(() => parseRelayArgs([], { DECK_PRESENTER_KEY: 'lecture-2025-key' })).toThrow(/too easy to guess/);
    expect(() => parseRelayArgs([], { DECK_PRESENTER_KEY: 'a'.repeat(16) })).toThrow(/too easy to guess/);
    expect(() => parseRelayArgs([], { DECK_PRESENTER_KEYS: `${KEY},aaaaaaaaaaaaaaaaaaaa` })).toThrow(/Key 2 of DECK_PRESENTER_KEYS/);
  });

  it('prints a key it made up, so that the presenter can know it, but never a key it was given', () => {
    const options = parseRelayArgs([], {});
    const running = { local: 'http://localhost:4322/', network: ['http://192.168.1.5:4322/'], presenterKey: 'made-up-key-0123456789ab' };
    const made = relayBanner(options, { ...running, keyIsNew: true });
    expect(made.join('\n')).toContain('?presenter=made-up-key-0123456789ab');
    expect(made.join('\n')).toContain('RELAY_URL=http://192.168.1.5:4322 npm run build');
    expect(relayBanner(options, { ...running, keyIsNew: false }).join('\n')).not.toContain('made-up-key-0123456789ab');
  });
});
