/**
 * The services a room relay is deployed with, run on loopback for the scale
 * test (tests/scale/) and the bench across processes (bench/room-scale.ts):
 * redis-server, relay processes as `npm run relay` starts them
 * (scripts/relay.ts), and nginx with deploy/nginx.conf.template. Both must run
 * the deployment the README describes, started and stopped the same way, so
 * the code that does it lives here once.
 *
 * Everything runs in one temporary folder (configuration, pid files, logs),
 * on free ports, and is stopped by its process id in `stopServices`, which
 * then removes the folder. A relay started here also exits when its parent
 * does, so that a test run that dies leaves no relay behind.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderNginxConfig, type NginxOptions } from '../../deploy/nginx.ts';
import { sleep } from '../unit/room-helpers.ts';

const RELAY_SCRIPT = fileURLToPath(new URL('../../scripts/relay.ts', import.meta.url));
/** Loaded into each relay process before scripts/relay.ts: it exits when the process that forked it goes. */
const EXIT_WITH_PARENT = "data:text/javascript,process.once('disconnect',()=>process.exit(0))";

/** A process started here, stopped by its id. */
export interface Service {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The file its output goes to. */
  log: string;
  /** Whether it has exited (by itself or stopped). */
  readonly exited: boolean;
  /** Resolves once it has exited. */
  readonly exit: Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface RedisService extends Service {
  port: number;
  url: string;
}

export interface RelayService extends Service {
  port: number;
  /** The relay's own address, as a phone that skips the proxy would use it. */
  url: string;
}

export interface NginxService extends Service {
  port: number;
  url: string;
  /** The configuration it runs, as rendered from deploy/nginx.conf.template. */
  config: string;
}

const services: Service[] = [];
let folder: string | undefined;

/** The folder every service of this run keeps its files in, made on first use. */
export function servicesFolder(): string {
  if (!folder) {
    folder = mkdtempSync(join(tmpdir(), 'room-scale-'));
    // Under root, nginx's workers run as nobody and must reach their temporary folders inside.
    chmodSync(folder, 0o755);
  }
  return folder;
}

/** Waits until an asynchronous condition holds, checking every 50 ms; fails after `ms`, naming `what`. */
export async function eventually(condition: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(50);
  }
}

/** A port nothing listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The last lines of a service's log, for an error message. */
export function logTail(service: Pick<Service, 'log'>, lines = 20): string {
  if (!existsSync(service.log)) return '';
  return readFileSync(service.log, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Sends a signal to a process, which may have exited since (its exit event not yet handled). */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Keeps a started process as a Service, its output in `log`. */
function track(name: string, child: ChildProcess, log: string): Service {
  if (child.pid === undefined) throw new Error(`${name} did not start: see ${log}`);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const service: Service = {
    name,
    pid: child.pid,
    child,
    log,
    get exited() {
      return exited;
    },
    exit,
    stop: async () => {
      if (exited) return;
      signal(service.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) signal(service.pid, 'SIGKILL');
      }, 5000);
      await exit;
      clearTimeout(timer);
    },
  };
  services.push(service);
  return service;
}

/** Starts a command with its output in a log file of its own. */
function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Service {
  const log = join(servicesFolder(), `${name}.log`);
  const out = openSync(log, 'a');
  const child = spawn(command, args, { stdio: ['ignore', out, out], env });
  closeSync(out);
  return track(name, child, log);
}

/** Waits until a service listens on its port; fails with its log if it exits or takes longer than `ms`. */
async function listeningOn(service: Service, port: number, ms = 10_000): Promise<void> {
  await eventually(
    async () => {
      if (service.exited) throw new Error(`${service.name} exited before it listened on port ${port}:\n${logTail(service)}`);
      return listening(port);
    },
    ms,
    `${service.name} listening on port ${port}`,
  ).catch((error: unknown) => {
    throw service.exited ? error : new Error(`${error instanceof Error ? error.message : String(error)}:\n${logTail(service)}`);
  });
}

/** Fails with how to install a program the deployment needs, if it is missing. */
function need(program: string, args: string[], install: string): void {
  if (spawnSync(program, args).error) throw new Error(`${program} is not installed, and the relay's deployment needs it: ${install}`);
}

