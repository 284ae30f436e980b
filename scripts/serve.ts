/**
 * Serves the built deck the way a static host would, for people (`npm start`),
 * the browser tests and the bench: under the base path, compressed (Brotli or gzip) where the
 * browser asks, and cross-origin isolated (src/sw/isolation.ts), so that the
 * live slide can train on several WebAssembly threads. Not `astro preview`,
 * which allows only one running instance per project, and so would clash with
 * a presenter's `npm start` while the tests run.
 *
 *   node scripts/serve.ts [port] [--port N] [--host] [--dir dist] [--base /path/] [--no-isolation] [--no-relay]
 *
 *   --port N         listen on port N (default 4321; 0 picks a free one)
 *   --host           listen on every network interface, for phones in the room
 *                    (otherwise on localhost only), and print the addresses
 *   --dir DIR        the built folder to serve (default DIST_DIR, else dist)
 *   --base PATH      the base path it was built for (default BASE_PATH, else /)
 *   --no-isolation   send no COOP/COEP/CORP headers, like a plain static host
 *   --no-relay       no room: phones cannot follow the presenter (src/room/relay.ts)
 *
 * `<base>__deck/address.json` answers the addresses on the room's network
 * (none without --host), which the follow-along QR code encodes (src/deck/qr.ts).
 *
 * `<base>__room/` is the room's relay (src/room/relay.ts), through which
 * phones follow the presenter. Its default room belongs to the presenter key:
 * DECK_PRESENTER_KEY, or a new random one at each start, printed with the
 * address to open on the projector and never written to a file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sirv from 'sirv';
import { MIN_KEY_LENGTH, roomPath } from '../src/room/protocol.ts';
import { createRelay, type Relay } from '../src/room/relay.ts';
import { ISOLATION_HEADERS, normalizeBase } from '../src/sw/isolation.ts';

/** How to serve: what `node scripts/serve.ts` reads from its arguments and environment. */
export interface ServeOptions {
  /** The built folder. */
  dir: string;
  /** The base path the site was built for, with a leading and a trailing slash. */
  base: string;
  /** The port to listen on; 0 lets the system pick a free one. */
  port: number;
  /** Listen on every interface (true) or on localhost only. */
  host: boolean;
  /** Send the cross-origin isolation headers. */
  isolation: boolean;
  /** Attach the room's relay (unless false). */
  relay?: boolean;
  /** The key of the relay's default room (DECK_PRESENTER_KEY); without it, a new random one at each start. */
  presenterKey?: string;
}

/** A running server, and the addresses it can be reached at. */
export interface RunningServer {
  server: Server;
  /** The port it listens on (the one picked, when asked for port 0). */
  port: number;
  /** The address on this machine, with the base path. */
  local: string;
  /** The addresses on the network, with the base path; empty unless listening with --host. */
  network: string[];
  /** The address to open on the projector: the deck with the presenter's key; absent with --no-relay. */
  presenterUrl?: string;
  /** The room's relay; absent with --no-relay. */
  relay?: Relay;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** A mistake the person starting the server can fix; the command prints its message alone. */
export class ServeError extends Error {}

/** The port of `npm start`, as `astro preview` would use. */
export const DEFAULT_PORT = 4321;
/** Where, under the base path, the server answers its network addresses. */
export const ADDRESS_PATH = '__deck/address.json';

/** Reads the server's options from the command line and the environment (DIST_DIR, BASE_PATH). */
export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'boolean', default: false },
        dir: { type: 'string' },
        base: { type: 'string' },
        'no-isolation': { type: 'boolean', default: false },
        'no-relay': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new ServeError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new ServeError(`Unexpected arguments: ${positionals.slice(1).join(' ')}.\n${USAGE}`);
  const portText = values.port ?? positionals[0] ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new ServeError(`The port must be a number from 0 to 65535, not "${portText}".\n${USAGE}`);
  const key = env.DECK_PRESENTER_KEY;
  if (key !== undefined && key.length < MIN_KEY_LENGTH)
    throw new ServeError(`DECK_PRESENTER_KEY must be at least ${MIN_KEY_LENGTH} characters long, so that nobody in the room can guess it.`);
  return {
    dir: values.dir ?? env.DIST_DIR ?? 'dist',
    base: normalizeBase(values.base ?? env.BASE_PATH ?? '/'),
    port,
    host: values.host,
    isolation: !values['no-isolation'],
    ...(values['no-relay'] ? { relay: false } : {}),
    ...(key === undefined ? {} : { presenterKey: key }),
  };
}

const USAGE = 'Usage: node scripts/serve.ts [port] [--port N] [--host] [--dir dist] [--base /path/] [--no-isolation] [--no-relay]';

