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
import { initialComparison, update as comparisonUpdate } from '../../src/demos/model-comparison/model.ts';
import { createView as comparisonView } from '../../src/demos/model-comparison/view.ts';
import { initialOverfit, update as overfitUpdate } from '../../src/demos/overfitting/model.ts';
import { createView as overfitView } from '../../src/demos/overfitting/view.ts';
import {
  examplesFrom,
  initialShortcut,
  update as shortcutUpdate,
  withInspection as shortcutInspection,
} from '../../src/demos/shortcut/model.ts';
import { createView as shortcutView } from '../../src/demos/shortcut/view.ts';
import { initialPath, update as pathUpdate, withInspection as pathInspection } from '../../src/demos/digit-path/model.ts';
import { createView as pathView } from '../../src/demos/digit-path/view.ts';
import { IMAGE_BYTES } from '../../src/mnist/format.ts';
import type { FromWorker } from '../../src/train/protocol.ts';
import { KERAS_PROGRAM } from '../../src/train/config.ts';
import { mulberry32 } from '../../src/lib/random.ts';

// KaTeX checks for standards mode when it loads, and happy-dom has no compatMode: say what the deck's page is.
vi.hoisted(() => Object.defineProperty(document, 'compatMode', { value: 'CSS1Compat', configurable: true }));

const HERE = dirname(fileURLToPath(import.meta.url));
const STORE = join(HERE, 'views');
const UPDATE = process.env.UPDATE_VIEWS === '1';

/** Draws `states` one after another in a fresh figure and returns its markup, one tag per line. */
function draw<S>(
  create: (context: ViewContext<unknown, never>) => DemoView<S>,
  states: S[],
  options: Partial<ViewContext<unknown, never>> = {},
): string {
  const root = document.createElement('figure');
  root.className = 'demo';
  const stage = document.createElement('div');
  stage.className = 'demo-stage';
  root.append(stage);
  document.body.append(root);
  const view = create({
    root,
    stage,
    params: {},
    steps: 0,
    print: false,
    reducedMotion: true,
    signal: new AbortController().signal,
    role: 'main',
    dispatch: () => {},
    ...options,
  });
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
  if (!UPDATE && !existsSync(stored) && process.env.CI)
    expect.fail(`there is no stored picture tests/unit/views/${name}.html: run the view tests locally and commit it`);
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
  expect.fail(
    `the view "${name}" changed: compare tests/unit/views/${name}.html with ${name}-changed.html; if the change is meant, run \`npm run test:views:accept\``,
  );
}

afterEach(() => document.body.replaceChildren());

