/**
 * Who is who in the room, as the relay alone decides it (Node only).
 *
 * - A room's id is an HMAC of its presenter's key under the relay's secret.
 *   Phones are told it; without the secret it says nothing of the key, so a
 *   weak key cannot be guessed from it offline.
 * - A phone's identity is a token the relay issues on first contact and signs
 *   with the same secret: opaque to the phone, kept by it, and checked by any
 *   relay process that shares the secret. A phone cannot choose its own id,
 *   so "one vote per poll" and "twenty digits per phone" count tokens the
 *   relay handed out, and those are limited per network address.
 * - In a room, a phone is known by an anonymous id derived from its token,
 *   which the presenter sees as the `from` of its digits and votes. The token
 *   itself never leaves the phone and the relay.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A phone token as the relay issues it: 22 characters of random id, a dot, 22 of signature. */
export const PHONE_TOKEN = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/;

/** A new secret for a relay that was given none: 32 random bytes. */
export function newRelaySecret(): string {
  return randomBytes(32).toString('base64url');
}

const mac = (secret: string, purpose: string, text: string) =>
  createHmac('sha256', secret).update(`${purpose}:${text}`).digest('base64url');

/** The id of the room a presenter's key opens under the relay's secret: 16 base64url characters. */
export function roomIdFor(secret: string, key: string): string {
  return mac(secret, 'deck-room', key).slice(0, 16);
}

/** Issues a new phone token, signed with the relay's secret. */
export function issuePhoneToken(secret: string): string {
  const id = randomBytes(16).toString('base64url');
  return `${id}.${mac(secret, 'deck-phone-token', id).slice(0, 22)}`;
}

/**
 * The phone's id inside a token, if the token is one this relay (or another
 * process with the same secret) issued; undefined for anything else.
 */
export function readPhoneToken(secret: string, token: unknown): string | undefined {
  if (typeof token !== 'string' || !PHONE_TOKEN.test(token)) return undefined;
  const [id, signature] = token.split('.') as [string, string];
  const expected = Buffer.from(mac(secret, 'deck-phone-token', id).slice(0, 22));
  return timingSafeEqual(expected, Buffer.from(signature)) ? id : undefined;
}

/**
 * A phone's anonymous id in a room. The same phone in the same room always
 * gets the same one, so its digits are counted across reconnects; it is a
 * one-way hash of the token's id, so whoever sees it (the presenter's deck,
 * perhaps the projector) cannot act as that phone.
 */
export function phoneIdFor(room: string, phone: string): string {
  return createHash('sha256').update(`deck-phone:${room}:${phone}`).digest('base64url').slice(0, 16);
}
