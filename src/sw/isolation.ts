/**
 * Cross-origin isolation: the response headers that give a page and its
 * workers SharedArrayBuffer, which TensorFlow.js needs to run WebAssembly on
 * several threads. One list for every way the deck is served:
 *
 * - our static server, for `npm start`, the tests and the bench (scripts/serve.ts);
 * - `astro dev` and `astro preview` (astro.config.mjs);
 * - static hosts that read a `_headers` file (Netlify, Cloudflare Pages), written by the build;
 * - the service worker (src/sw/sw.ts), on hosts that send none of them.
 *
 * COOP and COEP isolate the page; CORP (same-origin) says that only this
 * site may load the deck's files, so that no other site pulls them into its
 * process. Everything the deck loads is same-origin, so none of the three
 * blocks anything of its own.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Returns the base path with one leading and one trailing slash ("/", "/intro-to-deep-learning/"). */
export function normalizeBase(base: string): string {
  const trimmed = base.trim().replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}/` : '/';
}

/**
 * Returns the `_headers` file (Netlify and Cloudflare Pages syntax) that sends
 * the isolation headers on every path under the base path. It belongs at the
 * root of the folder the host publishes, whatever the base path.
 */
export function headersFile(base: string): string {
  const lines = Object.entries(ISOLATION_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return [
    '# Cross-origin isolation, so that the live slide can train on several WebAssembly threads.',
    '# Written by the build (src/integrations/offline.ts); edit src/sw/isolation.ts instead.',
    `${normalizeBase(base)}*`,
    ...lines,
    '',
  ].join('\n');
}

/** Statuses whose responses may not have a body: a Response built with one would throw. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Returns a copy of the response with the isolation headers set, for the
 * service worker to answer with. Opaque and network-error responses (status 0)
 * are returned as they are: they cannot be rebuilt, and nothing the deck
 * loads is one.
 */
export function withIsolation(response: Response): Response {
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(NULL_BODY.has(response.status) ? null : response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