/**
 * The addresses at which other machines on the network can reach a server on
 * this port: one per IPv4 address of a non-internal interface, as
 * `astro preview --host` lists them.
 */
export function networkAddresses(
  port: number,
  base: string,
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): string[] {
  const addresses = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    // Node 18.0 briefly reported the family as a number.
    .filter((info) => !info.internal && (info.family === 'IPv4' || (info.family as unknown) === 4))
    .map((info) => `http://${info.address}:${port}${normalizeBase(base)}`);
  return [...new Set(addresses)];
}

/**
 * Starts serving the built site, and resolves once it listens. Rejects with a
 * ServeError that says what to do when the folder holds no build or the port
 * is taken. `interfaces` replaces the machine's network interfaces (for tests).
 */
export async function serve(options: ServeOptions, interfaces?: ReturnType<typeof networkInterfaces>): Promise<RunningServer> {
  const base = normalizeBase(options.base);
  if (!existsSync(join(options.dir, 'index.html'))) {
    throw new ServeError(
      `${join(options.dir, 'index.html')} does not exist: build the site first with \`npm run build\` (dist/) or \`npm run build:base\` (dist-base/), or point --dir at a built folder.`,
    );
  }
  // The build wrote .br and .gz siblings of every text file (src/integrations/compress.ts): sirv sends the best one
  // the browser accepts, with Content-Encoding and Vary: Accept-Encoding, and the file itself to one that accepts none.
  const files = sirv(options.dir, { dev: false, etag: true, gzip: true, brotli: true, extensions: ['html'] });
  let network: string[] = [];
  const addressJson = `${base}${ADDRESS_PATH}`;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // Every response, errors included: a document or worker without COEP would not be isolated.
    if (options.isolation) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (path === addressJson) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ network }));
      return;
    }
    if (base !== '/' && path === base.slice(0, -1)) {
      res.writeHead(301, { location: base + url.slice(path.length) }).end();
      return;
    }
    if (!url.startsWith(base)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`Not under the base path ${base}: the deck is at ${base}`);
      return;
    }
    req.url = `/${url.slice(base.length)}`;
    files(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    });
  };

  const server = createServer(handle);
  // The relay answers its own path before `handle` sees the request, and only the deck's own origins.
  const key = options.presenterKey ?? randomBytes(18).toString('base64url');
  const relay = options.relay === false ? undefined : createRelay(server, { path: roomPath(base), presenterKey: key });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new ServeError(
            `Port ${options.port} is already in use, perhaps by another \`npm start\` or \`npm run dev\`. Stop that server, or pick another port: node scripts/serve.ts --port ${options.port + 1} (npm start -- --port ${options.port + 1}).`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(new ServeError(`Port ${options.port} needs privileges this user does not have; pick a port above 1023 with --port.`));
      } else reject(error);
    });
    // Without --host, only this machine can connect; with it, every interface (IPv6 and IPv4).
    if (options.host) server.listen(options.port, () => resolve());
    else server.listen(options.port, 'localhost', () => resolve());
  }).catch(async (error: unknown) => {
    await relay?.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  network = options.host ? networkAddresses(port, base, interfaces) : [];
  const local = `http://localhost:${port}${base}`;
  return {
    server,
    port,
    local,
    network,
    ...(relay ? { relay, presenterUrl: `${local}?presenter=${encodeURIComponent(key)}` } : {}),
    close: async () => {
      await relay?.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** The lines printed once the server listens, as `astro preview` prints its own; the presenter's line only with the relay. */
export function banner(options: ServeOptions, running: Pick<RunningServer, 'local' | 'network' | 'presenterUrl'>): string[] {
  const lines = [
    `Serving ${options.dir}/ ${options.isolation ? 'cross-origin isolated (COOP/COEP), so WebAssembly can use threads' : 'without isolation headers (--no-isolation), like a plain static host'}.`,
    `  Local:    ${running.local}`,
  ];
  if (!options.host) lines.push('  Network:  use --host to serve the room too (npm start -- --host)');
  else if (running.network.length === 0) lines.push('  Network:  no network interface found; phones cannot reach this machine');
  else for (const address of running.network) lines.push(`  Network:  ${address}`);
  if (running.presenterUrl !== undefined) {
    lines.push(`  Presenter: ${running.presenterUrl}  (open this on the projector; keep it to yourself)`);
    if (options.host && running.network.length > 0)
      lines.push("  Phones:   open the Network address above, or scan the deck's follow-along QR code");
  }
  return lines;
}

async function main(): Promise<void> {
  try {
    const options = parseServeArgs(process.argv.slice(2));
    const running = await serve(options);
    for (const line of banner(options, running)) console.log(line);
  } catch (error) {
    if (!(error instanceof ServeError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

if (import.meta.main) await main();
