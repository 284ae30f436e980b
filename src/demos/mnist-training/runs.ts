/**
 * Runs side by side on the live slide, as data: the panel's choices (each
 * changes one thing of the next run), what a run changed against the
 * lecture's program (for the legend), the curves kept of earlier runs, and
 * runs in the address (`?runs=keras~opt:sgd,lr:0.01~units:32`), so that a
 * prepared link opens a comparison. Pure; no DOM.
 */
import {
  ADAM,
  KERAS_DENSE,
  KERAS_LEARNING_RATES,
  LOGISTIC,
  MOMENTUM,
  RMSPROP,
  SGD,
  SMALL_CNN,
  type ModelSpec,
  type OptimizerSpec,
  type RunSpec,
} from '../../train/model/spec.ts';
import { describeModel, describeOptimizer } from '../../train/model/spec-check.ts';

/** The panel's fields and the values each offers. */
export const MODELS = {
  dense: { label: 'Dense 512 (lecture)', spec: KERAS_DENSE },
  'dense-32': { label: 'Dense 32', spec: { layers: [{ type: 'dense', units: 32, activation: 'relu' }] } as ModelSpec },
  'dense-2048': { label: 'Dense 2048', spec: { layers: [{ type: 'dense', units: 2048, activation: 'relu' }] } as ModelSpec },
  logistic: { label: 'Logistic', spec: LOGISTIC },
  cnn: { label: 'Convnet', spec: SMALL_CNN },
} as const;
export type ModelKey = keyof typeof MODELS;

export const OPTIMIZERS = {
  rmsprop: { label: 'RMSprop', spec: RMSPROP },
  adam: { label: 'Adam', spec: ADAM },
  sgd: { label: 'SGD', spec: SGD },
  momentum: { label: 'Momentum', spec: MOMENTUM },
} as const;
export type OptimizerKey = keyof typeof OPTIMIZERS;

export const LEARNING_RATES = [0.0001, 0.001, 0.01, 0.1, 1] as const;
export const BATCHES = [32, 128, 512] as const;
export const TRAIN_SIZES = [600, 6000, 60000] as const;
export const EPOCHS = [1, 2, 5, 10] as const;

/** A change the panel makes to the next run. */
export type SpecChange =
  | { field: 'model'; value: ModelKey }
  | { field: 'optimizer'; value: OptimizerKey }
  | { field: 'learningRate'; value: number }
  | { field: 'batchSize'; value: number }
  | { field: 'trainSize'; value: number }
  | { field: 'epochs'; value: number };

export function modelKey(spec: ModelSpec): ModelKey | undefined {
  const json = JSON.stringify(spec);
  return (Object.keys(MODELS) as ModelKey[]).find((k) => JSON.stringify(MODELS[k].spec) === json);
}

export function optimizerKey(spec: OptimizerSpec): OptimizerKey | undefined {
  return (Object.keys(OPTIMIZERS) as OptimizerKey[]).find((k) => JSON.stringify(OPTIMIZERS[k].spec) === JSON.stringify(spec));
}

/** Applies a panel change to a spec. */
export function change(spec: RunSpec, c: SpecChange): RunSpec {
  switch (c.field) {
    case 'model':
      return { ...spec, model: MODELS[c.value].spec };
    case 'optimizer':
      // As Keras does for optimizer='sgd': each optimizer comes with its own default learning rate.
      return { ...spec, optimizer: OPTIMIZERS[c.value].spec, learningRate: KERAS_LEARNING_RATES[OPTIMIZERS[c.value].spec.type] };
    default:
      return { ...spec, [c.field]: c.value };
  }
}

const number = new Intl.NumberFormat('en');

/** What a run does differently from `base` (the lecture's program), in a few words: "SGD · lr 0.01". */
export function whatChanged(spec: RunSpec, base: RunSpec): string {
  const parts: string[] = [];
  if (JSON.stringify(spec.model) !== JSON.stringify(base.model))
    parts.push(modelKey(spec.model) ? MODELS[modelKey(spec.model)!].label : describeModel(spec.model));
  if (JSON.stringify(spec.optimizer) !== JSON.stringify(base.optimizer)) parts.push(describeOptimizer(spec.optimizer));
  if (spec.learningRate !== base.learningRate) parts.push(`lr ${spec.learningRate}`);
  if (spec.batchSize !== base.batchSize) parts.push(`batch ${spec.batchSize}`);
  if (spec.trainSize !== base.trainSize) parts.push(`${number.format(spec.trainSize)} images`);
  if (spec.epochs !== base.epochs) parts.push(`${spec.epochs} epoch${spec.epochs === 1 ? '' : 's'}`);
  return parts.length === 0 ? 'the lecture’s program' : parts.join(' · ');
}

