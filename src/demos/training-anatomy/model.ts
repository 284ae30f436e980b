/**
 * "Anatomy of training" as data: the lecture's diagram (input, layers with
 * weights, predictions, true targets, loss, optimizer, weight update) and
 * the five steps of the training loop, each lighting some of it. Pure.
 */
export interface Node {
  id: string;
  label: string;
  sub?: string;
  x: number;
  y: number;
  w: number;
  h: number;
  kind: 'data' | 'layer' | 'weights' | 'target' | 'loss' | 'optimizer';
}

export const NODES: Node[] = [
  { id: 'input', label: 'Input X', sub: 'a batch of images', x: 330, y: 10, w: 240, h: 56, kind: 'data' },
  { id: 'layer1', label: 'Layer', sub: 'data transformation', x: 330, y: 100, w: 240, h: 60, kind: 'layer' },
  { id: 'w1', label: 'Weights', x: 60, y: 104, w: 170, h: 52, kind: 'weights' },
  { id: 'layer2', label: 'Layer', sub: 'data transformation', x: 330, y: 196, w: 240, h: 60, kind: 'layer' },
  { id: 'w2', label: 'Weights', x: 60, y: 200, w: 170, h: 52, kind: 'weights' },
  { id: 'pred', label: 'Predictions Y′', x: 330, y: 292, w: 240, h: 50, kind: 'data' },
  { id: 'target', label: 'True targets Y', x: 630, y: 292, w: 240, h: 50, kind: 'target' },
  { id: 'loss', label: 'Loss function', sub: '→ loss score', x: 480, y: 380, w: 240, h: 60, kind: 'loss' },
  { id: 'opt', label: 'Optimizer', x: 60, y: 384, w: 170, h: 52, kind: 'optimizer' },
];

export const EDGES: { from: string; to: string; d: string; back?: boolean }[] = [
  { from: 'input', to: 'layer1', d: 'M450 66 L450 96' },
  { from: 'w1', to: 'layer1', d: 'M230 130 L326 130' },
  { from: 'layer1', to: 'layer2', d: 'M450 160 L450 192' },
  { from: 'w2', to: 'layer2', d: 'M230 226 L326 226' },
  { from: 'layer2', to: 'pred', d: 'M450 256 L450 288' },
  { from: 'pred', to: 'loss', d: 'M450 342 C450 362 540 360 570 376' },
  { from: 'target', to: 'loss', d: 'M750 342 C750 362 660 360 630 376' },
  { from: 'loss', to: 'opt', d: 'M476 410 L234 410', back: true },
  { from: 'opt', to: 'w1', d: 'M40 410 L40 130 L56 130', back: true },
  { from: 'opt', to: 'w2', d: 'M40 226 L56 226', back: true },
];

/** What each step of the training loop lights up, and what the caption says. */
export const STEPS = [
  { nodes: [] as string[], edges: [] as number[], text: 'The machine of training. Click to go through one step of the loop.' },
  { nodes: ['input', 'target'], edges: [], text: '1. Draw a batch: images X and their true targets Y.' },
  {
    nodes: ['input', 'layer1', 'layer2', 'pred', 'w1', 'w2'],
    edges: [0, 1, 2, 3, 4],
    text: '2. Forward pass: the layers, with their current weights, turn X into predictions Y′.',
  },
  {
    nodes: ['pred', 'target', 'loss'],
    edges: [5, 6],
    text: '3. Loss: the loss function compares Y′ with Y and gives one number, the loss score.',
  },
  {
    nodes: ['loss', 'layer2', 'layer1', 'w1', 'w2'],
    edges: [7],
    text: '4. Backward pass: backpropagation computes the gradient of the loss for every weight.',
  },
  {
    nodes: ['opt', 'w1', 'w2'],
    edges: [7, 8, 9],
    text: '5. Step: the optimizer moves every weight a little against its gradient. Then the next batch.',
  },
];

/** The figure's state: which step of the loop is lit (0 = none yet). */
export interface AnatomyState {
  step: number;
}

export type AnatomyAction = { type: 'goto'; step: number };

export function reduce(_state: AnatomyState, action: AnatomyAction): AnatomyState {
  return { step: Math.max(0, Math.min(STEPS.length - 1, Math.round(action.step))) };
}
