/**
 * What the room's tests share: a relay on a free port, Socket.IO clients that
 * play the presenter's deck and the phones, and ways to wait for an event or
 * for its absence. Every socket and relay made here is closed by `cleanUp`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { io as connectTo, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ClientToServer, ServerToClient, Welcome } from '../../src/room/protocol.ts';
import { roomIdFor } from '../../src/room/identity.ts';
import { createRelay, type Relay, type RelayOptions } from '../../src/room/relay.ts';

export type Client = Socket<ServerToClient, ClientToServer>;

/** The default room's key in these tests: random, as a key must be (src/room/keys.ts). */
export const KEY = 'Zq3vN8rT1xLp6WbY0cKd5HsJ2mGf7Ue9';
/** A second key the test relays are given: a second room. */
export const OTHER_KEY = 'pW4eR7tY2uI9oA1sD6fG3hJ8kL5zX0cV';
/** The test relays' secret, so that the tests know their rooms' ids. */
export const SECRET = 'test-relay-secret-0123456789';
/** The id of the room a key opens on the test relays. */
export const roomOf = (key = KEY) => roomIdFor(SECRET, key);
export const PATH = '/__room/';

/** A digit as a phone draws it: 784 pixels from 0 to 1. */
export function pixels(seed = 1): number[] {
  return Array.from({ length: 784 }, (_, i) => ((i * 31 + seed * 17) % 101) / 100);
}

export interface RunningRelay {
  relay: Relay;
  server: Server;
  port: number;
  url: string;
  /** Closes the relay, then the HTTP server. */
  close(): Promise<void>;
}

const relays = new Set<RunningRelay>();
const sockets = new Set<Client>();

/** Starts an HTTP server with a relay on a free port (or the one given) on loopback. Node clients send no Origin, so by default it is not needed. */
export async function startRelay(options: Partial<RelayOptions> = {}, port = 0): Promise<RunningRelay> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const relay = createRelay(server, { path: PATH, presenterKey: KEY, keys: [OTHER_KEY], secret: SECRET, allowNoOrigin: true, ...options });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  await relay.ready;
  const actual = (server.address() as AddressInfo).port;
  const running: RunningRelay = {
    relay,
    server,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: async () => {
      relays.delete(running);
      await relay.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  relays.add(running);
  return running;
}

/** Opens a client socket; it is closed by cleanUp. Websocket only and no reconnection, unless the options say otherwise. */
export function client(url: string, auth: Record<string, unknown>, options: Partial<ManagerOptions & SocketOptions> = {}): Client {
  const socket: Client = connectTo(url, { path: PATH, auth, transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  sockets.add(socket);
  return socket;
}

/** The next time a socket receives an event, with its payload; fails after `ms`. */
export function next<E extends keyof ServerToClient>(socket: Client, event: E, ms = 2000): Promise<Parameters<ServerToClient[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const listener = (payload: Parameters<ServerToClient[E]>[0]) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, listener as never);
  });
}

/** Every payload of an event a socket receives from now on. */
export function collect<E extends keyof ServerToClient>(socket: Client, event: E): Parameters<ServerToClient[E]>[0][] {
  const seen: Parameters<ServerToClient[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClient[E]>[0]) => seen.push(payload)) as never);
  return seen;
}

/** Connects and resolves with the socket's welcome; rejects with the relay's reason when it refuses. */
export function welcomed(socket: Client, ms = 3000): Promise<Welcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no welcome within ${ms} ms`)), ms);
    socket.once('welcome', (welcome) => {
      clearTimeout(timer);
      resolve(welcome);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A presenter's deck, connected and welcomed. */
export async function presenter(url: string, key = KEY, options: Partial<ManagerOptions & SocketOptions> = {}) {
  const socket = client(url, { role: 'presenter', key }, options);
  return { socket, welcome: await welcomed(socket) };
}

/**
 * A phone, connected and welcomed. It has no identity of its own: the relay
 * issues it a token in its welcome, which `token` sends back to be the same
 * phone again (a reconnect, a second tab).
 */
export async function phone(
  url: string,
  extra: { room?: string; token?: string } = {},
  options: Partial<ManagerOptions & SocketOptions> = {},
) {
  const socket = client(
    url,
    { role: 'follower', ...(extra.room ? { room: extra.room } : {}), ...(extra.token ? { token: extra.token } : {}) },
    options,
  );
  const welcome = await welcomed(socket);
  return { socket, token: welcome.token!, welcome };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until a condition holds, checking every 10 ms; fails after `ms`. */
export async function until(condition: () => boolean, ms = 2000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms`);
    await sleep(10);
  }
}

/** Closes every socket and relay the tests opened. */
export async function cleanUp(): Promise<void> {
  for (const socket of sockets) socket.disconnect();
  sockets.clear();
  await Promise.all([...relays].map((running) => running.close()));
}

/** A relay in a child process (tests/fixtures/relay-process.ts), which answers questions over IPC. */
export interface RelayProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Asks the process something; it answers with one message. */
  ask<T>(message: { type: string }): Promise<T>;
  stop(): Promise<void>;
}

const FIXTURE = fileURLToPath(new URL('../fixtures/relay-process.ts', import.meta.url));

/** Starts a relay in its own Node process, with --expose-gc, and waits until it listens. */
export function relayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const child = fork(FIXTURE, [], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, DECK_PRESENTER_KEY: KEY, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('the relay process did not start within 10 s'));
    }, 10_000);
    child.once('exit', (code) => reject(new Error(`the relay process exited (${code}) before it listened`)));
    child.once('message', (message: { type: string; port: number }) => {
      clearTimeout(timer);
      const port = message.port;
      let asking = Promise.resolve();
      resolve({
        child,
        port,
        url: `http://127.0.0.1:${port}`,
        ask: <T>(question: { type: string }) => {
          // One question at a time, so that each answer is the answer to its question.
          const answer = asking.then(
            () =>
              new Promise<T>((ok, fail) => {
                const timeout = setTimeout(() => fail(new Error(`the relay process did not answer ${question.type}`)), 10_000);
                child.once('message', (reply: T) => {
                  clearTimeout(timeout);
                  ok(reply);
                });
                child.send(question);
              }),
          );
          asking = answer.then(
            () => {},
            () => {},
          );
          return answer;
        },
        stop,
      });
    });
  });
}
