/**
 * Where the site serves its MNIST manifest: <base>mnist/manifest.json, as
 * written by src/integrations/mnist.ts. Works in a page and in a worker.
 */
export function mnistManifestUrl(): URL {
  return new URL(`${import.meta.env.BASE_URL}mnist/manifest.json`, globalThis.location.href);
}
