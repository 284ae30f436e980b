/**
 * The relay under a flood of everything a broken or hostile client can send:
 * malformed and wrong-typed payloads, unknown events and ones named like
 * Socket.IO's reserved events, binary attachments, acknowledgement
 * callbacks, extra arguments, deep nesting, payloads over the relay's limits
 * and over Socket.IO's buffer (which closes that connection, as it should),
 * and raw engine.io frames of garbage. A seeded generator makes it
 * repeatable: a failure names its seed.
 *
 * The relay runs in a child process (tests/fixtures/relay-process.ts), with
 * its rate limits lifted so that every message reaches the checks behind
 * them, and reports its heap after garbage collection. Afterwards it must be
 * alive, still serve a fresh phone the presenter's place within a second,
 * and hold no more memory than before the flood.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { mulberry32 } from '../../src/lib/random.ts';
import type { Place } from '../../src/room/protocol.ts';
import type { RelayStats } from '../../src/room/relay.ts';
import { cleanUp, next, phone, pixels, presenter, relayProcess, sleep, type Client, type RelayProcess } from './room-helpers.ts';

const SEED = 20_240_917;
/** Rounds of the flood; each sends a burst from one follower socket and one raw connection. */
const ROUNDS = 160;
const PER_ROUND = 30;
/**
 * The heap may grow this much over the flood. What the relay keeps per
 * connection is released when the connection closes, and what it keeps per
 * room and per phone is bounded, so the heap after the flood should be the
 * heap before it within V8's noise (a few hundred KiB of compiled code and
 * caches, about 1 MB of slack in new space); 8 MB is far below what the
 * flood would leave if anything it sent were kept (about 14,000 messages,
 * a good part of them tens of KiB).
 */
const HEAP_GROWTH_LIMIT = 8 * 1024 * 1024;

/** mulberry32: a small seeded generator, so that a failing flood can be replayed. */
const random = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const integer = (max: number) => Math.floor(random() * max);

const EVENTS = ['digit', 'vote', 'place', 'state', 'reply', 'take-over', 'welcome', 'refused', 'digits', 'Digit', 'x'.repeat(300), ''];
const ODD_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'then', 'error', 'connection', 'ping', 'pong'];
const RESERVED = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener', 'error'];

/** A random value of JSON's types and a few that JSON does not have. */
function junk(depth = 0): unknown {
  switch (integer(depth > 3 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return pick([0, -1, 1.5, 1e308, -0, 2 ** 53, 784, 9, 10, Number.NaN]);
    case 2:
      return pick(['', 'a', '0.5', '<script>', '\u0000', '𝟘', 'x'.repeat(integer(2000))]);
    case 3:
      return random() < 0.5;
    case 4:
      return undefined;
    case 5:
      return Buffer.from([1, 2, 3]);
    case 6:
      return Array.from({ length: integer(5) }, () => junk(depth + 1));
    case 7:
      return Object.fromEntries(
        Array.from({ length: integer(5) }, () => [
          pick(['pixels', 'label', 'poll', 'option', '__proto__', 'key', 'value', 'slide', 'x']),
          junk(depth + 1),
        ]),
      );
    default:
      return {
        pixels: Array.from({ length: pick([0, 783, 784, 785]) }, () => pick([0, 0.5, 1, 2, -1, '1', null])),
        label: junk(depth + 1),
      };
  }
}

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { pixels: value };
  return value;
}

/** One message a broken or hostile phone might send through a Socket.IO client: an event and its arguments. */
function message(): [string, ...unknown[]] {
  switch (integer(12)) {
    case 0:
      return ['digit', { pixels: pixels(integer(100)), label: integer(10) }];
    case 1:
      return ['vote', { poll: pick(['activation', 'Bad', '']), option: pick([0, 15, 16, -1, 1.5]) }];
    case 2:
      return [
        pick(['place', 'state', 'reply', 'take-over']),
        { slide: 'hijacked', h: 0, v: 0, f: 0, key: 'wall', value: 'x', to: 'AAAAAAAAAAAAAAAA', kind: 'x' },
      ];
    case 3:
      return [pick([...EVENTS, ...ODD_NAMES]), junk()];
    case 4:
      return [pick(['digit', 'vote', 'state']), { pixels: Buffer.alloc(784), label: 1, value: new Uint8Array(integer(4000)) }];
    case 5:
      return [pick(['digit', 'state', 'vote']), nested(pick([33, 200, 2000]))];
    case 6:
      // Larger than Socket.IO's buffer: the relay closes this connection, and the flood goes on with a new one.
      return random() < 0.15
        ? ['digit', { pixels: 'x'.repeat(90 * 1024), label: 1 }]
        : ['digit', { pixels: 'x'.repeat(30 * 1024), label: 1 }];
    case 7:
      return [pick(['digit', 'vote']), junk(), () => {}];
    case 8:
      return [pick(['digit', 'vote']), { poll: 'activation', option: 1 }, junk(), junk(), () => {}];
    case 9:
      return [pick(['digit', 'vote'])];
    case 10:
      return [pick(['digit', 'vote']), pick([0, 'digit', null, true, [], [[]], -1])];
    default:
      return [pick(EVENTS), ...Array.from({ length: integer(4) }, () => junk())];
  }
}

