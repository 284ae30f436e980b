/**
 * The room's relay alone (src/room/relay.ts), for a deck published somewhere
 * else (a static host that cannot run it): phones and the presenter's deck
 * connect to it across origins. `npm start` needs none of this; it serves its
 * own relay next to the deck (scripts/serve.ts).
 *
 *   node scripts/relay.ts [--port N] [--host] [--origin https://deck.example.org ...] [--path /__room/]
 *                         [--keys-file FILE] [--allow-host NAME ...] [--trust-proxy]
 *
 *   --port N          listen on port N (default 4322; 0 picks a free one)
 *   --host            listen on every network interface (otherwise on localhost only)
 *   --origin URL      also admit pages from this origin (repeat it, or list them in RELAY_ORIGINS, comma-separated);
 *                     pages served by the relay's own address are always admitted
 *   --path PATH       the Socket.IO path (default /__room/)
 *   --keys-file FILE  the presenter keys it serves, one a line (# starts a comment): one room each
 *   --allow-host NAME a name the relay is reached by, besides this machine's own names and addresses
 *                     (repeat it, or list them in RELAY_HOSTS); pages on any other name are refused (DNS rebinding)
 *   --trust-proxy     count connections by the address in X-Forwarded-For, which the proxy in front sets
 *
 * Rooms open only for the keys it is given: DECK_PRESENTER_KEY (its default
 * room, which a phone that names none joins), DECK_PRESENTER_KEYS
 * (comma-separated) and --keys-file. Each key needs at least 96 bits of
 * entropy (src/room/keys.ts); with none, it makes up one at each start and
 * prints it once. RELAY_SECRET names rooms and signs phones' tokens; without
 * it, a new one at each start, or with REDIS_URL the one every process shares
 * through Redis. REDIS_URL shares its rooms with other relay processes behind
 * one address. It answers `GET /` with what it is and
 * `GET /healthz` with its counts, as JSON, for a load balancer or a person.
 * Behind HTTPS, put it behind a TLS proxy: a deck served over https:// may
 * not open ws://.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { ROOM_PATH } from '../src/room/protocol.ts';
import { hostAllowed, machineHosts } from '../src/room/hosts.ts';
import { keyProblem, newKey } from '../src/room/keys.ts';
import { createRelay, type Relay } from '../src/room/relay.ts';
import { normalizeBase } from '../src/sw/isolation.ts';
import { networkAddresses } from './serve.ts';

export const DEFAULT_RELAY_PORT = 4322;

/** What `node scripts/relay.ts` reads from its arguments and environment. */
export interface RelayServerOptions {
  port: number;
  host: boolean;
  /** Origins admitted besides the relay's own, as `scheme://host[:port]`. */
  origins: string[];
  /** The Socket.IO path, with a leading and a trailing slash. */
  path: string;
  /** From DECK_PRESENTER_KEY; otherwise a new random key at each start. */
  presenterKey?: string;
  /** The further keys it serves, from DECK_PRESENTER_KEYS and --keys-file. */
  keys: string[];
  /** From RELAY_SECRET. */
  secret?: string;
  /** Names it is reached by besides this machine's own (--allow-host, RELAY_HOSTS). */
  hosts: string[];
  /** Count connections by X-Forwarded-For (--trust-proxy). */
  trustProxy: boolean;
  redisUrl?: string;
}

/** A mistake the person starting the relay can fix; the command prints its message alone. */
export class RelayError extends Error {}

const USAGE =
  'Usage: node scripts/relay.ts [--port N] [--host] [--origin https://deck.example.org ...] [--path /__room/] [--keys-file FILE] [--allow-host NAME ...] [--trust-proxy]';

/** Reads the relay's options from the command line and the environment (DECK_PRESENTER_KEY, REDIS_URL, RELAY_ORIGINS). */
export function parseRelayArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RelayServerOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: String(DEFAULT_RELAY_PORT) },
        host: { type: 'boolean', default: false },
        origin: { type: 'string', multiple: true, default: [] },
        path: { type: 'string', default: `/${ROOM_PATH}` },
        'keys-file': { type: 'string' },
        'allow-host': { type: 'string', multiple: true, default: [] },
        'trust-proxy': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new RelayError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535)
    throw new RelayError(`The port must be a number from 0 to 65535, not "${values.port}".\n${USAGE}`);
  const listed = list(env.RELAY_ORIGINS);
  const origins = [...new Set([...values.origin, ...listed].map(originOf))];
  const key = env.DECK_PRESENTER_KEY;
  const keyError = key === undefined ? undefined : keyProblem(key);
  if (keyError) throw new RelayError(keyError);
  const keys = [...list(env.DECK_PRESENTER_KEYS), ...(values['keys-file'] === undefined ? [] : keysFile(values['keys-file']))];
  keys.forEach((listed, index) => {
    const problem = keyProblem(listed, `Key ${index + 1} of DECK_PRESENTER_KEYS and --keys-file`);
    if (problem) throw new RelayError(problem);
  });
  const secret = env.RELAY_SECRET;
  if (secret !== undefined && secret.length < 32)
    throw new RelayError('RELAY_SECRET must be at least 32 characters long: make one with `openssl rand -base64 32`.');
  return {
    port,
    host: values.host,
    origins,
    path: normalizeBase(values.path),
    ...(key === undefined ? {} : { presenterKey: key }),
    keys: [...new Set(keys)],
    ...(secret === undefined ? {} : { secret }),
    hosts: [...values['allow-host'], ...list(env.RELAY_HOSTS)].map((name) => name.toLowerCase()),
    trustProxy: values['trust-proxy'] || env.RELAY_TRUST_PROXY === '1',
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
  };
}

