/**
 * Serves the built deck the way a static host would, for people (`npm start`),
 * the browser tests and the bench: under the base path, compressed (Brotli or gzip) where the
 * browser asks, and cross-origin isolated (src/sw/isolation.ts), so that the
 * live slide can train on several WebAssembly threads. Not `astro preview`,
 * which allows only one running instance per project, and so would clash with
 * a presenter's `npm start` while the tests run.
 *
 *   node scripts/serve.ts [port] [--port N] [--host] [--dir dist] [--base /path/] [--no-isolation] [--no-relay]
 *                         [--allow-host NAME]... [--embeddable] [--new-key]
 *
 *   --port N          listen on port N (default 4321; 0 picks a free one)
 *   --host            listen on every network interface, for phones in the room
 *                     (otherwise on localhost only), and print the addresses
 *   --dir DIR         the built folder to serve (default DIST_DIR, else dist)
 *   --base PATH       the base path it was built for (default BASE_PATH, else /)
 *   --no-isolation    send no COOP/COEP/CORP headers, like a plain static host
 *   --no-relay        no room: phones cannot follow the presenter (src/room/relay.ts)
 *   --allow-host NAME answer to NAME too (a proxy's or a DNS name of your own; repeat for
 *                     several, or list them in DECK_ALLOWED_HOSTS, separated by commas)
 *   --embeddable      let pages of other sites show the deck in a frame (also DECK_EMBEDDABLE=1)
 *   --new-key         forget the kept presenter key and the relay's secret, and make new ones
 *
 * It answers only GET and HEAD, and only requests whose Host header names
 * this machine (src/room/hosts.ts): localhost, its addresses, its host name,
 * and the names given with --allow-host. Any other Host gets 421 Misdirected
 * Request, so that a page on a name that an attacker makes resolve to this
 * machine (DNS rebinding) can read nothing, nor reach the room. Every answer
 * says `X-Content-Type-Options: nosniff`, and, unless --embeddable,
 * `Content-Security-Policy: frame-ancestors 'self'`: no other site may frame
 * the deck (a <meta> policy cannot say that), while the speaker view, which
 * frames the deck from a window of its own origin, still can.
 *
 * `<base>__deck/address.json` answers the addresses on the room's network
 * (none without --host), which the follow-along QR code encodes (src/deck/qr.ts).
 *
 * `<base>__room/` is the room's relay (src/room/relay.ts), through which
 * phones follow the presenter. Its default room belongs to the presenter key:
 * DECK_PRESENTER_KEY (refused when it is easy to guess, src/room/keys.ts), or
 * the key kept from the last start. The key and the relay's secret are kept
 * in DECK_STATE_DIR/room.json, else in the user's state folder
 * (~/.local/state/intro-to-deep-learning/room.json), readable by this user
 * only, so that after a restart the phones in the room find it again;
 * --new-key starts afresh. The presenter's address, with the key, is printed
 * at the start.
 *
 * Byte ranges are checked here before sirv sees them (see settleRange): sirv
 * 3.0.2 reads `Range: bytes=10-5` as start 10, end 5, and passes them to
 * fs.createReadStream, which throws ERR_OUT_OF_RANGE inside the request
 * handler and stopped the whole server; it also reads `bytes=-5` as the first
 * six bytes, and `bytes=0-0` as the whole file. This belongs upstream
 * (lukeed/sirv), once someone can report it there.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import sirv from 'sirv';
import { hostAllowed, hostName, machineHosts } from '../src/room/hosts.ts';
import { defaultKeptRoomFile, keptRoom, keyProblem, newKey, newSecret, type KeptRoom } from '../src/room/keys.ts';
import { roomPath } from '../src/room/paths.ts';
import { createRelay, type Relay, type RelayLimits } from '../src/room/relay.ts';
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
  /** The key of the relay's default room (DECK_PRESENTER_KEY); without it, the kept one (`keyFile`). */
  presenterKey?: string;
  /**
   * Where the presenter key and the relay's secret are kept across restarts
   * (src/room/keys.ts). `npm start` names the default file
   * (defaultKeptRoomFile); without one, the key (given or new) and a new
   * secret last as long as the server: tests and the bench keep nothing.
   */
  keyFile?: string;
  /** Forget the kept key and secret, and keep new ones (--new-key). */
  newKey?: boolean;
  /** Names this server answers to besides the machine's own (--allow-host, DECK_ALLOWED_HOSTS). */
  allowedHosts?: string[];
  /** Let other sites frame the deck: no `frame-ancestors` (--embeddable, DECK_EMBEDDABLE=1). */
  embeddable?: boolean;
  /** Limits of the relay, in place of its defaults (tests make them small). */
  relayLimits?: Partial<RelayLimits>;
  /** Where errors met while serving are told, one line each; console.error by default. */
  log?: (line: string) => void;
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
  /** The file the presenter key and the relay's secret are kept in; absent when they last only as long as the server. */
  keyFile?: string;
  /** What went wrong with the kept key, for the person starting the server. */
  keyWarning?: string;
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

