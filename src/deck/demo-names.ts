/**
 * The names a slide may give to `::demo{name="…"}`.
 *
 * This list is read at build time (to reject a misspelt name with a clear
 * message) and in the browser (the registry in `registry.ts` must have a
 * loader for each name, which TypeScript checks). Add a name here when you add
 * a folder under src/demos/.
 */
export const DEMO_NAMES = [
  'change-of-coordinates',
  'gradient-descent-1d',
  'gradient-descent-2d',
  'mnist-explore',
  'mnist-training',
  'tensor-ranks',
  'training-anatomy',
  'uncrumpling',
] as const satisfies readonly string[];

export type DemoName = (typeof DEMO_NAMES)[number];