/** A raw engine.io frame: garbage, a Socket.IO packet with a reserved or odd event name, a broken binary packet, or random bytes. */
function frame(): string | Buffer {
  switch (integer(10)) {
    case 0:
      return Array.from({ length: integer(200) }, () => String.fromCharCode(integer(0x250))).join('');
    case 1:
      return `4${pick(['', '2', '2[', '2["digit"', '2{}', '2null', '2[null]', '2[]', '2[1,2]', '3["x"]', '37[]', '0/other,', '0{"role":"presenter","key":"short"}', '1', '5', '6', '9'])}`;
    case 2:
      return `42${JSON.stringify([pick([...RESERVED, ...ODD_NAMES]), junk()])}`;
    case 3:
      return `42${Math.floor(random() * 1e6)}${JSON.stringify(['digit', junk()])}`;
    case 4:
      return `4${pick(['5', '6'])}${pick([1, 3, 11, 100])}-${JSON.stringify(['digit', { pixels: { _placeholder: true, num: pick([0, 5, -1, 'x']) }, label: 1 }])}`;
    case 5:
      return Buffer.from(Array.from({ length: integer(300) }, () => integer(256)));
    case 6:
      return pick(['2', '3', '5', '6', '1', '0', '', '7', '8{}']);
    case 7:
      return `42["digit",${'['.repeat(5000)}${']'.repeat(5000)}]`;
    case 8:
      return `42${JSON.stringify(['vote', { poll: 'activation', option: 1 }])}`;
    default:
      return `42${JSON.stringify([pick(EVENTS), junk()]).slice(0, integer(80))}`;
  }
}

let relay: RelayProcess;
let deck: Client;

beforeAll(async () => {
  relay = await relayProcess({
    RELAY_LIMITS: JSON.stringify({
      followerMessages: { tokens: 1e6, everyMs: 1000, burst: 1e6 },
      dropsPerConnection: 1e9,
      pendingPerConnection: 1e6,
    }),
  });
  deck = (await presenter(relay.url)).socket;
}, 15_000);

afterAll(async () => {
  await cleanUp();
  await relay?.stop();
});

/** A raw engine.io connection over websocket that opens the room's namespace as a phone, then sends whatever it is given. */
function raw(url: string): Promise<WebSocket> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/__room/?EIO=4&transport=websocket`);
    socket.on('error', () => {});
    socket.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('0')) socket.send(`40${JSON.stringify({ role: 'follower' })}`);
      else if (text === '2') socket.send('3');
    });
    socket.once('open', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

/** Sends one round of the flood; returns how many messages it sent. */
async function round(phones: Client[], raws: WebSocket[], url: string, index: number): Promise<number> {
  const slot = index % phones.length;
  let follower = phones[slot]!;
  if (!follower.connected) {
    follower.disconnect();
    follower = (await phone(url)).socket;
    phones[slot] = follower;
  }
  let socket = raws[slot]!;
  if (socket.readyState !== WebSocket.OPEN) {
    socket.terminate();
    socket = await raw(url);
    raws[slot] = socket;
  }
  for (let i = 0; i < PER_ROUND; i++) {
    const [event, ...args] = message();
    (follower.emit as (event: string, ...args: unknown[]) => void)(event, ...args);
    if (socket.readyState === WebSocket.OPEN) socket.send(frame());
  }
  // Let the relay read what was sent before the next burst, as a crowd's phones would.
  await sleep(5);
  return PER_ROUND * 2;
}

async function flood(url: string, rounds: number): Promise<number> {
  const phones = await Promise.all(Array.from({ length: 6 }, () => phone(url).then(({ socket }) => socket)));
  const raws = await Promise.all(Array.from({ length: 6 }, () => raw(url)));
  let sent = 0;
  for (let i = 0; i < rounds; i++) sent += await round(phones, raws, url, i);
  // Some raw HTTP too: polling requests with no session, a bad one, or garbage.
  for (let i = 0; i < 20; i++) {
    const body = random() < 0.5 ? undefined : String(frame());
    await fetch(
      `${url}/__room/?EIO=4&transport=polling${pick(['', '&sid=nope', '&EIO=3'])}`,
      body === undefined ? {} : { method: 'POST', body },
    ).catch(() => {});
  }
  for (const socket of phones) socket.disconnect();
  for (const socket of raws) socket.terminate();
  return sent;
}

describe('the relay under a flood of malformed messages', () => {
  it('stays up, serves a fresh phone within a second, and holds no more memory afterwards', async () => {
    // A short flood first, so that what is compiled and cached once is in the baseline, not counted as growth.
    await flood(relay.url, 20);
    await sleep(200);
    const before = await relay.ask<{ heapUsed: number }>({ type: 'heap' });

    const sent = await flood(relay.url, ROUNDS);
    expect(sent).toBeGreaterThan(5000);
    await sleep(300);

    const stats = await relay.ask<RelayStats>({ type: 'stats' });
    expect(relay.child.exitCode, `the relay process died (seed ${SEED})`).toBeNull();
    // Thousands reached the relay's checks (the rest closed their connections, as garbage frames do), and most were dropped.
    expect(stats.received).toBeGreaterThan(3000);
    expect(stats.dropped.invalid + stats.dropped.unknown + stats.dropped.oversize).toBeGreaterThan(stats.received / 2);

    const fresh = await phone(relay.url);
    const arriving = next(fresh.socket, 'place', 1000);
    const place: Place = { slide: 'after-the-flood', h: 9, v: 0, f: -1 };
    deck.emit('place', place);
    expect(await arriving).toEqual(place);
    fresh.socket.disconnect();
    await sleep(300);

    const after = await relay.ask<{ heapUsed: number }>({ type: 'heap' });
    const growth = after.heapUsed - before.heapUsed;
    expect(growth, `the heap grew by ${(growth / 1024 / 1024).toFixed(1)} MB over the flood (seed ${SEED})`).toBeLessThan(
      HEAP_GROWTH_LIMIT,
    );
    expect(deck.connected).toBe(true);
  });
});