/** Whether an environment variable says yes. */
const yes = (value: string | undefined) => value !== undefined && ['1', 'true', 'yes'].includes(value.trim().toLowerCase());

/**
 * Reads the server's options from the command line and the environment
 * (DIST_DIR, BASE_PATH, DECK_PRESENTER_KEY, DECK_STATE_DIR and the XDG state
 * folder, DECK_ALLOWED_HOSTS, DECK_EMBEDDABLE).
 */
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
        'allow-host': { type: 'string', multiple: true, default: [] },
        embeddable: { type: 'boolean', default: false },
        'new-key': { type: 'boolean', default: false },
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
  const problem = key === undefined ? undefined : keyProblem(key);
  if (problem !== undefined) throw new ServeError(problem);
  const allowedHosts = [...values['allow-host'], ...(env.DECK_ALLOWED_HOSTS ?? '').split(',')].map((name) => name.trim()).filter(Boolean);
  for (const name of allowedHosts) {
    if (hostName(name) === undefined && hostName(`[${name}]`) === undefined)
      throw new ServeError(
        `"${name}" is not a host name (--allow-host, DECK_ALLOWED_HOSTS): give a name such as deck.example.org, or an address.`,
      );
  }
  return {
    dir: values.dir ?? env.DIST_DIR ?? 'dist',
    base: normalizeBase(values.base ?? env.BASE_PATH ?? '/'),
    port,
    host: values.host,
    isolation: !values['no-isolation'],
    keyFile: defaultKeptRoomFile(env),
    ...(values['no-relay'] ? { relay: false } : {}),
    ...(key === undefined ? {} : { presenterKey: key }),
    ...(values['new-key'] ? { newKey: true } : {}),
    ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
    ...(values.embeddable || yes(env.DECK_EMBEDDABLE) ? { embeddable: true } : {}),
  };
}

const USAGE =
  'Usage: node scripts/serve.ts [port] [--port N] [--host] [--dir dist] [--base /path/] [--no-isolation] [--no-relay] [--allow-host NAME]... [--embeddable] [--new-key]';

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

/** A byte range of a file, both ends included. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a Range header against a file of `size` bytes (RFC 9110, section
 * 14.2). A single range answers its bytes, clamped to the file: `bytes=a-b`,
 * `bytes=a-` (from a to the end) and `bytes=-n` (the last n bytes).
 * 'unsatisfiable' (416) for a malformed range, one whose end comes before
 * its start, one that starts past the end, `bytes=-0`, or any range of an
 * empty file. 'ignore' (the whole file, 200), as the RFC allows, for another
 * unit than bytes, and for several ranges, which no client of the deck asks
 * for and which would need a multipart answer.
 */
