/**
 * Where each demo's code comes from. Every entry is a dynamic import, so Vite
 * puts each demo in its own chunk and the browser fetches it only when the
 * demo's slide is reached. TypeScript checks that every name in DEMO_NAMES has
 * a loader here.
 */
import type { DemoModule } from './demo.ts';
import type { DemoName } from './demo-names.ts';

export const registry: Record<DemoName, () => Promise<DemoModule>> = {
  'change-of-coordinates': () => import('../demos/representations/coordinates.ts'),
  'tensor-ranks': () => import('../demos/representations/tensors.ts'),
  'training-anatomy': () => import('../demos/representations/anatomy.ts'),
  uncrumpling: () => import('../demos/representations/uncrumple.ts'),
  'gradient-descent-1d': () => import('../demos/gradient-descent/index1d.ts'),
  'gradient-descent-2d': () => import('../demos/gradient-descent/index2d.ts'),
  'mnist-explore': () => import('../demos/mnist-explore/index.ts'),
  'mnist-training': () => import('../demos/mnist-training/index.ts'),
};
