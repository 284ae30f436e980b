/**
 * The relay against a hostile hall: what an attacker on the room's network
 * did to the relay before it was hardened, each tried again. Made-up
 * presenters open no room and hold no memory; a presenter's states are
 * capped in bytes; one address cannot fill the hall nor keep the presenter
 * out; phones cannot choose who they are, nor mint identities fast enough to
 * stuff a poll; a crowd's votes are capped per room; and a page on a name
 * that resolves to the laptop (DNS rebinding) is refused.
 *
 * Different addresses are played through X-Forwarded-For, which the relay
 * reads only when told it sits behind a proxy (`trustProxy`).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RelayStats } from '../../src/room/relay.ts';
import { cleanUp, client, collect, KEY, next, phone, presenter, relayProcess, startRelay, until, welcomed } from './room-helpers.ts';

afterEach(cleanUp);

/** A socket as if from `address`, behind the proxy the relay trusts. */
const from = (address: string) => ({ extraHeaders: { 'x-forwarded-for': address } });

describe('made-up presenters', () => {
  it('open no room and leave nothing behind: a key the relay was not given is refused like a wrong one', async () => {
    const relay = await relayProcess({});
    try {
      const before = await relay.ask<{ heapUsed: number }>({ type: 'heap' });
      const refusals: string[] = [];
      // Each of these, at 67a3f7a, opened a room of its own and could keep 32 states of 64 KiB in it as parsed objects.
      for (let i = 0; i < 40; i++) {
        const socket = client(relay.url, { role: 'presenter', key: randomBytes(24).toString('base64url') });
        refusals.push(
          await welcomed(socket).then(
            () => 'welcomed',
            (error: Error) => error.message,
          ),
        );
        socket.disconnect();
      }
      expect(new Set(refusals)).toEqual(new Set(['This presenter key opens no room on this relay: use the link the relay printed.']));
      const stats = await relay.ask<RelayStats>({ type: 'stats' });
      expect(stats).toMatchObject({ rooms: 0, presenters: 0, stateBytes: 0, rejected: { unknown: 40 } });
      // The one real key still opens its room.
      expect((await presenter(relay.url, KEY)).welcome.role).toBe('presenter');
      const after = await relay.ask<{ heapUsed: number }>({ type: 'heap' });
      expect(after.heapUsed - before.heapUsed).toBeLessThan(4 * 1024 * 1024);
    } finally {
      await relay.stop();
    }
  });

  it("keeps the real presenter's states as the text they came as, capped in bytes per room and for the relay", async () => {
    const relay = await relayProcess({ RELAY_LIMITS: JSON.stringify({ roomStateBytes: 400 * 1024, relayStateBytes: 64 * 1024 * 1024 }) });
    try {
      const { socket: deck } = await presenter(relay.url);
      const before = await relay.ask<{ heapUsed: number }>({ type: 'heap' });
      // The shape that cost the most as parsed objects: about 21,000 empty objects in 64 KiB of JSON.
      const empties = Array.from({ length: 21_000 }, () => ({}));
      const bytes = JSON.stringify(empties).length;
      const refusals = collect(deck, 'refused');
      for (let i = 0; i < 8; i++) deck.emit('state', { key: `heavy-${i}`, value: empties });
      await until(() => refusals.length === 2, 5000, 'two refusals');
      expect(refusals[0]!.reason).toMatch(/A room keeps at most 400 KiB of state/);
      const stats = await relay.ask<RelayStats>({ type: 'stats' });
      expect(stats.stateBytes).toBe(6 * bytes);
      const after = await relay.ask<{ heapUsed: number }>({ type: 'heap' });
      // Six states of text are 6 × 63 KiB; as objects they were about 8 MiB.
      expect(after.heapUsed - before.heapUsed).toBeLessThan(2 * 1024 * 1024);
      // Freeing one makes room for another, and a phone joining late gets them all back as JSON values.
      const watcher = await phone(relay.url);
      deck.emit('state', { key: 'heavy-0', value: null });
      deck.emit('state', { key: 'small', value: { counts: [1, 2] } });
      // A barrier: the relay handles the deck's messages in order, so once the watcher has the place, the states are kept.
      const barrier = next(watcher.socket, 'place');
      deck.emit('place', { slide: 'barrier', h: 0, v: 0, f: -1 });
      await barrier;
      const late = await phone(relay.url);
      expect(Object.keys(late.welcome.states).sort()).toEqual(['heavy-1', 'heavy-2', 'heavy-3', 'heavy-4', 'heavy-5', 'small']);
      expect(late.welcome.states['small']).toEqual({ counts: [1, 2] });
    } finally {
      await relay.stop();
    }
  });
});