export function parseRange(header: string, size: number): ByteRange | 'ignore' | 'unsatisfiable' {
  const match = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(.*)$/.exec(header);
  if (!match) return 'unsatisfiable';
  if (match[1]!.toLowerCase() !== 'bytes') return 'ignore';
  const specs = match[2]!.split(',');
  if (specs.length > 1) return 'ignore';
  const spec = specs[0]!.trim();
  if (size === 0) return 'unsatisfiable';
  const suffix = /^-(\d+)$/.exec(spec);
  if (suffix) {
    const length = Number(suffix[1]);
    return length === 0 ? 'unsatisfiable' : { start: Math.max(0, size - length), end: size - 1 };
  }
  const span = /^(\d+)-(\d*)$/.exec(spec);
  if (!span) return 'unsatisfiable';
  const start = Number(span[1]);
  const last = span[2] === '' ? size - 1 : Number(span[2]);
  if (last < start || start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}

/**
 * Leaves in the request a Range header that sirv answers correctly for a
 * file of `size` bytes, or none. sirv (3.0.2) parses the header itself,
 * wrongly (see the note at the top): it is given only an explicit
 * `bytes=start-end` within the file, or, for a range that cannot be served,
 * `bytes=size-`, which sirv answers with 416 and `Content-Range: bytes
 * *\/size`. Its one other mistake, an end of 0 read as "to the end", is
 * avoided by sending the whole file, as a server may. So is a request with
 * If-Range: sirv would send a range of a file that may have changed since,
 * and its ETags are weak, which If-Range cannot use anyway.
 */
function settleRange(req: IncomingMessage, size: number): void {
  const header = req.headers.range;
  if (header === undefined) return;
  const range = req.headers['if-range'] === undefined ? parseRange(header, size) : 'ignore';
  if (range === 'ignore' || (range !== 'unsatisfiable' && range.end === 0 && size > 1)) delete req.headers.range;
  else if (range === 'unsatisfiable') req.headers.range = `bytes=${size}-`;
  else req.headers.range = `bytes=${range.start}-${range.end}`;
}

/** The path of a request, without its query, which may hold the presenter's key, and cut short. */
const pathOf = (url: string | undefined) => (url ?? '').split('?')[0]!.slice(0, 200);

/** An error as the log tells it: its stack (name, message, frames), and nothing else it may carry, such as an address. */
const errorText = (error: unknown) => (error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error));

/** The answer to a request whose Host names another machine. */
const MISDIRECTED =
  'Misdirected request: this server answers only to the names of the machine it runs on (start it with --allow-host NAME to add one).\n';

/**
 * Starts serving the built site, and resolves once it listens. Rejects with a
 * ServeError that says what to do when the folder holds no build or the port
 * is taken. `interfaces` replaces the machine's network interfaces (for tests).
 */
