/**
 * The static server of `npm start`, the browser tests and the bench
 * (scripts/serve.ts): cross-origin isolation headers on every response, the
 * base path, the network addresses the follow-along QR code asks for, the
 * room's relay under the base path, and what it says when it cannot start.
 * Each test starts a server on a free port over a tiny built folder,
 * fetches, and stops it.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connectTo, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { banner, networkAddresses, parseServeArgs, serve, ServeError, type RunningServer, type ServeOptions } from '../../scripts/serve.ts';
import type { ClientToServer, ServerToClient, Welcome } from '../../src/room/protocol.ts';

const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/** A machine with a loopback, one Wi-Fi address (IPv4 and IPv6) and a second network. */
const INTERFACES: Record<string, NetworkInterfaceInfo[]> = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  wlan0: [
    { address: '192.168.1.5', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.168.1.5/24' },
    {
      address: 'fe80::1',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: '02:00:00:00:00:01',
      internal: false,
      cidr: 'fe80::1/64',
      scopeid: 2,
    },
  ],
  eth0: [{ address: '10.0.0.7', netmask: '255.0.0.0', family: 'IPv4', mac: '02:00:00:00:00:02', internal: false, cidr: '10.0.0.7/8' }],
};

let dir = '';
let running: RunningServer | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'serve-test-'));
  mkdirSync(join(dir, '_astro'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>deck</title>');
  writeFileSync(join(dir, '_astro', 'worker-abc.js'), 'postMessage(1);');
  writeFileSync(join(dir, '_astro', 'tfjs-backend-wasm-threaded-simd.x.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await running?.close();
  running = undefined;
});

const options = (overrides: Partial<ServeOptions> = {}): ServeOptions => ({
  dir,
  base: '/',
  port: 0,
  host: false,
  isolation: true,
  ...overrides,
});

async function start(overrides: Partial<ServeOptions> = {}): Promise<RunningServer> {
  running = await serve(options(overrides), INTERFACES);
  return running;
}

/** A Socket.IO client of the room, as a page served at `origin` would open it. */
function roomClient(origin: string, path: string, auth: Record<string, unknown>, headers: Record<string, string> = { origin }) {
  const socket: Socket<ServerToClient, ClientToServer> = connectTo(origin, {
    path,
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
  });
  sockets.push(socket);
  return socket;
}

function welcomed(socket: Socket<ServerToClient, ClientToServer>): Promise<Welcome> {
  return new Promise((resolve, reject) => {
    socket.once('welcome', resolve);
    socket.once('connect_error', reject);
  });
}

const isolationOf = (response: Response) => Object.fromEntries(Object.keys(ISOLATION).map((name) => [name, response.headers.get(name)]));

describe('the static server', () => {
  it("sends COOP, COEP and CORP with the page, the training worker's script and the wasm binary", async () => {
    const { local } = await start();
    for (const [path, type] of [
      ['', 'text/html'],
      ['_astro/worker-abc.js', 'javascript'],
      ['_astro/tfjs-backend-wasm-threaded-simd.x.wasm', 'application/wasm'],
    ] as const) {
      const response = await fetch(new URL(path, local));
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain(type);
      expect(isolationOf(response), path).toEqual(ISOLATION);
    }
  });

  it('sends the isolation headers with a not-found answer too', async () => {
    const { local } = await start();
    const response = await fetch(new URL('missing.js', local));
    expect(response.status).toBe(404);
    expect(isolationOf(response)).toEqual(ISOLATION);
  });

  it('sends no isolation headers with --no-isolation, like a plain static host', async () => {
    const { local } = await start({ isolation: false });
    const response = await fetch(local);
    expect(response.status).toBe(200);
    expect(isolationOf(response)).toEqual({
      'cross-origin-opener-policy': null,
      'cross-origin-embedder-policy': null,
      'cross-origin-resource-policy': null,
    });
  });

  it('serves the site under its base path only, and redirects the base path without its slash', async () => {
    const { local, port } = await start({ base: '/intro-to-deep-learning/' });
    expect(local).toBe(`http://localhost:${port}/intro-to-deep-learning/`);
    expect((await fetch(local)).status).toBe(200);
    expect((await fetch(new URL('_astro/worker-abc.js', local))).status).toBe(200);
    const outside = await fetch(`http://localhost:${port}/index.html`);
    expect(outside.status).toBe(404);
    expect(await outside.text()).toContain('/intro-to-deep-learning/');
    const bare = await fetch(`http://localhost:${port}/intro-to-deep-learning?x=1`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/intro-to-deep-learning/?x=1');
  });

  it('answers address.json with no network address when it listens on localhost only', async () => {
    const { local } = await start();
    const response = await fetch(new URL('__deck/address.json', local));
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(isolationOf(response)).toEqual(ISOLATION);
    expect(await response.json()).toEqual({ network: [] });
  });

  it('answers address.json, under the base path, with every IPv4 network address when it listens with --host', async () => {
    const { local, port, network } = await start({ host: true, base: '/intro-to-deep-learning/' });
    const expected = [`http://192.168.1.5:${port}/intro-to-deep-learning/`, `http://10.0.0.7:${port}/intro-to-deep-learning/`];
    expect(network).toEqual(expected);
    expect(await (await fetch(new URL('__deck/address.json', local))).json()).toEqual({ network: expected });
  });

  it('attaches the room under the base path, where a phone follows the presenter who opened the deck with its key', async () => {
    const key = 'serve-test-presenter-key-0123';
    const { local, port, presenterUrl } = await start({ base: '/intro-to-deep-learning/', presenterKey: key });
    expect(presenterUrl).toBe(`${local}?presenter=${key}`);
    const origin = `http://localhost:${port}`;
    const deck = roomClient(origin, '/intro-to-deep-learning/__room/', { role: 'presenter', key });
    expect(await welcomed(deck)).toMatchObject({ role: 'presenter' });
    const phone = roomClient(origin, '/intro-to-deep-learning/__room/', { role: 'follower', phone: 'serve-test-phone' });
    expect(await welcomed(phone)).toMatchObject({ role: 'follower', presenter: true });
    const moved = new Promise((resolve) => phone.once('place', resolve));
    deck.emit('place', { slide: 'title', h: 0, v: 0, f: -1 });
    expect(await moved).toEqual({ slide: 'title', h: 0, v: 0, f: -1 });
  });

  it("admits only the deck's own origin to the room", async () => {
    const { port } = await start();
    const auth = { role: 'follower', phone: 'serve-test-phone' };
    await expect(
      welcomed(roomClient(`http://localhost:${port}`, '/__room/', auth, { origin: 'https://elsewhere.example' })),
    ).rejects.toThrow();
    await expect(welcomed(roomClient(`http://localhost:${port}`, '/__room/', auth, {}))).rejects.toThrow();
    await expect(welcomed(roomClient(`http://localhost:${port}`, '/__room/', auth))).resolves.toMatchObject({ role: 'follower' });
  });

  it('makes a new presenter key at each start unless one is given', async () => {
    const first = (await start()).presenterUrl;
    await running?.close();
    const second = (await start()).presenterUrl;
    expect(first).toMatch(/\?presenter=[A-Za-z0-9_-]{24}$/);
    expect(second).toMatch(/\?presenter=[A-Za-z0-9_-]{24}$/);
    expect(second).not.toBe(first);
  });

  it('serves no room with --no-relay', async () => {
    const { local, presenterUrl, relay } = await start({ relay: false });
    expect(presenterUrl).toBeUndefined();
    expect(relay).toBeUndefined();
    expect((await fetch(new URL('__room/?EIO=4&transport=polling', local))).status).toBe(404);
  });

  it('says to build the site when the folder holds no build', async () => {
    await expect(serve(options({ dir: join(dir, 'nothing-here') }))).rejects.toThrow(
      /does not exist: build the site first with `npm run build`/,
    );
  });

  it('says which port is taken and how to pick another', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, 'localhost', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const attempt = serve(options({ port }));
      await expect(attempt).rejects.toBeInstanceOf(ServeError);
      await expect(attempt).rejects.toThrow(`Port ${port} is already in use`);
      await expect(attempt).rejects.toThrow(`--port ${port + 1}`);
    } finally {
      blocker.close();
    }
  });
});

describe("the server's command line", () => {
  it('reads the port as the first argument, as the old callers pass it, or as --port', () => {
    expect(parseServeArgs([], {}).port).toBe(4321);
    expect(parseServeArgs(['4322'], {}).port).toBe(4322);
    expect(parseServeArgs(['--port', '4390'], {}).port).toBe(4390);
  });

  it('takes the folder and the base path from DIST_DIR and BASE_PATH unless --dir and --base say otherwise', () => {
    expect(parseServeArgs([], {})).toEqual({ dir: 'dist', base: '/', port: 4321, host: false, isolation: true });
    expect(parseServeArgs([], { DIST_DIR: 'dist-base', BASE_PATH: '/intro-to-deep-learning' })).toMatchObject({
      dir: 'dist-base',
      base: '/intro-to-deep-learning/',
    });
    expect(parseServeArgs(['--dir', 'out', '--base', 'deck'], { DIST_DIR: 'dist-base', BASE_PATH: '/x/' })).toMatchObject({
      dir: 'out',
      base: '/deck/',
    });
  });

  it('listens on every interface with --host, and drops the headers with --no-isolation', () => {
    expect(parseServeArgs(['--host', '--no-isolation'], {})).toMatchObject({ host: true, isolation: false });
  });

  it('serves no room with --no-relay, and takes the presenter key from DECK_PRESENTER_KEY if it is long enough', () => {
    expect(parseServeArgs(['--no-relay'], {})).toMatchObject({ relay: false });
    expect(parseServeArgs([], {}).relay).not.toBe(false);
    expect(parseServeArgs([], { DECK_PRESENTER_KEY: 'a-key-of-sixteen' }).presenterKey).toBe('a-key-of-sixteen');
    expect(() => parseServeArgs([], { DECK_PRESENTER_KEY: 'too-short' })).toThrow(/DECK_PRESENTER_KEY must be at least 16 characters/);
  });

  it('refuses an unknown option or a port that is not a number, and shows how to call it', () => {
    expect(() => parseServeArgs(['--hots'], {})).toThrow(/Unknown option '--hots'[\s\S]*Usage: node scripts\/serve\.ts/);
    expect(() => parseServeArgs(['--port', 'http'], {})).toThrow(/The port must be a number from 0 to 65535, not "http"/);
  });

  it('lists the network addresses without loopback or IPv6, with the base path', () => {
    expect(networkAddresses(4321, '/', INTERFACES)).toEqual(['http://192.168.1.5:4321/', 'http://10.0.0.7:4321/']);
    expect(networkAddresses(80, 'deck', { lo: INTERFACES.lo! })).toEqual([]);
  });

  it('prints the local address, and every network address with --host', () => {
    const withHost = banner(
      { ...options({ host: true }), dir: 'dist' },
      { local: 'http://localhost:4321/', network: ['http://192.168.1.5:4321/'] },
    );
    expect(withHost).toEqual([
      'Serving dist/ cross-origin isolated (COOP/COEP), so WebAssembly can use threads.',
      '  Local:    http://localhost:4321/',
      '  Network:  http://192.168.1.5:4321/',
    ]);
    const local = banner({ ...options(), dir: 'dist' }, { local: 'http://localhost:4321/', network: [] });
    expect(local.at(-1)).toBe('  Network:  use --host to serve the room too (npm start -- --host)');
  });

  it("prints the presenter's address with its key, and with --host where phones go", () => {
    const presenterUrl = 'http://localhost:4321/?presenter=k3y';
    const local = banner({ ...options(), dir: 'dist' }, { local: 'http://localhost:4321/', network: [], presenterUrl });
    expect(local.at(-1)).toBe('  Presenter: http://localhost:4321/?presenter=k3y  (open this on the projector; keep it to yourself)');
    const withHost = banner(
      { ...options({ host: true }), dir: 'dist' },
      { local: 'http://localhost:4321/', network: ['http://192.168.1.5:4321/'], presenterUrl },
    );
    expect(withHost.slice(-3)).toEqual([
      '  Network:  http://192.168.1.5:4321/',
      '  Presenter: http://localhost:4321/?presenter=k3y  (open this on the projector; keep it to yourself)',
      "  Phones:   open the Network address above, or scan the deck's follow-along QR code",
    ]);
  });
});