describe('the gradient-descent views', () => {
  const gd1 = (state: Gd1State, ...actions: Parameters<typeof gd1Reduce>[1][]) => actions.reduce(gd1Reduce, state);
  it('one parameter: the start, three steps too small, and a diverged run', () => {
    const start = gd1Initial({ preset: 'good', curve: 'valley' });
    expectPicture('gd1-start', draw(gd1View, [start]));
    expectPicture(
      'gd1-small-3',
      draw(gd1View, [gd1(start, { type: 'preset', preset: 'small' }, { type: 'step' }, { type: 'step' }, { type: 'step' })]),
    );
    expectPicture('gd1-diverged', draw(gd1View, [gd1(start, { type: 'preset', preset: 'large' }, { type: 'goto', step: 6 })]));
    expectPicture('gd1-two-valleys', draw(gd1View, [gd1(start, { type: 'curve', curve: 'two-valleys' }, { type: 'goto', step: 8 })]));
  });

  it('two parameters: the start, and nine steps of mini-batches of 16 with momentum', () => {
    const start: Gd2State = gd2Initial({ eta: 0.15, batch: 8, momentum: 0 });
    expectPicture('gd2-start', draw(gd2View, [start]));
    const moved = [
      { type: 'batch', batchSize: 16 },
      { type: 'momentum', momentum: 0.8 },
      { type: 'goto', step: 9 },
    ] as const;
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
    expectPicture(
      'explore-error',
      draw(exploreView, [{ ...exploreInitial(), status: 'error', error: 'The server answered 503 for the MNIST shard train-00.' }]),
    );
    const ready: ExploreState = {
      ...exploreInitial(),
      status: 'ready',
      data: { counts: { train: 60000, test: 10000 }, labels, images },
      step: 2,
    };
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
        batches: Array.from({ length: 20 }, (_, i) => ({
          epoch: i < 10 ? 1 : 2,
          stepInEpoch: (i % 10) + 1,
          stepsPerEpoch: 10,
          step: i + 1,
          loss: 2.3 * Math.exp(-i / 6) + 0.1 * curve(),
          accuracy: Math.min(0.98, 0.1 + i * 0.05),
          size: 128,
        })),
        examplesPerSecond: 5800,
      });
      const confusion = Array.from({ length: 10 }, (_, r) =>
        Array.from({ length: 10 }, (_, c) => (r === c ? 45 : (r + c) % 7 === 0 ? 2 : 0)),
      );
      update(run, { type: 'epoch', run: id, epoch: 1, accuracy: finalAccuracy - 0.04, loss: 0.45, confusion });
      update(run, { type: 'epoch', run: id, epoch: 2, accuracy: finalAccuracy, loss: 0.31, confusion });
    };
    update(run, {
      type: 'backend',
      backend: 'wasm',
      notes: [],
      choice: {
        how: 'measured',
        timings: [{ backend: 'wasm', examplesPerSecond: 5800, label: 'WebAssembly' }],
        passedOver: [{ backend: 'webgl', reason: 'emulated' }],
      },
      threads: 2,
    });
    train('live-1', { ...run.base, optimizer: { type: 'sgd' }, learningRate: 0.01 }, 0.86);
    update(run, { type: 'state', run: 'live-1', state: 'done' });
    train('live-2', run.base, 0.912);
    const random = mulberry32(9);
    update(run, {
      type: 'templates',
      run: 'live-2',
      units: [1, 2, 3],
      images: Float32Array.from({ length: 3 * 784 }, () => random() * 2 - 1),
      limit: 1,
    });
    update(run, { type: 'state', run: 'live-2', state: 'paused' });
    expectPicture('live-paused', draw(liveView, [run]));
    update(run, { type: 'state', run: 'live-2', state: 'done' });
    update(run, { type: 'done', run: 'live-2', testAccuracy: 0.912, seconds: 14 });
    update(run, {
      type: 'prediction',
      run: 'live-2',
      id: 1,
      probabilities: Float32Array.from([0.01, 0.02, 0.01, 0.8, 0.02, 0.05, 0.01, 0.04, 0.02, 0.02]),
    });
    // A report about another demo's run changes nothing here.
    update(run, { type: 'state', run: 'comparison-1', state: 'training' });
    expect(run.state).toBe('done');
    expectPicture('live-done', draw(liveView, [{ ...run, strokes: [[100, 40, 140, 60, 150, 120]] }]));
  });
});