/** An earlier run, as the charts keep it: thinned curves and its result. */
export interface PastRun {
  id: string;
  spec: RunSpec;
  label: string;
  /** Step at each kept point, and the smoothed loss and accuracy there. */
  x: number[];
  loss: number[];
  accuracy: number[];
  /** Steps in the whole run, for the x axis. */
  steps: number;
  testAccuracy: number | undefined;
  seconds: number | undefined;
}

/** The most runs the charts keep (the current one included). */
export const MAX_RUNS = 6;

/** Keeps at most `max` evenly spaced points of a curve, always the last. */
export function thin<T>(values: readonly T[], max: number): T[] {
  if (values.length <= max) return [...values];
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(values[Math.floor((i * (values.length - 1)) / (max - 1))]!);
  out.push(values.at(-1)!);
  return out;
}

// ---------------------------------------------------------------- runs in the address

const CODES: Record<string, (spec: RunSpec, value: string) => RunSpec | undefined> = {
  model: (spec, v) => (v in MODELS ? { ...spec, model: MODELS[v as ModelKey].spec } : undefined),
  // As on the panel, an optimizer comes with Keras's default learning rate; an lr after it overrides that.
  opt: (spec, v) => (v in OPTIMIZERS ? change(spec, { field: 'optimizer', value: v as OptimizerKey }) : undefined),
  lr: (spec, v) => (Number(v) > 0 && Number(v) <= 10 ? { ...spec, learningRate: Number(v) } : undefined),
  bs: (spec, v) => (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 4096 ? { ...spec, batchSize: Number(v) } : undefined),
  train: (spec, v) => (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 60000 ? { ...spec, trainSize: Number(v) } : undefined),
  epochs: (spec, v) => (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 50 ? { ...spec, epochs: Number(v) } : undefined),
  units: (spec, v) =>
    Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 4096
      ? { ...spec, model: { layers: [{ type: 'dense', units: Number(v), activation: 'relu' }] } }
      : undefined,
};

/**
 * Reads runs from the address: `~` between runs, `,` between changes to
 * the base, `key:value` each (`keras` alone is the base itself). Keys:
 * model (dense, dense-32, dense-2048, logistic, cnn), opt (rmsprop, adam,
 * sgd, momentum), lr, bs, train, epochs, units.
 */
export function decodeRuns(text: string | null, base: RunSpec): { runs: RunSpec[]; problems: string[] } {
  const runs: RunSpec[] = [];
  const problems: string[] = [];
  if (!text) return { runs, problems };
  for (const part of text.split('~').slice(0, MAX_RUNS)) {
    let spec = base;
    for (const item of part.split(',').filter((p) => p && p !== 'keras')) {
      const [key, value = ''] = item.split(':');
      const apply = key ? CODES[key] : undefined;
      const next = apply?.(spec, value);
      if (next) spec = next;
      else problems.push(`runs: "${item}" is not a change this slide knows (keys: ${Object.keys(CODES).join(', ')})`);
    }
    runs.push(spec);
  }
  return { runs, problems };
}

/** Writes runs as `decodeRuns` reads them, each as its changes to the base. */
export function encodeRuns(runs: readonly RunSpec[], base: RunSpec): string {
  return runs
    .map((spec) => {
      const parts: string[] = [];
      const model = modelKey(spec.model);
      if (JSON.stringify(spec.model) !== JSON.stringify(base.model)) {
        const first = spec.model.layers[0];
        parts.push(
          model ? `model:${model}` : first?.type === 'dense' && spec.model.layers.length === 1 ? `units:${first.units}` : 'model:dense',
        );
      }
      const optimizer = optimizerKey(spec.optimizer);
      let learningRate = base.learningRate;
      if (optimizer && JSON.stringify(spec.optimizer) !== JSON.stringify(base.optimizer)) {
        parts.push(`opt:${optimizer}`);
        learningRate = KERAS_LEARNING_RATES[spec.optimizer.type];
      }
      if (spec.learningRate !== learningRate) parts.push(`lr:${spec.learningRate}`);
      if (spec.batchSize !== base.batchSize) parts.push(`bs:${spec.batchSize}`);
      if (spec.trainSize !== base.trainSize) parts.push(`train:${spec.trainSize}`);
      if (spec.epochs !== base.epochs) parts.push(`epochs:${spec.epochs}`);
      return parts.length === 0 ? 'keras' : parts.join(',');
    })
    .join('~');
}

/** The run part of a session's settings. */
export function specOf(config: RunSpec & object): RunSpec {
  const { model, optimizer, learningRate, batchSize, epochs, trainSize, seed } = config;
  return { model, optimizer, learningRate, batchSize, epochs, trainSize, seed };
}

/** The address `href` with `runs=` set to `runs` and the live slide as its slide; every other parameter kept. */
export function runsLink(href: string, runs: string): string {
  const url = new URL(href);
  url.searchParams.set('runs', runs);
  url.hash = '#/live-training';
  return url.href;
}
