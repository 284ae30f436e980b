/**
 * Which relay a build of the deck uses, read from the environment when the
 * site is built (RELAY_URL), and written into the page for the browser:
 *
 * - unset: none. The deck is a published one without a room: it makes no
 *   request for one and shows no follow features.
 * - `same-origin`: the deck's own server, as `npm start` serves it (the
 *   relay at `<base>__room/` on the same port).
 * - an http(s) address: a relay run elsewhere with `npm run relay` (its
 *   origin joins the content security policy's connect-src, over ws(s) too).
 *
 * Build-time only (no browser code imports it); a mistake fails the build
 * with a message that says what to write.
 */
export type RelayConfig = { kind: 'none' } | { kind: 'same-origin' } | { kind: 'url'; url: string; origin: string };

/** The relay of a build, from RELAY_URL. */
export function relayFromEnv(value: string | undefined): RelayConfig {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'none') return { kind: 'none' };
  if (text === 'same-origin') return { kind: 'same-origin' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `RELAY_URL=${text} is not an address: use same-origin (npm start's own relay) or the http(s) address of \`npm run relay\`.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`RELAY_URL=${text} must be an http:// or https:// address (the deck turns it into ws:// or wss:// itself).`);
  if (url.search || url.hash) throw new Error(`RELAY_URL=${text} must not carry a query or a fragment.`);
  return { kind: 'url', url: url.href, origin: url.origin };
}

/** What the page's `<meta name="deck-relay">` says: absent without a relay. */
export function relayMeta(config: RelayConfig): string | undefined {
  return config.kind === 'none' ? undefined : config.kind === 'same-origin' ? 'same-origin' : config.url;
}

/** The connect-src sources a relay adds to the content security policy ('self' covers the deck's own server). */
export function relaySources(config: RelayConfig): string[] {
  if (config.kind !== 'url') return [];
  const ws = config.origin.replace(/^http/, 'ws');
  return [config.origin, ws];
}