/** A comma-separated list, trimmed, without empty items. */
function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The keys in a file, one a line; blank lines and lines that start with # are skipped. */
function keysFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RelayError(`The keys file ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** An origin as browsers send it in their Origin header; anything with a path or another scheme is a mistake worth saying. */
function originOf(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RelayError(`"${text}" is not an origin: write it as https://deck.example.org (a scheme, a host and perhaps a port).`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== text.replace(/\/$/, ''))
    throw new RelayError(
      `"${text}" is not an origin: write it as ${url.origin === 'null' ? 'https://deck.example.org' : url.origin}, without a path.`,
    );
  return url.origin;
}

/** A running relay, and the addresses it can be reached at. */
export interface RunningRelay {
  server: Server;
  relay: Relay;
  port: number;
  /** The address on this machine. */
  local: string;
  /** The addresses on the network; empty unless listening with --host. */
  network: string[];
  /** The default room's key, and whether it was made up at this start (and so must be printed to be known at all). */
  presenterKey: string;
  keyIsNew: boolean;
  close(): Promise<void>;
}

/** Starts the relay on its own HTTP server, and resolves once it listens and can admit connections. */
export async function startRelayServer(options: RelayServerOptions): Promise<RunningRelay> {
  const presenterKey = options.presenterKey ?? newKey();
  const hosts = machineHosts(undefined, options.hosts);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(relay.stats()));
    } else if (path === '/') {
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        .end(
          `This is the room relay of a lecture deck: phones follow the presenter's slide through it (Socket.IO at ${options.path}).\nThere is nothing to see here; open the deck instead. Counts: /healthz\n`,
        );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: this is a room relay; see /\n');
    }
  });
  const relay = createRelay(server, {
    path: options.path,
    presenterKey,
    keys: options.keys,
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    hosts: (host) => hostAllowed(host, hosts),
    trustProxy: options.trustProxy,
    origins: options.origins,
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new RelayError(`Port ${options.port} is already in use; pick another with --port.`));
      else reject(error);
    });
    if (options.host) server.listen(options.port, () => resolve());
    else server.listen(options.port, 'localhost', () => resolve());
  }).catch(async (error: unknown) => {
    await relay.close();
    throw error;
  });
  await relay.ready;
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    relay,
    port,
    local: `http://localhost:${port}/`,
    network: options.host ? networkAddresses(port, '/', networkInterfaces()) : [],
    presenterKey,
    keyIsNew: options.presenterKey === undefined,
    close: async () => {
      await relay.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The lines printed once the relay listens: where it is, who may connect, how to build a deck for it, and the presenter's key. */
export function relayBanner(
  options: RelayServerOptions,
  running: Pick<RunningRelay, 'local' | 'network' | 'presenterKey' | 'keyIsNew'>,
): string[] {
  const address = (running.network[0] ?? running.local).replace(/\/$/, '');
  const lines = [
    `Room relay at ${running.local} (Socket.IO at ${options.path}), ${options.redisUrl ? 'sharing its rooms with other relay processes through Redis' : 'one process alone (set REDIS_URL to run several)'}.`,
    ...running.network.map((url) => `  Network:   ${url}`),
    `  Admits:    pages from ${options.origins.length > 0 ? `${options.origins.join(', ')} and ` : ''}the relay's own address${options.origins.length > 0 ? '' : ' (add a deck published elsewhere with --origin or RELAY_ORIGINS)'}`,
    `  Deck:      build one that uses this relay with RELAY_URL=${address} npm run build`,
  ];
  if (running.keyIsNew)
    lines.push(
      `  Presenter: open the deck with ?presenter=${running.presenterKey} on the projector; keep it to yourself (set DECK_PRESENTER_KEY to keep a key across restarts)`,
    );
  else lines.push('  Presenter: open the deck with ?presenter=<DECK_PRESENTER_KEY> on the projector');
  if (options.keys.length > 0) lines.push(`  Rooms:     ${options.keys.length + 1} (one per key given); any other key is refused`);
  if (!options.secret)
    lines.push(
      options.redisUrl
        ? '  Secret:    shared by every relay process through Redis (set RELAY_SECRET to choose it)'
        : "  Secret:    new at this start, so rooms' ids and phones' tokens change at a restart (set RELAY_SECRET to keep them)",
    );
  return lines;
}

async function main(): Promise<void> {
  try {
    const options = parseRelayArgs(process.argv.slice(2));
    const running = await startRelayServer(options);
    for (const line of relayBanner(options, running)) console.log(line);
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    if (!(error instanceof RelayError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

if (import.meta.main) await main();
