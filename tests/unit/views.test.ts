// @vitest-environment happy-dom
/**
 * Every demo's view, drawn for fixed, seeded states and compared with a
 * stored picture, as Observable Plot tests its figures. The pictures are the
 * figures' markup (SVG inside HTML) in tests/unit/views/, one file per state;
 * open one in a browser to see it.
 *
 * On a mismatch the test writes `<name>-changed.html` beside the stored file
 * and fails; compare the two, and if the change is meant, accept every
 * changed picture with `npm run test:views:accept` (which rewrites the stored
 * files and deletes the -changed ones). A new picture is stored on its first
 * run, except in CI, where a missing one fails.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DemoView, ViewContext } from '../../src/contract/demo.ts';
import { initialState as gd1Initial, reduce as gd1Reduce, type Gd1State } from '../../src/demos/gradient-descent-1d/model.ts';
import { createView as gd1View } from '../../src/demos/gradient-descent-1d/view.ts';
import { initialState as gd2Initial, reduce as gd2Reduce, type Gd2State } from '../../src/demos/gradient-descent-2d/model.ts';
import { createView as gd2View } from '../../src/demos/gradient-descent-2d/view.ts';
import { createView as coordinatesView } from '../../src/demos/change-of-coordinates/view.ts';
import { createView as anatomyView } from '../../src/demos/training-anatomy/view.ts';
import { createView as tensorsView } from '../../src/demos/tensor-ranks/view.ts';
import { initialState as uncrumpleInitial } from '../../src/demos/uncrumpling/model.ts';
import { createView as uncrumpleView } from '../../src/demos/uncrumpling/view.ts';
import { initialState as exploreInitial, type ExploreState } from '../../src/demos/mnist-explore/model.ts';
import { createView as exploreView } from '../../src/demos/mnist-explore/view.ts';
import { beginRun, initialState as liveInitial, update, type LiveState } from '../../src/demos/mnist-training/state.ts';
import { createView as liveView } from '../../src/demos/mnist-training/view.ts';
import { createView as exampleView } from '../../src/demos/example/view.ts';
import { KERAS_PROGRAM } from '../../src/train/config.ts';
import { mulberry32 } from '../../src/train/random.ts';

// KaTeX checks for standards mode when it loads, and happy-dom has no compatMode: say what the deck's page is.
vi.hoisted(() => Object.defineProperty(document, 'compatMode', { value: 'CSS1Compat', configurable: true }));

const HERE = dirname(fileURLToPath(import.meta.url));
const STORE = join(HERE, 'views');
const UPDATE = process.env.UPDATE_VIEWS === '1';

/** Draws `states` one after another in a fresh figure and returns its markup, one tag per line. */
function draw<S>(create: (context: ViewContext<unknown, never>) => DemoView<S>, states: S[], options: Partial<ViewContext<unknown, never>> = {}): string {
  const root = document.createElement('figure');
  root.className = 'demo';
  const stage = document.createElement('div');
  stage.className = 'demo-stage';
  root.append(stage);
  document.body.append(root);
  const view = create({ root, stage, params: {}, steps: 0, print: false, reducedMotion: true, signal: new AbortController().signal, role: 'main', dispatch: () => {}, ...options });
  for (const state of states) view.render(state);
  const attributes = Object.entries(root.dataset)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${v}"`)
    .join(' ');
  return `<!-- figure ${attributes} -->\n${stage.innerHTML.replace(/></g, '>\n<')}\n`;
}

/** Compares a picture with its stored file; writes -changed beside it on a mismatch. */
function expectPicture(name: string, markup: string): void {
  const stored = join(STORE, `${name}.html`);
  const changed = join(STORE, `${name}-changed.html`);
  mkdirSync(STORE, { recursive: true });
  if (!UPDATE && !existsSync(stored) && process.env.CI) expect.fail(`there is no stored picture tests/unit/views/${name}.html: run the view tests locally and commit it`);
  if (UPDATE || !existsSync(stored)) {
    writeFileSync(stored, markup);
    rmSync(changed, { force: true });
    return;
  }
  const expected = readFileSync(stored, 'utf8');
  if (expected === markup) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, markup);
  expect.fail(`the view "${name}" changed: compare tests/unit/views/${name}.html with ${name}-changed.html; if the change is meant, run \`npm run test:views:accept\``);
}

afterEach(() => document.body.replaceChildren());

describe('the gradient-descent views', () => {
  const gd1 = (state: Gd1State, ...actions: Parameters<typeof gd1Reduce>[1][]) => actions.reduce(gd1Reduce, state);
  it('one parameter: the start, three steps too small, and a diverged run', () => {
    const start = gd1Initial({ preset: 'good', curve: 'valley' });
    expectPicture('gd1-start', draw(gd1View, [start]));
    expectPicture('gd1-small-3', draw(gd1View, [gd1(start, { type: 'preset', preset: 'small' }, { type: 'step' }, { type: 'step' }, { type: 'step' })]));
    expectPicture('gd1-diverged', draw(gd1View, [gd1(start, { type: 'preset', preset: 'large' }, { type: 'goto', step: 6 })]));
    expectPicture('gd1-two-valleys', draw(gd1View, [gd1(start, { type: 'curve', curve: 'two-valleys' }, { type: 'goto', step: 8 })]));
  });

  it('two parameters: the start, and nine steps of mini-batches of 16 with momentum', () => {
    const start: Gd2State = gd2Initial({ eta: 0.15, batch: 8, momentum: 0 });
    expectPicture('gd2-start', draw(gd2View, [start]));
    const moved = [{ type: 'batch', batchSize: 16 }, { type: 'momentum', momentum: 0.8 }, { type: 'goto', step: 9 }] as const;
    expectPicture('gd2-momentum-9', draw(gd2View, [moved.reduce<Gd2State>((s, a) => gd2Reduce(s, a), start)]));
  });
});