describe('the lab’s views', () => {
  const epoch = (run: string, n: number, accuracy: number, trainAccuracy?: number): FromWorker => ({
    type: 'epoch',
    run,
    epoch: n,
    accuracy,
    loss: 0.1,
    confusion: [],
    ...(trainAccuracy === undefined ? {} : { trainAccuracy }),
  });
  const finish = (update: (m: FromWorker) => unknown, run: string, testAccuracy: number, seconds: number, extra: object = {}) => {
    update({ type: 'done', run, testAccuracy, seconds, ...extra } as FromWorker);
    update({ type: 'state', run, state: 'done' });
  };
  const backend: FromWorker = {
    type: 'backend',
    backend: 'wasm',
    notes: [],
    choice: { how: 'forced', timings: [], passedOver: [] },
    threads: 2,
  };

  it('the model comparison: idle, the dense network training after logistic regression, and all three done', () => {
    const idle = initialComparison({ testSize: 10000 });
    expectPicture('comparison-idle', draw(comparisonView, [idle]));
    const s = initialComparison({ testSize: 10000 });
    const u = (m: FromWorker) => comparisonUpdate(s, m);
    s.runs.logistic.id = 'l';
    s.runs.dense.id = 'd';
    s.runs.cnn.id = 'c';
    u(backend);
    u(epoch('l', 5, 0.9236));
    finish(u, 'l', 0.9236, 21.8);
    u({ type: 'state', run: 'd', state: 'training' });
    u({
      type: 'batches',
      run: 'd',
      batches: [{ epoch: 2, stepInEpoch: 100, stepsPerEpoch: 469, step: 569, loss: 0.1, accuracy: 0.97, size: 128 }],
      examplesPerSecond: 3300,
    });
    u(epoch('d', 1, 0.9642));
    u({ type: 'state', run: 'c', state: 'queued' });
    expectPicture('comparison-training', draw(comparisonView, [s]));
    finish(u, 'd', 0.9787, 79.3);
    finish(u, 'c', 0.9901, 146);
    expectPicture('comparison-done', draw(comparisonView, [s]));
  });

  it('overfitting: 500 images far apart, 60,000 together', () => {
    const s = initialOverfit({});
    const u = (m: FromWorker) => overfitUpdate(s, m);
    s.runs.small.id = 's';
    s.runs.full.id = 'f';
    u(backend);
    for (let e = 1; e <= 40; e++) u(epoch('s', e, Math.min(0.86, 0.5 + e * 0.02), Math.min(1, 0.55 + e * 0.03)));
    finish(u, 's', 0.86, 16);
    u(epoch('f', 1, 0.957, 0.962));
    u(epoch('f', 2, 0.972, 0.981));
    finish(u, 'f', 0.972, 44);
    expectPicture('overfitting-done', draw(overfitView, [s]));
  });

  it('the ruler: caught, then removed, with where it looks', () => {
    const s = initialShortcut({});
    const u = (m: FromWorker) => shortcutUpdate(s, m);
    const random = mulberry32(5);
    const images = Uint8Array.from({ length: 2 * IMAGE_BYTES }, () => (random() < 0.15 ? 255 : 0));
    s.examples = examplesFrom([7, 1], images);
    s.run.id = 'on';
    u(backend);
    finish(u, 'on', 0.9, 12, {
      trainAccuracy: 0.995,
      marked: { count: 2000, accuracy: 0.18, flippedShare: 0.8, perClass: [Number.NaN, 0.3, 0.1, 0.2, 0.15, 0.1, 0.25, 0.2, 0.1, 0.2] },
    });
    const saliency = Float32Array.from({ length: IMAGE_BYTES }, (_, i) => (i < 60 ? 1 : random() * 0.2));
    shortcutInspection(s, 0, {
      hidden: new Float32Array(0),
      top: [],
      templates: new Float32Array(0),
      limit: 0,
      probabilities: new Float32Array(10),
      saliency,
      classIndex: 0,
    });
    expectPicture('shortcut-with-ruler', draw(shortcutView, [s]));
    s.before = s.run;
    s.ruler = 'off';
    s.run = { ...s.run, id: 'off', state: 'queued' };
    finish(u, 'off', 0.91, 12, {
      trainAccuracy: 0.994,
      marked: { count: 2000, accuracy: 0.9, flippedShare: 0.01, perClass: [Number.NaN, 0.95, 0.88, 0.9, 0.9, 0.85, 0.93, 0.9, 0.86, 0.88] },
    });
    expectPicture('shortcut-without-ruler', draw(shortcutView, [s]));
  });

  it('a digit’s path: before training, and a test digit through the trained network', () => {
    expectPicture('path-idle', draw(pathView, [initialPath()]));
    const s = initialPath();
    s.run.id = 'p';
    pathUpdate(s, backend);
    pathUpdate(s, { type: 'state', run: 'p', state: 'done' });
    const random = mulberry32(8);
    s.tests = [{ label: 3, image: Array.from({ length: IMAGE_BYTES }, () => (random() < 0.2 ? 255 : 0)) }];
    const hidden = Float32Array.from({ length: 512 }, () => Math.max(0, random() - 0.7));
    pathInspection(
      s,
      Float32Array.from(s.tests[0]!.image, (v) => v / 255),
      {
        hidden,
        top: [3, 40, 77, 100, 200, 300],
        templates: Float32Array.from({ length: 6 * IMAGE_BYTES }, () => random() - 0.5),
        limit: 0.5,
        probabilities: Float32Array.from([0.01, 0.01, 0.02, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]),
        saliency: Float32Array.from({ length: IMAGE_BYTES }, () => random()),
        classIndex: 3,
      },
    );
    expectPicture('path-test-digit', draw(pathView, [s]));
  });
});

describe('the example view', () => {
  it('draws its count', () => {
    expectPicture('example-3', draw(exampleView, [{ count: 3 }]));
  });
});
