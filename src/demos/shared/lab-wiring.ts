/**
 * The wiring every lab demo shares (model comparison, overfitting, the
 * ruler, a digit's path): the address's shortening, the URL notices, the
 * still frame in print, and the page's training client fed into the state.
 * Pure of the demos' own logic: each passes its model's functions in.
 */
import type { Controller, ControllerContext } from '../../contract/demo.ts';
import { trainingClient, type TrainingClient } from '../../train/client.ts';
import { configFromQuery } from '../../train/config.ts';
import type { FromWorker } from '../../train/protocol.ts';
import type { WorkerStatus } from './trained-run.ts';

/** What the address asks to shorten: each field only when its parameter is there. */
export interface Shortening {
  trainSize?: number;
  testSize?: number;
  epochs?: number;
}

/** train-size, test-size and epochs from the address (as on the live slide), with a sentence for each bad one. */
export function shorteningFromQuery(query: URLSearchParams): { shortening: Shortening; notices: string[] } {
  const { config, problems } = configFromQuery(query);
  return {
    shortening: {
      ...(query.has('train-size') ? { trainSize: config.trainSize } : {}),
      ...(query.has('test-size') ? { testSize: config.testSize } : {}),
      ...(query.has('epochs') ? { epochs: config.epochs } : {}),
    },
    notices: problems.map((p) => `URL parameter ${p}.`),
  };
}

/** A demo's `initial`: its model's first state for the address's shortening, with the address's notices shown. */
export function initialFromQuery<S extends { status: WorkerStatus }>(
  make: (shortening: Shortening) => S,
): (context: { query: URLSearchParams }) => S {
  return ({ query }) => {
    const { shortening, notices } = shorteningFromQuery(query);
    const state = make(shortening);
    state.status.notices = notices;
    return state;
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

/**
 * Connects the page's training client: every report goes to `onMessage`
 * (which returns whether to draw), the backend already known is applied at
 * once, and the state is drawn. Returns the client and a function that stops
 * listening.
 */
export function connectClient<S>(
  query: URLSearchParams,
  state: S,
  update: (state: S, message: FromWorker) => boolean,
  draw: () => void,
  onMessage: (message: FromWorker) => boolean = (message) => update(state, message),
): { client: TrainingClient; unlisten: () => void } {
  const client = trainingClient(query);
  const unlisten = client.listen((message) => {
    if (onMessage(message)) draw();
  });
  if (client.backend) update(state, client.backend);
  draw();
  return { client, unlisten };
}
