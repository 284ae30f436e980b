/**
 * Renders deploy/nginx.conf.template, nginx in front of several room relays,
 * for given relays, port and folder. One renderer serves the person deploying
 * (deploy/README.md), the scale test (tests/scale/) and the bench across
 * processes (bench/room-scale.ts), so that what is tested and measured is the
 * configuration that is deployed, not a copy of it.
 *
 *   node deploy/nginx.ts --relay 127.0.0.1:4322 --relay 127.0.0.1:4323 [--listen 8080] [--dir DIR]
 *                        [--server-name relay.example.org] [--path /__room/] > DIR/nginx.conf
 *
 *   --relay HOST:PORT   a relay process (repeat it; a port alone means 127.0.0.1)
 *   --listen [ADDR:]PORT where nginx listens (default 8080)
 *   --dir DIR           the folder for nginx's pid file, error log and temporary files (default the current one)
 *   --server-name NAME  the name phones reach it by (default: any)
 *   --path PATH         the relays' Socket.IO path (default /__room/)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { roomPath } from '../src/room/paths.ts';

export const NGINX_TEMPLATE = fileURLToPath(new URL('nginx.conf.template', import.meta.url));

export interface NginxOptions {
  /** The relay processes, as `host:port`, `[v6]:port`, or a port alone (on 127.0.0.1). */
  relays: readonly (string | number)[];
  /** Where nginx listens: a port, or `address:port`. */
  listen: string | number;
  /** The folder for nginx's pid file, error log and temporary files. */
  runDir: string;
  /** The names phones reach it by (nginx's server_name); by default any. */
  serverName?: string;
  /** The relays' Socket.IO path (default /__room/, as scripts/relay.ts has it). */
  path?: string;
  /** Passive health checks: failed connections before a relay is left out (default 1), and for how long (default 5 s). */
  maxFails?: number;
  failTimeoutSeconds?: number;
  /** Connections from one address across every relay behind this nginx (default 2,000, as each relay allows). */
  connectionsPerAddress?: number;
}

/** An address nginx can take as it is: a host name or IPv4 address, or an IPv6 one in brackets, and a port. */
const ADDRESS = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;
/** A port alone. */
const PORT = /^\d{1,5}$/;
/** Server names: words of letters, digits, dots, dashes and wildcards, or `_` for any. */
const SERVER_NAME = /^[A-Za-z0-9.*_-]+(?: [A-Za-z0-9.*_-]+)*$/;
/** Characters a path in the configuration may hold without quoting: none that ends a directive or starts a block. */
const PLAIN = /^[^\s;{}"'#$\\]+$/;

/** The configuration text, with every {{NAME}} filled in; throws on anything that would not be one directive's plain argument. */
export function renderNginxConfig(options: NginxOptions): string {
  const relays = options.relays.map((relay) => (PORT.test(String(relay)) ? `127.0.0.1:${relay}` : String(relay)));
  if (relays.length === 0) throw new Error('nginx needs at least one relay to send phones to.');
  for (const relay of relays) if (!ADDRESS.test(relay)) throw new Error(`"${relay}" is not a relay address: write it as host:port.`);
  const listen = String(options.listen);
  if (!PORT.test(listen) && !ADDRESS.test(listen)) throw new Error(`"${listen}" is not a port or address:port to listen on.`);
  const runDir = resolve(options.runDir);
  if (!PLAIN.test(runDir)) throw new Error(`nginx's folder "${runDir}" must not hold spaces, quotes, ; { } # $ or \\.`);
  const serverName = options.serverName ?? '_';
  if (!SERVER_NAME.test(serverName)) throw new Error(`"${serverName}" is not a list of server names.`);
  const path = roomPath(options.path ?? '/');
  if (!PLAIN.test(path)) throw new Error(`"${path}" is not a path nginx can match as it is.`);
  const health = `max_fails=${options.maxFails ?? 1} fail_timeout=${options.failTimeoutSeconds ?? 5}s`;
  const values: Record<string, string> = {
    RUN_DIR: runDir,
    LISTEN: listen,
    SERVER_NAME: serverName,
    ROOM_PATH: path,
    CONNECTIONS_PER_ADDRESS: String(Math.max(1, Math.floor(options.connectionsPerAddress ?? 2000))),
    RELAYS: relays.map((relay) => `        server ${relay} ${health};`).join('\n'),
  };
  return readFileSync(NGINX_TEMPLATE, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`The template names {{${name}}}, which deploy/nginx.ts does not fill in.`);
    return value;
  });
}

function main(): void {
  const { values } = parseArgs({
    options: {
      relay: { type: 'string', multiple: true, default: [] },
      listen: { type: 'string', default: '8080' },
      dir: { type: 'string', default: '.' },
      'server-name': { type: 'string' },
      path: { type: 'string' },
    },
  });
  try {
    process.stdout.write(
      renderNginxConfig({
        relays: values.relay,
        listen: values.listen,
        runDir: values.dir,
        ...(values['server-name'] === undefined ? {} : { serverName: values['server-name'] }),
        ...(values.path === undefined ? {} : { path: values.path }),
      }),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

if (import.meta.main) main();
