/**
 * The follow-along QR code. A build that knows its public address (SITE_URL)
 * draws the code at build time. A build that does not (a lecturer's
 * `npm start -- --host` on the room's network) marks the figure
 * `data-qr-auto`, and the page draws it from where it is actually served:
 * its own origin and base path, or, when it is opened as localhost, the
 * network address that our server reports at `__deck/address.json`, which is
 * the one phones in the room can reach.
 *
 * Only our server (scripts/serve.ts) answers `__deck/address.json`, and only
 * `npm start` serves a deck with it, always one built with a relay
 * (RELAY_URL=same-origin unless it names another): so the page asks only when
 * it has `<meta name="deck-relay">`. A deck built without one (`npm run
 * build`, `astro preview`, any static host) asks nothing, rather than meet a
 * 404 on every load.
 */
const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Whether the page was built to be served by our server, which reports its network addresses: a build with a relay. */
export function servedWithAddresses(page: Document): boolean {
  return page.querySelector('meta[name="deck-relay"]') !== null;
}

/**
 * The address phones should open: this page's, unless it is local and our
 * server (`server`: see servedWithAddresses) knows a network one.
 */
export async function publicAddress(
  location: Location,
  base: string,
  { server, fetcher = fetch }: { server: boolean; fetcher?: typeof fetch },
): Promise<string> {
  const here = new URL(base, location.origin).href;
  if (!server || !LOCAL.test(location.hostname)) return here;
  try {
    const response = await fetcher(new URL(`${base}__deck/address.json`, location.origin));
    if (!response.ok) return here;
    const { network } = (await response.json()) as { network?: string[] };
    const first = network?.find((url) => /^https?:\/\//.test(url));
    return first ? new URL(base, first).href : here;
  } catch {
    return here;
  }
}

/** The address a phone opens to follow the room: the deck's, asking to follow `room`. */
export function followAddress(address: string, room: string): string {
  const url = new URL(address);
  url.searchParams.set('follow', room);
  return url.href;
}

/**
 * Fills in every `figure.qr[data-qr-auto]` of the page. Once the deck has
 * joined a room, every follow-along code (drawn at build time or here)
 * is drawn again for the follow link, which names the room (never the
 * presenter's key).
 */
export function followAlong(page: Document, room?: string): void {
  const figures = [...page.querySelectorAll<HTMLElement>(room ? 'figure.qr' : 'figure.qr[data-qr-auto]')];
  if (figures.length === 0) return;
  void (async () => {
    const [{ renderSVG }, here] = await Promise.all([
      import('uqr'),
      publicAddress(location, import.meta.env.BASE_URL, { server: servedWithAddresses(page) }),
    ]);
    for (const figure of figures) {
      const link = figure.querySelector<HTMLAnchorElement>('figcaption a');
      const plain = 'qrAuto' in figure.dataset ? here : (figure.dataset.address ?? link?.href ?? here);
      const address = room ? followAddress(plain, room) : plain;
      const svg = renderSVG(address, { border: 2 }).replace(
        /^<svg\b/,
        `<svg role="img" aria-label="QR code of the deck's address, ${address}" focusable="false"`,
      );
      const holder = figure.querySelector<HTMLElement>('.qr-code');
      if (holder) holder.innerHTML = svg;
      if (link) {
        link.href = address;
        link.textContent = address;
      }
      if (room) figure.dataset.follow = address;
      else figure.dataset.address = address;
    }
  })();
}
