/**
 * The deck finds its demos by itself: every folder under src/demos/ with a
 * `manifest.ts` is one, named by its folder. Nothing here names a demo, so
 * adding one touches only its folder and the slide that embeds it.
 *
 * The manifests are small (a name, keys, a parameter schema and a dynamic
 * import), so they are bundled with the deck: the help overlay lists every
 * demo's keys from the first slide on. A demo's code loads on its slide.
 * The build reads the same manifests to check every `::demo{…}`.
 */
import type { AnyManifest } from '../contract/demo.ts';

const found = import.meta.glob<AnyManifest>('../demos/*/manifest.ts', { eager: true, import: 'default' });

/** Every demo's manifest, by name. */
export const MANIFESTS: ReadonlyMap<string, AnyManifest> = new Map(
  Object.entries(found).map(([path, manifest]) => {
    const folder = /\/demos\/([^/]+)\/manifest\.ts$/.exec(path)?.[1];
    if (!manifest || manifest.name !== folder) {
      throw new Error(
        `src/demos/${folder}/manifest.ts: its default export must be defineDemo({ name: "${folder}", … }), named as its folder`,
      );
    }
    return [manifest.name, manifest];
  }),
);