describe('one address', () => {
  it('cannot fill the hall: sockets are capped per address, and a presenter with the key is admitted when the hall is full', async () => {
    const { url, relay } = await startRelay({
      trustProxy: true,
      limits: { connectionsPerAddress: 4, connections: 6, presenterReserve: 2 },
    });
    const crowd = await Promise.all(Array.from({ length: 4 }, () => phone(url, {}, from('10.0.0.66'))));
    expect(crowd).toHaveLength(4);
    // Refused at the WebSocket's upgrade, before Socket.IO could carry a reason: the relay counts it.
    await expect(welcomed(client(url, { role: 'follower' }, from('10.0.0.66')))).rejects.toThrow();
    expect(relay.stats().rejected.address).toBe(1);
    // An honest phone from elsewhere in the hall is still admitted, up to the hall's size.
    await phone(url, {}, from('10.0.0.7'));
    await phone(url, {}, from('10.0.0.8'));
    await expect(welcomed(client(url, { role: 'follower' }, from('10.0.0.9')))).rejects.toThrow(/The room is full/);
    // The presenter, reconnecting to a full hall, is admitted on its reserve.
    const deck = await presenter(url, KEY, from('10.0.0.10'));
    expect(deck.welcome).toMatchObject({ role: 'presenter', followers: 6 });
    expect(relay.stats().rejected).toMatchObject({ address: 1, full: 1 });
  });

  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as its IPv4 address', async () => {
    const { addressKey } = await import('../../src/room/relay.ts');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:ffff:1:2:3'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:192.168.1.5')).toBe('192.168.1.5');
    expect(addressKey('192.168.1.5')).toBe('192.168.1.5');
  });
});

describe('phones’ identities', () => {
  it('are issued by the relay: an id a phone makes up is ignored, and a forged token buys a new identity, not the one it names', async () => {
    const { url } = await startRelay();
    const { socket: deck } = await presenter(url);
    const honest = await phone(url);
    const votes = collect(deck, 'vote');
    // What used to make 100 voters from one process: the same socket, or many, naming ids of their own.
    const madeUp = await welcomed(client(url, { role: 'follower', phone: 'made-up-phone-001' }));
    expect(madeUp.token).toBeDefined();
    expect(madeUp.phone).not.toMatch(/made-up/);
    const [id] = honest.token.split('.');
    const forged = await phone(url, { token: `${id}.${'A'.repeat(22)}` });
    expect(forged.token).not.toBe(honest.token);
    expect(forged.welcome.phone).not.toBe(honest.welcome.phone);
    // The honest phone, back with its token, is the same voter as before.
    honest.socket.disconnect();
    const back = await phone(url, { token: honest.token });
    expect(back.welcome.phone).toBe(honest.welcome.phone);
    back.socket.emit('vote', { poll: 'activation', option: 1 });
    await until(() => votes.length === 1);
    expect(votes[0]!.from).toBe(honest.welcome.phone);
  });

  it('are limited per address per minute: a script cannot mint thousands, while phones that keep their token come back', async () => {
    let clock = 5_000_000;
    const { url, relay } = await startRelay({
      trustProxy: true,
      now: () => clock,
      limits: { newPhonesPerAddress: { tokens: 10, everyMs: 60_000, burst: 10 } },
    });
    const minted = [];
    for (let i = 0; i < 10; i++) minted.push(await phone(url, {}, from('10.1.1.1')));
    await expect(welcomed(client(url, { role: 'follower' }, from('10.1.1.1')))).rejects.toThrow(
      /Too many new phones have joined from this network in the last minute: try again in 6 s/,
    );
    // Known phones are not new: they come back whatever the allowance. Another network has its own.
    await expect(phone(url, { token: minted[0]!.token }, from('10.1.1.1'))).resolves.toBeDefined();
    await expect(phone(url, {}, from('10.2.2.2'))).resolves.toBeDefined();
    clock += 6_000;
    await expect(phone(url, {}, from('10.1.1.1'))).resolves.toBeDefined();
    expect(relay.stats().rejected.identities).toBe(1);
  });

  it('cap the votes a room passes on per second, whatever the number of phones, with a reason for each phone refused', async () => {
    const { url } = await startRelay({ limits: { roomVotes: { tokens: 5, everyMs: 60_000, burst: 5 } } });
    const { socket: deck } = await presenter(url);
    const votes = collect(deck, 'vote');
    const phones = await Promise.all(Array.from({ length: 8 }, () => phone(url)));
    const refusals = phones.map(({ socket }) => collect(socket, 'refused'));
    for (const { socket } of phones) socket.emit('vote', { poll: 'activation', option: 0 });
    await until(() => votes.length + refusals.flat().length === 8);
    expect(votes).toHaveLength(5);
    expect(refusals.flat().map((refused) => refused.reason)).toEqual(
      Array(3).fill('Too many votes are arriving at once: wait a second and vote again.'),
    );
  });
});

describe('DNS rebinding', () => {
  it('refuses a page whose origin is its own Host when that Host does not name this machine', async () => {
    const names = new Set(['localhost', '127.0.0.1']);
    const { url, port, relay } = await startRelay({
      allowNoOrigin: false,
      hosts: (host) => host !== undefined && names.has(host.replace(/:\d+$/, '')),
    });
    const page = (name: string) =>
      welcomed(client(url, { role: 'follower' }, { extraHeaders: { origin: `http://${name}:${port}`, host: `${name}:${port}` } }));
    // At 67a3f7a, rebind.example (resolving to the laptop) was its own origin, and admitted.
    await expect(page('rebind.example')).rejects.toThrow();
    expect(relay.stats().rejected.origin).toBe(1);
    await expect(page('127.0.0.1')).resolves.toMatchObject({ role: 'follower' });
    const deck = await presenter(url, KEY, { extraHeaders: { origin: `http://localhost:${port}`, host: `localhost:${port}` } });
    expect(deck.welcome.role).toBe('presenter');
  });
});
