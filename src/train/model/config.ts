/**
 * A training session's settings: a run (spec.ts; the lecture's Keras program
 * by default) and how to run it, with the URL parameters that shorten it for
 * a quick demo or a test (train-size, test-size, epochs, backend, loop: their
 * table is src/params.ts, which checked them).
 */
import type { Given } from '../../params.ts';
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

/** The order of backends that a `backend` parameter forces, or `auto` to measure them. */
export function backendOrder(asked: Given['backend']): BackendName[] | 'auto' {
  return asked === undefined || asked === 'auto' ? 'auto' : [asked, ...BACKENDS.filter((b) => b !== asked)];
}

/** The settings of a session as the address shortens or forces them (its parameters already checked by src/params.ts). */
export function configFromAddress(given: Given, base: TrainingConfig = KERAS_PROGRAM): TrainingConfig {
  const order = backendOrder(given.backend);
  return {
    ...base,
    trainSize: given['train-size'] ?? base.trainSize,
    testSize: given['test-size'] ?? base.testSize,
    epochs: given.epochs ?? base.epochs,
    loop: given.loop ?? base.loop,
    backends: order === 'auto' ? [...base.backends] : order,
  };
}
