/**
 * The static server of `npm start`, the browser tests and the bench
 * (scripts/serve.ts): cross-origin isolation headers on every response, the
 * base path, the network addresses the follow-along QR code asks for, the
 * room's relay under the base path, and what it says when it cannot start.
 * Also what a hostile client on the network, or a page on a rebinding
 * domain, can do to it: byte ranges that once stopped the server, methods
 * other than GET and HEAD, a Host that names another machine, requests Node
 * cannot parse, and errors while serving. And the presenter key, kept across
 * restarts and refused when weak. Each test starts a server on a free port
 * over a tiny built folder, fetches, and stops it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { request, ServerResponse, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { io as connectTo, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  banner,
  networkAddresses,
  parseRange,
  parseServeArgs,
  serve,
  ServeError,
  type RunningServer,
  type ServeOptions,
} from '../../scripts/serve.ts';
import { MAKE_KEY } from '../../src/room/keys.ts';
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
/** Where the tests keep presenter keys: never the user's own state folder, and outside the served folder. */
let state = '';
let running: RunningServer | undefined;

/** Ten bytes to take ranges of, with the compressed siblings the build writes beside every text file. */
const DIGITS = '0123456789';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'serve-test-'));
  state = mkdtempSync(join(tmpdir(), 'serve-test-state-'));
  mkdirSync(join(dir, '_astro'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>deck</title>');
  writeFileSync(join(dir, '_astro', 'worker-abc.js'), 'postMessage(1);');
  writeFileSync(join(dir, '_astro', 'tfjs-backend-wasm-threaded-simd.x.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(join(dir, 'digits.txt'), DIGITS);
  writeFileSync(join(dir, 'digits.txt.gz'), gzipSync(DIGITS));
  writeFileSync(join(dir, 'digits.txt.br'), brotliCompressSync(DIGITS));
  writeFileSync(join(dir, 'empty.txt'), '');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
});

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
  keyFile: join(state, 'room.json'),
  ...overrides,
});

async function start(overrides: Partial<ServeOptions> = {}): Promise<RunningServer> {
  running = await serve(options(overrides), INTERFACES);
  return running;
}

