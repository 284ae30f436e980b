/**
 * A training session's settings: a run (spec.ts; the lecture's Keras program
 * by default) and how to run it, with the URL parameters that shorten it for
 * a quick demo or a test.
 *
 *   ?backend=webgl        use this backend first (webgpu, webgl, wasm, cpu)
 *   ?train-size=384       train on the first N training examples
 *   ?test-size=1000       evaluate on the first N test examples
 *   ?epochs=2             train for N epochs
 *   ?loop=stock           train with tf.layers' model.fit instead (benchmark)
 */
import { KERAS_RUN, type RunSpec } from './spec.ts';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** How a session runs a RunSpec: what it evaluates on, where, and with which loop. None of it changes the weights. */
export interface SessionSettings {
  /** Evaluate on the first N of the 10,000 test images. */
  testSize: number;
  /** Backends to try, in order. */
  backends: BackendName[];
  /** The deck's own loop, or the stock `model.fit` (for the benchmark). */
  loop: 'deck' | 'stock';
}

/** A training run (spec.ts) and the session settings it runs under. */
export interface TrainingConfig extends RunSpec, SessionSettings {}

/** The lecture's Keras program (KERAS_RUN: Dense 512 relu, rmsprop, batch 128, 5 epochs), evaluated on all 10,000 test images. */
export const KERAS_PROGRAM: TrainingConfig = {
  ...KERAS_RUN,
  testSize: 10000,
  backends: [...BACKENDS],
  loop: 'deck',
};

/** Reads the documented URL parameters; anything unusable is reported, not guessed. */
export function configFromQuery(
  query: URLSearchParams,
  base: TrainingConfig = KERAS_PROGRAM,
): { config: TrainingConfig; problems: string[] } {
  const config: TrainingConfig = { ...base, backends: [...base.backends] };
  const problems: string[] = [];
  const integer = (name: string, min: number, max: number): number | undefined => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${raw} is not a whole number from ${min} to ${max}; using the default`);
      return undefined;
    }
    return value;
  };
  config.trainSize = integer('train-size', 1, 60000) ?? config.trainSize;
  config.testSize = integer('test-size', 1, 10000) ?? config.testSize;
  config.epochs = integer('epochs', 1, 50) ?? config.epochs;
  if (query.get('loop') === 'stock') config.loop = 'stock';
  const backend = query.get('backend');
  if (backend !== null) {
    if ((BACKENDS as readonly string[]).includes(backend)) {
      config.backends = [backend as BackendName, ...BACKENDS.filter((b) => b !== backend)];
    } else {
      problems.push(`backend=${backend} is not one of ${BACKENDS.join(', ')}; trying them in order`);
    }
  }
  return { config, problems };
}
