/**
 * Where the room's relay answers: one module without the protocol's schemas,
 * so that the deck's room client, which needs the path and nothing of zod,
 * stays small (the relay checks every message; the deck only connects).
 */

/** Where, under the deck's base path (or the relay's root), the relay answers Socket.IO. */
export const ROOM_PATH = '__room/';

/**
 * Returns the Socket.IO path of the room for a deck built under `base` ("/"
 * or "/intro-to-deep-learning/", with or without its slashes): always with a
 * leading and a trailing slash, as the server and the client must agree.
 */
export function roomPath(base: string): string {
  const trimmed = base.trim().replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}/${ROOM_PATH}` : `/${ROOM_PATH}`;
}