/** A Socket.IO client of the room, as a page served at `origin` would open it. */
function roomClient(
  origin: string,
  path: string,
  auth: Record<string, unknown>,
  headers: Record<string, string> = { origin },
  transports: ('websocket' | 'polling')[] = ['websocket'],
) {
  const socket: Socket<ServerToClient, ClientToServer> = connectTo(origin, {
    path,
    auth,
    transports,
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

/** An answer as `node:http` reads it: the status, the headers and the body's bytes, nothing decoded. */
interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A request sent with `node:http`, which, unlike fetch, sends any method and
 * any Host header, and decodes nothing. Rejects when the connection breaks.
 */
function raw(port: number, path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: 'localhost', port, path, method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
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

describe('the static server, to a hostile client', () => {
  it('answers a range that ends before it starts with 416, and goes on serving (sirv 3.0.2 threw, and the server stopped)', async () => {
    const { port } = await start();
    const backwards = await raw(port, '/digits.txt', { headers: { range: 'bytes=10-5' } });
    expect(backwards.status).toBe(416);
    expect(backwards.headers['content-range']).toBe('bytes */10');
    expect(backwards.body).toHaveLength(0);
    expect((await raw(port, '/index.html', { headers: { range: 'bytes=30-5' } })).status).toBe(416);
    expect((await raw(port, '/digits.txt')).status).toBe(200);
  });

  it('answers a suffix range with the last bytes, and the other single ranges with theirs, of the file itself', async () => {
    const { port } = await start();
    for (const [range, bytes, contentRange] of [
      ['bytes=-5', '56789', 'bytes 5-9/10'],
      ['bytes=-50', DIGITS, 'bytes 0-9/10'],
      ['bytes=2-4', '234', 'bytes 2-4/10'],
      ['bytes=7-', '789', 'bytes 7-9/10'],
      ['bytes=8-100', '89', 'bytes 8-9/10'],
      ['bytes=0-1', '01', 'bytes 0-1/10'],
      ['bytes=9-9', '9', 'bytes 9-9/10'],
      ['Bytes=3-3', '3', 'bytes 3-3/10'],
    ]) {
      // The browser accepts compressed answers: a range is still of the file itself, not of its .br or .gz sibling.
      const response = await raw(port, '/digits.txt', { headers: { range: range!, 'accept-encoding': 'gzip, br' } });
      expect(response.status, range).toBe(206);
      expect(response.headers['content-encoding'], range).toBeUndefined();
      expect(response.headers['content-range'], range).toBe(contentRange);
      expect(response.body.toString(), range).toBe(bytes);
    }
  });

  it('answers a malformed or unsatisfiable range with 416 and the size of the file', async () => {
    const { port } = await start();
    for (const range of [
      'bytes=10-',
      'bytes=99-100',
      'bytes=-0',
      'bytes=a-b',
      'bytes=5',
      'bytes=--5',
      'bytes=1-2-3',
      'bytes=',
      'rubbish',
    ]) {
      const response = await raw(port, '/digits.txt', { headers: { range } });
      expect(response.status, range).toBe(416);
      expect(response.headers['content-range'], range).toBe('bytes */10');
    }
    const empty = await raw(port, '/empty.txt', { headers: { range: 'bytes=-5' } });
    expect(empty.status).toBe(416);
    expect(empty.headers['content-range']).toBe('bytes */0');
  });

  it('sends the whole file for several ranges, another unit, If-Range, and bytes=0-0, which sirv cannot send alone', async () => {
    const { port } = await start();
    for (const headers of [
      { range: 'bytes=0-1,3-4' } as Record<string, string>,
      { range: 'items=0-1' },
      { range: 'bytes=2-4', 'if-range': 'W/"10-1"' },
      { range: 'bytes=0-0' },
    ]) {
      const response = await raw(port, '/digits.txt', { headers });
      expect(response.status, headers.range).toBe(200);
      expect(response.headers['content-range'], headers.range).toBeUndefined();
      expect(response.body.toString(), headers.range).toBe(DIGITS);
    }
  });

  it('still sends the compressed sibling the browser accepts when no range is asked for', async () => {
    const { port } = await start();
    const brotli = await raw(port, '/digits.txt', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.body).toEqual(readFileSync(join(dir, 'digits.txt.br')));
    expect((await raw(port, '/digits.txt', { headers: { 'accept-encoding': 'gzip' } })).headers['content-encoding']).toBe('gzip');
  });

  it('answers only GET and HEAD: any other method gets 405 and the methods it may use', async () => {
    const { port } = await start();
    for (const method of ['POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'PATCH']) {
      for (const path of ['/', '/digits.txt', '/__deck/address.json', '/missing']) {
        const response = await raw(port, path, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.allow, `${method} ${path}`).toBe('GET, HEAD');
        expect(response.body.toString()).not.toContain('deck');
      }
    }
    const head = await raw(port, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toHaveLength(0);
  });

  it('says nosniff, and that no other site may frame the deck, on every answer', async () => {
    const { port } = await start();
    for (const [path, method, status] of [
      ['/', 'GET', 200],
      ['/digits.txt', 'GET', 200],
      ['/missing.js', 'GET', 404],
      ['/__deck/address.json', 'GET', 200],
      ['/', 'POST', 405],
    ] as const) {
      const response = await raw(port, path, { method });
      expect(response.status, path).toBe(status);
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      // 'self', not 'none': the speaker view frames the deck from a window of the deck's own origin.
      expect(response.headers['content-security-policy'], path).toBe("frame-ancestors 'self'");
    }
    const range = await raw(port, '/digits.txt', { headers: { range: 'bytes=10-5' } });
    expect(range.headers['x-content-type-options']).toBe('nosniff');
    // The relay's answers too, which Socket.IO sends before the static server sees the request.
    const polling = await raw(port, '/__room/?EIO=4&transport=polling', { headers: { origin: `http://localhost:${port}` } });
    expect(polling.status).toBe(200);
    expect(polling.headers['x-content-type-options']).toBe('nosniff');
  });

  it('lets other sites frame the deck when asked (--embeddable), still with nosniff', async () => {
    const { port } = await start({ embeddable: true });
    const response = await raw(port, '/');
    expect(response.headers['content-security-policy']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it("refuses with 421 a request whose Host names another machine (DNS rebinding), and answers this machine's names", async () => {
    const { port } = await start({ allowedHosts: ['deck.example.org'] });
    for (const host of [`rebind.example:${port}`, 'rebind.example', `192.168.1.5.rebind.example:${port}`, `192.168.1.9:${port}`]) {
      for (const path of ['/', '/__deck/address.json', '/digits.txt']) {
        const response = await raw(port, path, { headers: { host } });
        expect(response.status, `${host} ${path}`).toBe(421);
        expect(response.headers['content-type']).toContain('text/plain');
        expect(response.body.toString()).toMatch(/^Misdirected request: this server answers only to the names of the machine it runs on/);
      }
    }
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      `192.168.1.5:${port}`,
      `10.0.0.7:${port}`,
      `deck.example.org:${port}`,
      'DECK.example.org.',
    ])
      expect((await raw(port, '/', { headers: { host } })).status, host).toBe(200);
  });

  it('keeps a page on a rebinding domain out of the room, though its Origin matches its Host', async () => {
    const { port } = await start();
    const auth = { role: 'follower', phone: 'serve-test-phone' };
    const rebound = { origin: `http://rebind.example:${port}`, host: `rebind.example:${port}` };
    await expect(welcomed(roomClient(`http://localhost:${port}`, '/__room/', auth, rebound))).rejects.toThrow();
    await expect(welcomed(roomClient(`http://localhost:${port}`, '/__room/', auth, rebound, ['polling']))).rejects.toThrow();
    const lan = { origin: `http://192.168.1.5:${port}`, host: `192.168.1.5:${port}` };
    await expect(welcomed(roomClient(`http://localhost:${port}`, '/__room/', auth, lan))).resolves.toMatchObject({ role: 'follower' });
  });

  it('lets a phone join over HTTP long-polling, whose messages are POSTs that the relay answers before the 405', async () => {
    const { port } = await start();
    const origin = `http://localhost:${port}`;
    const phone = roomClient(origin, '/__room/', { role: 'follower', phone: 'serve-test-phone' }, { origin }, ['polling']);
    await expect(welcomed(phone)).resolves.toMatchObject({ role: 'follower' });
    expect(phone.io.engine.transport.name).toBe('polling');
  });

  it('gives the relay its limits', async () => {
    const { port, relay } = await start({ relayLimits: { connections: 0, presenterReserve: 0 } });
    const origin = `http://localhost:${port}`;
    await expect(welcomed(roomClient(origin, '/__room/', { role: 'follower', phone: 'serve-test-phone' }))).rejects.toThrow();
    expect(relay!.stats().rejected.full).toBe(1);
  });

  it('answers a request Node cannot parse with 400 and nosniff, and closes the connection', async () => {
    const { port } = await start();
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, 'localhost', () => socket.write('GARBAGE\r\n\r\n'));
      socket.on('data', (chunk) => (text += String(chunk)));
      socket.on('close', () => resolve(text));
      socket.on('error', (error) => (text ? resolve(text) : reject(error)));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('\r\nX-Content-Type-Options: nosniff\r\n');
    expect((await raw(port, '/')).status).toBe(200);
  });

  it('answers 500 to an error while serving, logs it without the address or the query, and goes on serving', async () => {
    const lines: string[] = [];
    const { port } = await start({ log: (line) => lines.push(line) });
    // The first response the server starts, sirv's answer with the page, fails.
    const writeHead = vi.spyOn(ServerResponse.prototype, 'writeHead').mockImplementationOnce((): never => {
      throw new Error('the disk is on fire');
    });
    let failed: RawResponse;
    try {
      failed = await raw(port, '/?presenter=the-key-in-the-query');
    } finally {
      writeHead.mockRestore();
    }
    expect(failed.status).toBe(500);
    expect(failed.headers['x-content-type-options']).toBe('nosniff');
    expect(failed.body.toString()).toBe('Internal server error\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Could not serve GET \/: Error: the disk is on fire\n/);
    expect(lines[0]).not.toMatch(/127\.0\.0\.1|::1|::ffff|localhost/);
    expect(lines[0]).not.toContain('the-key-in-the-query');
    expect((await raw(port, '/')).status).toBe(200);
  });

  it('cuts the answer short when a file went away since the start, logs why, and goes on serving', async () => {
    const lines: string[] = [];
    writeFileSync(join(dir, 'vanishing.txt'), 'soon gone');
    const { port } = await start({ log: (line) => lines.push(line) });
    rmSync(join(dir, 'vanishing.txt'));
    await expect(raw(port, '/vanishing.txt')).rejects.toThrow();
    expect(lines).toEqual([expect.stringMatching(/^Could not serve GET \/vanishing\.txt: Error: ENOENT/)]);
    expect(lines[0]).not.toMatch(/127\.0\.0\.1|::1|::ffff/);
    expect((await raw(port, '/')).status).toBe(200);
  });

  it('reads ranges as RFC 9110 says, for a file of ten bytes', () => {
    expect(parseRange('bytes=-5', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=2-4', 10)).toEqual({ start: 2, end: 4 });
    expect(parseRange('bytes=2-', 10)).toEqual({ start: 2, end: 9 });
    expect(parseRange('bytes=2-999999999999999999999', 10)).toEqual({ start: 2, end: 9 });
    expect(parseRange('bytes= 2-4 ', 10)).toEqual({ start: 2, end: 4 });
    expect(parseRange('bytes=10-5', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=1.5-2', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1, 4-5', 10)).toBe('ignore');
    expect(parseRange('lines=0-1', 10)).toBe('ignore');
  });
});

describe('the presenter key', () => {
  it('is kept across restarts, with the relay secret, in a file of this user alone', async () => {
    const keyFile = join(state, 'kept', 'room.json');
    const first = await start({ keyFile });
    expect(first.presenterUrl).toMatch(/\?presenter=[A-Za-z0-9_-]{32}$/);
    expect(first.keyFile).toBe(keyFile);
    const room = first.relay!.defaultRoom;
    await running?.close();
    const second = await start({ keyFile });
    const keyOf = (url: string | undefined) => new URL(url!).searchParams.get('presenter');
    expect(keyOf(second.presenterUrl)).toBe(keyOf(first.presenterUrl));
    // The room's id is an HMAC of the key under the secret: the same id, the same secret.
    expect(second.relay!.defaultRoom).toBe(room);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(state, 'kept')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(keyFile, 'utf8'))).toMatchObject({ key: keyOf(first.presenterUrl) });
  });

  it('is made afresh, with a new room, when asked (--new-key)', async () => {
    const keyFile = join(state, 'afresh', 'room.json');
    const first = await start({ keyFile });
    const room = first.relay!.defaultRoom;
    const key = new URL(first.presenterUrl!).searchParams.get('presenter');
    await running?.close();
    const second = await start({ keyFile, newKey: true });
    const newKey = new URL(second.presenterUrl!).searchParams.get('presenter');
    expect(newKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newKey).not.toBe(key);
    expect(second.relay!.defaultRoom).not.toBe(room);
    expect(JSON.parse(readFileSync(keyFile, 'utf8'))).toMatchObject({ key: newKey });
  });

  it('is DECK_PRESENTER_KEY when given, kept with the kept secret', async () => {
    const keyFile = join(state, 'given', 'room.json');
    await start({ keyFile });
    await running?.close();
    const key = 'Vq3-kR9_tZ1xLm7PwB4nYc8sHd2Jf6Ga';
    const { presenterUrl, local } = await start({ keyFile, presenterKey: key });
    expect(presenterUrl).toBe(`${local}?presenter=${key}`);
    expect(JSON.parse(readFileSync(keyFile, 'utf8'))).toMatchObject({ key });
  });

  it('is refused a place inside the served folder, where anyone could download it', async () => {
    await expect(serve(options({ keyFile: join(dir, 'state', 'room.json') }), INTERFACES)).rejects.toThrow(
      /would be kept in .*inside the served folder/,
    );
  });

  it('lasts as long as the server when it cannot be kept, with a warning that says why', async () => {
    const { presenterUrl, keyFile, keyWarning } = await start({ keyFile: '/dev/null/state/room.json' });
    expect(presenterUrl).toMatch(/\?presenter=[A-Za-z0-9_-]{32}$/);
    expect(keyFile).toBeUndefined();
    expect(keyWarning).toMatch(
      /^Could not keep the presenter key in \/dev\/null\/state\/room\.json: .*This key lasts until the server stops/,
    );
  });

  it('is not kept without the relay', async () => {
    const keyFile = join(state, 'no-relay', 'room.json');
    const { keyFile: kept } = await start({ keyFile, relay: false });
    expect(kept).toBeUndefined();
    expect(() => statSync(keyFile)).toThrow();
  });
});

describe("the server's command line", () => {
  it('reads the port as the first argument, as the old callers pass it, or as --port', () => {
    expect(parseServeArgs([], {}).port).toBe(4321);
    expect(parseServeArgs(['4322'], {}).port).toBe(4322);
    expect(parseServeArgs(['--port', '4390'], {}).port).toBe(4390);
  });

  it('takes the folder and the base path from DIST_DIR and BASE_PATH unless --dir and --base say otherwise', () => {
    expect(parseServeArgs([], {})).toEqual({
      dir: 'dist',
      base: '/',
      port: 4321,
      host: false,
      isolation: true,
      keyFile: join(homedir(), '.local', 'state', 'intro-to-deep-learning', 'room.json'),
    });
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

  it('serves no room with --no-relay, and takes the presenter key from DECK_PRESENTER_KEY if it is hard to guess', () => {
    expect(parseServeArgs(['--no-relay'], {})).toMatchObject({ relay: false });
    expect(parseServeArgs([], {}).relay).not.toBe(false);
    const key = 'Vq3-kR9_tZ1xLm7PwB4nYc8sHd2Jf6Ga';
    expect(parseServeArgs([], { DECK_PRESENTER_KEY: key }).presenterKey).toBe(key);
    expect(parseServeArgs([], {}).presenterKey).toBeUndefined();
  });

  it('refuses a DECK_PRESENTER_KEY that is easy to guess, and says how to make a good one', () => {
    for (const key of ['too-short', ' '.repeat(16), 'a'.repeat(16), 'a'.repeat(64), 'lecture-2025-key', 'a-key-of-sixteen']) {
      const attempt = () => parseServeArgs([], { DECK_PRESENTER_KEY: key });
      expect(attempt, JSON.stringify(key)).toThrow(ServeError);
      expect(attempt, JSON.stringify(key)).toThrow(
        /^DECK_PRESENTER_KEY is too easy to guess: it is worth about \d+ bits by a simple estimate, and at least 96/,
      );
      expect(attempt).toThrow(MAKE_KEY);
    }
    expect(() => parseServeArgs([], { DECK_PRESENTER_KEY: `${'Vq3-kR9_tZ1xLm7PwB4nYc8sHd2Jf6Ga'}\u00e9` })).toThrow(/only printable ASCII/);
  });

  it('keeps the key in DECK_STATE_DIR, else the XDG state folder, else ~/.local/state, and starts afresh with --new-key', () => {
    expect(parseServeArgs([], { DECK_STATE_DIR: '/srv/deck-state' }).keyFile).toBe('/srv/deck-state/room.json');
    expect(parseServeArgs([], { XDG_STATE_HOME: '/x/state' }).keyFile).toBe('/x/state/intro-to-deep-learning/room.json');
    expect(parseServeArgs([], { HOME: '/home/me' }).keyFile).toBe('/home/me/.local/state/intro-to-deep-learning/room.json');
    expect(parseServeArgs(['--new-key'], {})).toMatchObject({ newKey: true });
    expect(parseServeArgs([], {}).newKey).toBeUndefined();
  });

  it('answers to the names of --allow-host and DECK_ALLOWED_HOSTS too, and refuses what is not a name', () => {
    expect(
      parseServeArgs(['--allow-host', 'deck.example.org', '--allow-host', 'proxy.local'], {
        DECK_ALLOWED_HOSTS: ' a.example, b.example:8080,',
      }),
    ).toMatchObject({
      allowedHosts: ['deck.example.org', 'proxy.local', 'a.example', 'b.example:8080'],
    });
    expect(parseServeArgs([], {}).allowedHosts).toBeUndefined();
    expect(() => parseServeArgs(['--allow-host', 'https://deck.example.org/'], {})).toThrow(
      /"https:\/\/deck\.example\.org\/" is not a host name/,
    );
  });

  it('lets other sites frame the deck with --embeddable or DECK_EMBEDDABLE=1', () => {
    expect(parseServeArgs(['--embeddable'], {})).toMatchObject({ embeddable: true });
    expect(parseServeArgs([], { DECK_EMBEDDABLE: '1' })).toMatchObject({ embeddable: true });
    expect(parseServeArgs([], { DECK_EMBEDDABLE: '0' }).embeddable).toBeUndefined();
    expect(parseServeArgs([], {}).embeddable).toBeUndefined();
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

  it('says where the key is kept and how to start afresh, and what went wrong with it', () => {
    const presenterUrl = 'http://localhost:4321/?presenter=k3y';
    const kept = banner(
      { ...options(), dir: 'dist' },
      { local: 'http://localhost:4321/', network: [], presenterUrl, keyFile: '/home/me/.local/state/intro-to-deep-learning/room.json' },
    );
    expect(kept.at(-1)).toBe(
      '  Key:      kept in /home/me/.local/state/intro-to-deep-learning/room.json, so that phones find the room after a restart; to start afresh: npm start -- --new-key',
    );
    const lost = banner(
      { ...options(), dir: 'dist' },
      { local: 'http://localhost:4321/', network: [], presenterUrl, keyWarning: 'It broke.' },
    );
    expect(lost.at(-1)).toBe('  Warning:  It broke.');
  });
});
