/**
 * Who may connect, and who they are: the relay's door.
 *
 * - Before Socket.IO: a page from another origin, or from this origin on a
 *   name that is not this machine's (DNS rebinding), is turned away; so is a
 *   connection beyond one address's share, or beyond the relay's size less
 *   what is kept for presenters.
 * - In the handshake: a presenter's key must be one the relay was given; a
 *   phone must name a room the relay holds (or none, for the default room),
 *   and gets its identity from the relay: the token it kept, if the relay
 *   signed it, or a new one, of which one address gets only so many a
 *   minute (src/room/identity.ts).
 *
 * Of a handshake the relay keeps only the room's id and the phone's
 * anonymous id: neither the key nor the token travels to other processes.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as z from 'zod/mini';
import { AuthSchema, MIN_KEY_LENGTH } from '../protocol.ts';
import { issuePhoneToken, phoneIdFor, readPhoneToken, roomIdFor } from '../identity.ts';
import { addressKey, seconds } from './limits.ts';
import { message, type OriginCheck, type RelayContext, type RelayOptions, type RelaySocket } from './types.ts';

/** Why a handshake was refused: the message a client's connect_error carries, and what the stats count it as. */
class Refusal extends Error {
  readonly kind: 'handshake' | 'unknown' | 'full' | 'identities';
  constructor(text: string, kind: Refusal['kind'] = 'handshake') {
    super(text);
    this.kind = kind;
  }
}

/** What a welcomed socket is, as the handshake leaves it in `socket.data`. */
export interface Admitted {
  room: string;
  phone?: string;
  window?: string;
}

/**
 * Whether an origin is the page's own: its host (and port) is the one the
 * request was sent to. This admits the deck from every address it is served
 * at (localhost, the laptop's address on the room's network) without a list.
 */
export function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** The relay's door: the checks before Socket.IO (`allowRequest`, `countConnection`) and in its handshake (`admit`). */
export function door(
  context: RelayContext,
  options: RelayOptions,
  relay: { secret(): string; defaultRoom(): string | undefined; phones(): number },
) {
  const { counters, limits } = context;
  const extraOrigins = Array.isArray(options.origins)
    ? new Set(options.origins.map((origin) => new URL(origin).origin))
    : new Set<string>();
  // The page's own origin only where its Host names this machine: otherwise a page on a name that resolves here is its own origin too.
  const hostAllowed = options.hosts ?? (() => true);
  const originAllowed: OriginCheck =
    typeof options.origins === 'function'
      ? options.origins
      : (origin, host) => (sameOrigin(origin, host) && hostAllowed(host)) || extraOrigins.has(origin);
  const perAddress = new Map<string, number>();

  /** The network address a request came from, as the limits per address count it. */
  const addressOf = (req: IncomingMessage): string => {
    let address = req.socket.remoteAddress ?? '';
    if (options.trustProxy) {
      const header = req.headers['x-forwarded-for'];
      const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      if (forwarded.length > 0) address = forwarded[forwarded.length - 1]!;
    }
    return addressKey(address);
  };

  return {
    extraOrigins,

    allowRequest(req: IncomingMessage, clients: number, callback: (error: string | null | undefined, ok: boolean) => void): void {
      if (clients >= limits.connections + limits.presenterReserve) {
        counters.rejected.full++;
        return callback('The room is full.', false);
      }
      if ((perAddress.get(addressOf(req)) ?? 0) >= limits.connectionsPerAddress) {
        counters.rejected.address++;
        return callback('Too many connections come from this network address.', false);
      }
      const origin = req.headers.origin;
      const allowed = origin === undefined ? options.allowNoOrigin === true : originAllowed(origin, req.headers.host);
      if (!allowed) counters.rejected.origin++;
      callback(allowed ? null : 'This page may not connect to the room.', allowed);
    },

    /** Counts an engine connection under its address until it closes. */
    countConnection(raw: { request: IncomingMessage; once(event: 'close', listener: () => void): void }): void {
      const address = addressOf(raw.request);
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      raw.once('close', () => {
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      });
    },

    /** Checks a handshake; on success leaves an Admitted in `socket.data`, and the phone's token in `tokens`. */
    async admit(socket: RelaySocket, tokens: WeakMap<object, string>): Promise<Error | undefined> {
      const parsed = z.safeParse(AuthSchema, socket.handshake.auth);
      const role: unknown = (socket.handshake.auth as { role?: unknown } | null)?.role;
      // Neither the key nor the phone's token stays in memory, nor travels to other processes with fetchSockets.
      socket.handshake.auth = {};
      try {
        if (!parsed.success) {
          const field = parsed.error.issues[0]?.path[0];
          if (role === 'presenter' && field !== 'window')
            throw new Refusal(`A presenter key must be ${MIN_KEY_LENGTH} to 256 characters long.`);
          if (role === 'follower' && field === 'room')
            throw new Refusal("That room id is not one this relay gives: use the presenter's link or QR code as it is.");
          throw new Refusal(
            "The relay needs to know who is connecting: { role: 'presenter', key } for the presenter's deck, or { role: 'follower' } for a phone.",
          );
        }
        const secret = relay.secret();
        const auth = parsed.data;
        if (auth.role === 'presenter') {
          const room = roomIdFor(secret, auth.key);
          // A key the relay was not given opens nothing: it is refused like a wrong key, and no room is made for it.
          if (!context.keyRooms.has(room))
            throw new Refusal('This presenter key opens no room on this relay: use the link the relay printed.', 'unknown');
          socket.data = { room, window: auth.window ?? socket.id } satisfies Admitted;
          return undefined;
        }
        const room = auth.room ?? relay.defaultRoom();
        if (room === undefined)
          throw new Refusal(
            'This relay has no default room: open the deck from the link or QR code the presenter shows, which names its room.',
          );
        if (!context.keyRooms.has(room))
          throw new Refusal("That room is not one this relay holds: use the presenter's link or QR code as it is.", 'unknown');
        if (relay.phones() >= limits.connections) throw new Refusal('The room is full.', 'full');
        let token = auth.token;
        let phone = readPhoneToken(secret, token);
        if (phone === undefined) {
          // A phone's identity is the relay's to give, and one network address gets only so many a minute.
          const address = createHmac('sha256', secret).update(addressOf(socket.request)).digest('base64url').slice(0, 22);
          const wait = await context.store.take(`relay/new-phones/${address}`, limits.newPhonesPerAddress);
          if (wait > 0)
            throw new Refusal(
              `Too many new phones have joined from this network in the last minute: try again in ${seconds(wait)}.`,
              'identities',
            );
          token = issuePhoneToken(secret);
          phone = readPhoneToken(secret, token)!;
        }
        tokens.set(socket, token!);
        socket.data = { room, phone: phoneIdFor(room, phone) } satisfies Admitted;
        return undefined;
      } catch (error) {
        if (error instanceof Refusal) {
          counters.rejected[error.kind]++;
          return error;
        }
        counters.rejected.handshake++;
        context.log(`A handshake could not be checked: ${message(error)}`);
        return new Error('The relay could not check this handshake; try again in a moment.');
      }
    },
  };
}