/** redis-server on loopback (on `port`, or a free one), storing nothing: no RDB snapshot, no append-only file. */
export async function startRedis(port?: number): Promise<RedisService> {
  need('redis-server', ['--version'], 'apt-get install -y redis-server');
  const chosen = port ?? (await freePort());
  const service = start(`redis-${chosen}`, 'redis-server', [
    '--port',
    String(chosen),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    servicesFolder(),
  ]);
  await listeningOn(service, chosen);
  return Object.assign(service, { port: chosen, url: `redis://127.0.0.1:${chosen}` });
}

export interface RelayStart {
  /** The port (default: a free one). */
  port?: number;
  /** Added to this process's environment: REDIS_URL, DECK_PRESENTER_KEY, RELAY_SECRET… */
  env: Record<string, string>;
  /** Further arguments to scripts/relay.ts, after --port and --trust-proxy. */
  args?: string[];
}

/** A relay process as the README starts one behind nginx (`node scripts/relay.ts --port P --trust-proxy`), once it answers /healthz. */
export async function startRelay(options: RelayStart): Promise<RelayService> {
  const port = options.port ?? (await freePort());
  const name = `relay-${port}`;
  const log = join(servicesFolder(), `${name}.log`);
  const out = openSync(log, 'a');
  const child = fork(RELAY_SCRIPT, ['--port', String(port), '--trust-proxy', ...(options.args ?? [])], {
    execArgv: ['--import', EXIT_WITH_PARENT],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', out, out, 'ipc'],
  });
  closeSync(out);
  const service = track(name, child, log);
  // scripts/relay.ts listens on localhost, which is 127.0.0.1 here, as the upstreams in nginx's configuration say.
  await listeningOn(service, port);
  await eventually(async () => (await health(port).catch(() => undefined)) !== undefined, 10_000, `${name}'s /healthz`);
  return Object.assign(service, { port, url: `http://127.0.0.1:${port}` });
}

/** What a relay (or nginx in front of relays) answers at /healthz. */
export async function health(port: number): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`/healthz on port ${port} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The nginx binary: $NGINX, or Debian's, which is outside a normal user's PATH. */
function nginxBinary(): string {
  return process.env.NGINX ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');
}

/** nginx's version line, as `nginx -v` prints it. */
export function nginxVersion(): string {
  const run = spawnSync(nginxBinary(), ['-v'], { encoding: 'utf8' });
  return (run.stderr || run.stdout || '').trim();
}

/**
 * nginx in front of relays, with deploy/nginx.conf.template rendered for
 * them into a folder of its own, checked with `nginx -t`, and run in the
 * foreground as whatever user this is (`-p DIR -c DIR/nginx.conf -g
 * 'daemon off;'`), once it listens.
 */
export async function startNginx(options: Omit<NginxOptions, 'listen' | 'runDir'> & { port?: number }): Promise<NginxService> {
  const binary = nginxBinary();
  need(binary, ['-v'], 'apt-get install -y nginx');
  const port = options.port ?? (await freePort());
  const runDir = join(servicesFolder(), `nginx-${port}`);
  mkdirSync(runDir, { mode: 0o755 });
  const config = renderNginxConfig({ ...options, listen: `127.0.0.1:${port}`, runDir });
  const file = join(runDir, 'nginx.conf');
  writeFileSync(file, config);
  // -e: the error log before the configuration is read, which otherwise is /var/log/nginx/error.log (root's).
  const args = ['-p', runDir, '-e', join(runDir, 'error.log'), '-c', file];
  const check = spawnSync(binary, [...args, '-t'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx refused its configuration (${file}):\n${check.stderr}`);
  const service = start(`nginx-${port}`, binary, [...args, '-g', 'daemon off;']);
  await listeningOn(service, port);
  return Object.assign(service, { port, url: `http://127.0.0.1:${port}`, config });
}

/** Stops every service started here, the last started first, by process id; then removes their folder. */
export async function stopServices(): Promise<void> {
  const started = services.splice(0).reverse();
  for (const service of started) await service.stop().catch(() => {});
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
}