export async function serve(options: ServeOptions, interfaces?: ReturnType<typeof networkInterfaces>): Promise<RunningServer> {
  const base = normalizeBase(options.base);
  const log = options.log ?? ((line: string) => console.error(line));
  if (!existsSync(join(options.dir, 'index.html'))) {
    throw new ServeError(
      `${join(options.dir, 'index.html')} does not exist: build the site first with \`npm run build\` (dist/) or \`npm run build:base\` (dist-base/), or point --dir at a built folder.`,
    );
  }
  const room = options.relay === false ? undefined : openRoom(options);
  // The build wrote .br and .gz siblings of every text file (src/integrations/compress.ts): sirv sends the best one
  // the browser accepts, with Content-Encoding and Vary: Accept-Encoding, and the file itself to one that accepts none.
  const files = sirv(options.dir, {
    dev: false,
    etag: true,
    gzip: true,
    brotli: true,
    extensions: ['html'],
    // sirv calls this with the file it is about to send, just before it reads the Range header.
    setHeaders: (res, _pathname, stats) => settleRange(res.req, stats.size),
  });
  let network: string[] = [];
  const addressJson = `${base}${ADDRESS_PATH}`;

  // The machine's names, looked at again (at most once a second) when a Host is not among them: the laptop may have joined another network since.
  const allowed = options.allowedHosts ?? [];
  let hosts = machineHosts(interfaces ?? networkInterfaces(), allowed);
  let lookedAt = Date.now();
  const hostOk = (host: string | undefined): boolean => {
    if (hostAllowed(host, hosts)) return true;
    if (interfaces !== undefined || Date.now() - lookedAt < 1000) return false;
    hosts = machineHosts(networkInterfaces(), allowed);
    lookedAt = Date.now();
    return hostAllowed(host, hosts);
  };

  /** Answers 500 if nothing was sent yet, else cuts the answer short; logs the error without the request's address. */
  const fail = (req: IncomingMessage, res: ServerResponse, path: string, error: unknown) => {
    log(`Could not serve ${req.method} ${path}: ${errorText(error)}`);
    try {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal server error\n');
      else res.destroy();
    } catch {
      res.destroy();
    }
  };

  const route = (req: IncomingMessage, res: ServerResponse, path: string) => {
    // Every response, errors included: a document or worker without COEP would not be isolated.
    if (options.isolation) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    if (!options.embeddable) res.setHeader('Content-Security-Policy', "frame-ancestors 'self'");
    if (!hostOk(req.headers.host)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end(MISDIRECTED);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Only GET and HEAD are allowed here.\n');
      return;
    }
    const url = req.url ?? '/';
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
    // A range counts bytes of what is sent. Of a .br or .gz sibling, it would be a slice of compressed bytes, which
    // nobody can decode alone, and whose size is not the file's; those who ask for ranges (media, resumed downloads)
    // want the file itself, so they get it uncompressed.
    if (req.headers.range !== undefined) delete req.headers['accept-encoding'];
    // sirv pipes a file's stream into the response, and a stream that fails (the file went away since the start)
    // would throw where nothing catches it.
    res.on('pipe', (source: Readable) => source.on('error', (error) => fail(req, res, path, error)));
    req.url = `/${url.slice(base.length)}`;
    files(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req.url);
    try {
      route(req, res, path);
    } catch (error) {
      fail(req, res, path, error);
    }
  };

  const server = createServer(handle);
  // A request Node cannot parse gets what Node would answer by itself (400, or 431 for headers too large), with nosniff.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && socket.bytesWritten === 0) {
      const status =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request';
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\nX-Content-Type-Options: nosniff\r\n\r\n`);
    }
    socket.destroy();
  });
  // The relay answers its own path before `handle` sees the request, and only the deck's own origins on this machine's names.
  const relay =
    room === undefined
      ? undefined
      : createRelay(server, {
          path: roomPath(base),
          presenterKey: room.key,
          secret: room.secret,
          hosts: hostOk,
          ...(options.relayLimits ? { limits: options.relayLimits } : {}),
        });
  // Every answer says nosniff, the relay's too: Socket.IO answers its own path before `handle`, so this comes first.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => res.setHeader('X-Content-Type-Options', 'nosniff'));
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
    ...(relay && room ? { relay, presenterUrl: `${local}?presenter=${encodeURIComponent(room.key)}` } : {}),
    ...(room?.file === undefined ? {} : { keyFile: room.file }),
    ...(room?.warning === undefined ? {} : { keyWarning: room.warning }),
    close: async () => {
      await relay?.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/**
 * The room the relay opens: the given key, or the kept one, with the kept
 * secret, and where they are kept. When the file cannot be written, the room
 * lasts as long as the server, with a warning that says why: a read-only
 * home folder should not keep the lecture from starting.
 */
function openRoom(options: ServeOptions): KeptRoom & { file?: string } {
  // Only `npm start` (parseServeArgs) names the file; a server started from code (the tests, the bench) keeps nothing.
  const file = options.keyFile;
  if (file === undefined) return { key: options.presenterKey ?? newKey(), secret: newSecret() };
  const inside = relative(resolve(options.dir), resolve(file));
  if (!inside.startsWith('..') && !isAbsolute(inside))
    throw new ServeError(
      `The presenter key would be kept in ${file}, inside the served folder ${options.dir}, where anyone could download it: set DECK_STATE_DIR to a folder outside it.`,
    );
  try {
    return {
      ...keptRoom(file, {
        ...(options.newKey ? { fresh: true } : {}),
        ...(options.presenterKey === undefined ? {} : { key: options.presenterKey }),
      }),
      file,
    };
  } catch (error) {
    return {
      key: options.presenterKey ?? newKey(),
      secret: newSecret(),
      warning: `${error instanceof Error ? error.message : String(error)}. This key lasts until the server stops; set DECK_STATE_DIR to a folder this user can write to.`,
    };
  }
}

/** The lines printed once the server listens, as `astro preview` prints its own; the presenter's lines only with the relay. */
export function banner(
  options: ServeOptions,
  running: Pick<RunningServer, 'local' | 'network' | 'presenterUrl' | 'keyFile' | 'keyWarning'>,
): string[] {
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
    if (running.keyFile !== undefined)
      lines.push(
        `  Key:      kept in ${running.keyFile}, so that phones find the room after a restart; to start afresh: npm start -- --new-key`,
      );
  }
  if (running.keyWarning !== undefined) lines.push(`  Warning:  ${running.keyWarning}`);
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
