/**
 * deploy/nginx.conf.template, checked header by header against a stand-in
 * relay that answers with what it received: what nginx tells a relay (the
 * phone's address, the Host, the WebSocket upgrade) cannot be seen from the
 * relay's side, yet the relay's limits per address and its Origin check
 * depend on it. The real relays behind it are tests/scale/scale.test.ts's.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNginxConfig } from '../../deploy/nginx.ts';
import { freePort, startNginx, stopServices, type NginxService } from './services.ts';

let echo: Server;
let nginx: NginxService;
/** The requests the stand-in relay received, in order. */
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  echo = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
  });
  // A WebSocket handshake: accepted, and answered with the headers it came with.
  echo.on('upgrade', (req, socket) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n${JSON.stringify(req.headers)}`);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  // The first relay is down: nothing listens on its port.
  const down = await freePort();
  nginx = await startNginx({ relays: [down, (echo.address() as AddressInfo).port] });
}, 20_000);

afterAll(async () => {
  await stopServices();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

/** A plain GET through nginx: its status and body. */
async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(`${nginx.url}${path}`, { headers });
  return { status: response.status, body: await response.text() };
}

/** A WebSocket handshake through nginx: the status line and what came after the response's headers. */
function upgrade(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${nginx.url}${path}`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.once('upgrade', (res, socket, head) => {
      let body = head.toString();
      socket.on('data', (chunk: Buffer) => (body += chunk.toString()));
      socket.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe("deploy/nginx.conf.template in front of the room's relays", () => {
  it('renders nothing that would break the configuration, and refuses what would', () => {
    expect(nginx.config).not.toMatch(/\{\{/);
    expect(() => renderNginxConfig({ relays: [], listen: 8080, runDir: '/tmp/x' })).toThrow(/at least one relay/);
    expect(() => renderNginxConfig({ relays: ['a; b'], listen: 8080, runDir: '/tmp/x' })).toThrow(/not a relay address/);
    expect(() => renderNginxConfig({ relays: [4322], listen: 8080, runDir: '/tmp/x; user root' })).toThrow(/must not hold/);
  });

  it("tells the relay the phone's address alone in X-Forwarded-For, replacing what the phone wrote, and keeps the Host it asked for", async () => {
    const { status, body } = await get('/healthz', { 'x-forwarded-for': '203.0.113.7, 198.51.100.1' });
    expect(status).toBe(200);
    const headers = JSON.parse(body) as IncomingHttpHeaders;
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers.host).toBe(`127.0.0.1:${nginx.port}`);
    // A plain request is not an upgrade: the relay is told to close it.
    expect(headers.upgrade).toBeUndefined();
    expect(headers.connection).toBe('close');
  });

  it('passes a WebSocket handshake on the Socket.IO path through, with its Upgrade and Connection headers', async () => {
    const { status, body } = await upgrade('/__room/?EIO=4&transport=websocket', { 'x-forwarded-for': '203.0.113.7' });
    expect(status).toBe(101);
    const headers = JSON.parse(body) as IncomingHttpHeaders;
    expect(headers).toMatchObject({ upgrade: 'websocket', connection: 'upgrade', 'x-forwarded-for': '127.0.0.1' });
  });

  it("refuses Socket.IO's long polling with a 400, before any relay sees it", async () => {
    const before = seen.length;
    const polling = await get('/__room/?EIO=4&transport=polling');
    expect(polling.status).toBe(400);
    expect(polling.body).toMatch(/WebSocket only/);
    expect(seen.length).toBe(before);
  });

  it('sends every request to the relay that is up, whichever relay it tried first', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => get('/healthz')));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('answers anything else with a 404 of its own', async () => {
    const before = seen.length;
    expect((await get('/something-else')).status).toBe(404);
    expect(seen.length).toBe(before);
  });
});

describe('nginx’s cap on connections per address', () => {
  it('refuses a third WebSocket from one address with 429 while two are held open, across every relay behind it', async () => {
    // A relay that holds every WebSocket open, as a phone's stays open for the lecture.
    const held: Duplex[] = [];
    const holder = createServer((_req, res) => res.writeHead(404).end());
    holder.on('upgrade', (_req, socket) => {
      held.push(socket);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    });
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const capped = await startNginx({ relays: [(holder.address() as AddressInfo).port], connectionsPerAddress: 2 });
    const open = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${capped.url}/__room/?EIO=4&transport=websocket`, {
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
        });
        req.once('upgrade', (res) => resolve(res.statusCode ?? 0));
        req.once('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once('error', reject);
        req.end();
      });
    try {
      expect([await open(), await open()]).toEqual([101, 101]);
      expect(await open()).toBe(429);
    } finally {
      for (const socket of held) socket.destroy();
      await capped.stop();
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