describe('the representation views', () => {
  it('change of coordinates: the original axes and the turned ones', () => {
    expectPicture('coordinates-original', draw(coordinatesView, [{ turned: false }]));
    expectPicture('coordinates-turned', draw(coordinatesView, [{ turned: true }]));
  });

  it('anatomy: nothing lit, then the loss step', () => {
    expectPicture('anatomy-0', draw(anatomyView, [{ step: 0 }]));
    expectPicture('anatomy-3', draw(anatomyView, [{ step: 3 }]));
  });

  it('tensor ranks: a scalar, a 4D tensor, a seeded digit reshaped, and the printed progression', () => {
    const random = mulberry32(5);
    const digit = Uint8Array.from({ length: 784 }, (_, i) => (Math.abs((i % 28) - 14) < 4 && random() > 0.3 ? 255 : 0));
    expectPicture('tensors-0', draw(tensorsView, [{ stage: 0, digit: null }]));
    expectPicture('tensors-4', draw(tensorsView, [{ stage: 4, digit: null }]));
    expectPicture('tensors-reshaped', draw(tensorsView, [{ stage: 8, digit }]));
    expectPicture('tensors-printed', draw(tensorsView, [{ stage: 8, digit: null }], { print: true }));
  });

  it('uncrumpling: the untrained network at its last layer and at its input', () => {
    const start = uncrumpleInitial();
    expectPicture('uncrumpling-layer-4', draw(uncrumpleView, [start]));
    expectPicture('uncrumpling-layer-0', draw(uncrumpleView, [{ ...start, layer: 0 }]));
  });
});

describe('the MNIST views', () => {
  const random = mulberry32(11);
  const labels = Uint8Array.from({ length: 24 }, (_, i) => (i * 7) % 10);
  const images = Uint8Array.from({ length: 24 * 784 }, () => (random() > 0.8 ? Math.floor(random() * 256) : 0));

  it('explore the data: loading, an error, and the data at step 2', () => {
    expectPicture('explore-loading', draw(exploreView, [exploreInitial()]));
    expectPicture('explore-error', draw(exploreView, [{ ...exploreInitial(), status: 'error', error: 'The server answered 503 for the MNIST shard train-00.' }]));
    const ready: ExploreState = { ...exploreInitial(), status: 'ready', data: { counts: { train: 60000, test: 10000 }, labels, images }, step: 2 };
    expectPicture('explore-ready', draw(exploreView, [ready]));
  });

  it('the live slide: idle, paused after two epochs with an earlier run and templates, and done', () => {
    const config = { ...KERAS_PROGRAM, trainSize: 1280, testSize: 500, epochs: 2 };
    const idle = liveInitial(config);
    expectPicture('live-idle', draw(liveView, [idle]));
    const run: LiveState = liveInitial(config);
    const curve = mulberry32(3);
    const train = (id: string, spec: LiveState['base'], finalAccuracy: number) => {
      beginRun(run, id, spec);
      update(run, { type: 'state', run: id, state: 'training' });
      update(run, {
        type: 'batches',
        run: id,
        batches: Array.from({ length: 20 }, (_, i) => ({ epoch: i < 10 ? 1 : 2, stepInEpoch: (i % 10) + 1, stepsPerEpoch: 10, step: i + 1, loss: 2.3 * Math.exp(-i / 6) + 0.1 * curve(), accuracy: Math.min(0.98, 0.1 + i * 0.05), size: 128 })),
        examplesPerSecond: 5800,
      });
      const confusion = Array.from({ length: 10 }, (_, r) => Array.from({ length: 10 }, (_, c) => (r === c ? 45 : (r + c) % 7 === 0 ? 2 : 0)));
      update(run, { type: 'epoch', run: id, epoch: 1, accuracy: finalAccuracy - 0.04, loss: 0.45, confusion });
      update(run, { type: 'epoch', run: id, epoch: 2, accuracy: finalAccuracy, loss: 0.31, confusion });
    };
    update(run, { type: 'backend', backend: 'wasm', notes: [], choice: { how: 'measured', timings: [{ backend: 'wasm', examplesPerSecond: 5800, label: 'WebAssembly' }], passedOver: [{ backend: 'webgl', reason: 'emulated' }] }, threads: 2 });
    train('live-1', { ...run.base, optimizer: { type: 'sgd' }, learningRate: 0.01 }, 0.86);
    update(run, { type: 'state', run: 'live-1', state: 'done' });
    train('live-2', run.base, 0.912);
    const random = mulberry32(9);
    update(run, { type: 'templates', run: 'live-2', units: [1, 2, 3], images: Float32Array.from({ length: 3 * 784 }, () => random() * 2 - 1), limit: 1 });
    update(run, { type: 'state', run: 'live-2', state: 'paused' });
    expectPicture('live-paused', draw(liveView, [run]));
    update(run, { type: 'state', run: 'live-2', state: 'done' });
    update(run, { type: 'done', run: 'live-2', testAccuracy: 0.912, seconds: 14 });
    update(run, { type: 'prediction', run: 'live-2', id: 1, probabilities: Float32Array.from([0.01, 0.02, 0.01, 0.8, 0.02, 0.05, 0.01, 0.04, 0.02, 0.02]) });
    // A report about another demo's run changes nothing here.
    update(run, { type: 'state', run: 'comparison-1', state: 'training' });
    expect(run.state).toBe('done');
    expectPicture('live-done', draw(liveView, [{ ...run, strokes: [[100, 40, 140, 60, 150, 120]] }]));
  });
});

describe('the example view', () => {
  it('draws its count', () => {
    expectPicture('example-3', draw(exampleView, [{ count: 3 }]));
  });
});
