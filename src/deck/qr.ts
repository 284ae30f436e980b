/**
 * The follow-along QR code. A build that knows its public address (SITE_URL)
 * draws the code at build time. A build that does not (a lecturer's
 * `npm start -- --host` on the room's network) marks the figure
 * `data-qr-auto`, and the page draws it from where it is actually served:
 * its own origin and base path, or, when it is opened as localhost, the
 * network address that our server reports at `__deck/address.json`, which is
 * the one phones in the room can reach.
 */
const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** The address phones should open: this page's, unless it is local and the server knows a network one. */
export async function publicAddress(location: Location, base: string, fetcher: typeof fetch = fetch): Promise<string> {
  const here = new URL(base, location.origin).href;
  if (!LOCAL.test(location.hostname)) return here;
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

/** Fills in every `figure.qr[data-qr-auto]` of the page. */
export function followAlong(page: Document): void {
  const figures = [...page.querySelectorAll<HTMLElement>('figure.qr[data-qr-auto]')];
  if (figures.length === 0) return;
  void (async () => {
    const [{ renderSVG }, address] = await Promise.all([import('uqr'), publicAddress(location, import.meta.env.BASE_URL)]);
    const svg = renderSVG(address, { border: 2 }).replace(
      /^<svg\b/,
      `<svg role="img" aria-label="QR code of the deck's address, ${address}" focusable="false"`,
    );
    for (const figure of figures) {
      const holder = figure.querySelector<HTMLElement>('.qr-code');
      if (holder) holder.innerHTML = svg;
      const link = figure.querySelector<HTMLAnchorElement>('figcaption a');
      if (link) {
        link.href = address;
        link.textContent = address;
      }
      figure.dataset.address = address;
    }
  })();
}
