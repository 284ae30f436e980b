/**
 * The wiring every lab demo shares (model comparison, overfitting, the
 * ruler, a digit's path): the address's shortening, the URL notices, and
 * the still frame in print. The worker itself is reached through a
 * training session (session.ts).
 */
import type { Controller, ControllerContext } from '../../contract/demo.ts';
import { problemsWith, TRAINING_PARAMS, type Address } from '../../address.ts';
import type { WorkerStatus } from './trained-run.ts';

/** What the address asks to shorten: each field only when its parameter is there. */
export interface Shortening {
  trainSize?: number;
  testSize?: number;
  epochs?: number;
}

/** train-size, test-size and epochs from the address (as on the live slide): each only when given. */
export function shorteningOf(address: Address): Shortening {
  const { given } = address;
  return {
    ...(given['train-size'] ? { trainSize: given['train-size'] } : {}),
    ...(given['test-size'] ? { testSize: given['test-size'] } : {}),
    ...(given.epochs ? { epochs: given.epochs } : {}),
  };
}

/** A demo's `initial`: its model's first state for the address's shortening, with the address's problems shown. */
export function initialFromAddress<S extends { status: WorkerStatus }>(
  make: (shortening: Shortening) => S,
): (context: { address: Address }) => S {
  return ({ address }) => {
    const state = make(shorteningOf(address));
    return { ...state, status: { ...state.status, notices: problemsWith(address, TRAINING_PARAMS) } };
  };
}

/** The controller in print: the run recorded by bench/record-lab.ts, loaded only then. */
export function printRecorded<S, A>(context: ControllerContext<unknown, S>, recorded: () => Promise<S>): Controller<A> {
  return {
    async print() {
      context.render(await recorded());
    },
  };
}
