/**
 * Demos that train a fixed list of runs one after another (the model
 * comparison: three models; overfitting: a small and a full training set).
 * The pure part folds the worker's reports into the runs and names the
 * demo's state; the controller part submits the runs, pauses and resumes
 * the one training, and cancels them all on reset.
 */
import type { Controller, ControllerContext } from '../../contract/demo.ts';
import type { FromWorker, RunRequest } from '../../train/protocol.ts';
import { connectClient, printRecorded } from './lab-wiring.ts';
import { applyToRun, applyToStatus, type TrainedRun, type WorkerStatus } from './trained-run.ts';

/** What such a demo's state holds; `K` names its runs. */
export interface SequenceState<K extends string> {
  state: 'idle' | 'training' | 'paused' | 'done' | 'error';
  runs: Record<K, TrainedRun>;
  testSize: number;
  status: WorkerStatus;
}

/** The run training now (or paused), if any, in the order `keys` gives. */
export function currentOf<K extends string>(s: SequenceState<K>, keys: readonly K[]): K | undefined {
  return keys.find((k) => ['loading', 'training', 'paused'].includes(s.runs[k].state));
}

/** Applies a worker report to the runs and the status; true when the demo changed. */
export function updateSequence<K extends string>(s: SequenceState<K>, keys: readonly K[], message: FromWorker): boolean {
  const runs = keys.map((k) => s.runs[k]);
  let changed = applyToStatus(
    s.status,
    message,
    runs.map((r) => r.id),
  );
  for (const run of runs) changed = applyToRun(run, message) || changed;
  if (!changed) return false;
  if (s.status.error) s.state = 'error';
  else if (runs.every((r) => r.state === 'done')) s.state = 'done';
  else if (runs.some((r) => r.state === 'paused')) s.state = 'paused';
  else if (runs.some((r) => r.id !== undefined && r.state !== 'done')) s.state = 'training';
  return true;
}

/** The actions such a demo takes: T, R, and "Try again" after an error. */
export type SequenceAction = { type: 'toggle' } | { type: 'reset' } | { type: 'retry' };

/**
 * The controller: `fresh` gives the untrained state for the address,
 * `request` what to ask the worker for each run, `recorded` the still frame
 * for print.
 */
export function sequenceController<K extends string, S extends SequenceState<K>>(
  context: ControllerContext<unknown, S>,
  options: {
    keys: readonly K[];
    prefix: string;
    fresh: () => S;
    update: (s: S, message: FromWorker) => boolean;
    request: (key: K, run: TrainedRun & { id: string }, s: S) => RunRequest;
    recorded: (s: S) => Promise<S>;
  },
): Controller<SequenceAction> {
  const { query, print } = context;
  const state = context.initial;
  const draw = () => context.render(state);
  if (print) return printRecorded(context, () => options.recorded(state));
  const { client, unlisten } = connectClient(query, state, options.update, draw);
  const reset = () => {
    for (const k of options.keys) {
      const id = state.runs[k].id;
      if (id) client.send({ type: 'cancel', run: id });
    }
    // Back to "not trained yet", keeping the backend the worker reported.
    Object.assign(state, options.fresh(), { status: { ...state.status, notices: [], error: undefined } });
  };
  const start = () => {
    reset();
    state.state = 'training';
    for (const k of options.keys) {
      const run = state.runs[k];
      run.id = client.nextId(`${options.prefix}-${k}`);
      run.state = 'queued';
      client.send({ type: 'submit', run: options.request(k, run as TrainedRun & { id: string }, state) });
    }
    draw();
  };
  return {
    act(action) {
      const now = currentOf(state, options.keys);
      const id = now ? state.runs[now].id : undefined;
      switch (action.type) {
        case 'toggle':
          if (state.state === 'training' && id) client.send({ type: 'pause', run: id });
          else if (state.state === 'paused' && id) client.send({ type: 'resume', run: id });
          else if (state.state !== 'training') start();
          return;
        case 'retry':
          start();
          return;
        case 'reset':
          reset();
          draw();
          return;
      }
    },
    show: draw,
    dispose() {
      unlisten();
      reset();
    },
  };
}
