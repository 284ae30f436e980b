/**
 * Demos that train a fixed list of runs one after another (the model
 * comparison: three models; overfitting: a small and a full training set).
 * The pure part folds the worker's reports into the runs and names the
 * demo's state; the controller submits the runs through the demo's
 * training session, which pauses, resumes and cancels them.
 */
import type { Controller, ControllerContext } from '../../contract/demo.ts';
import type { FromWorker, RunRequest } from '../../train/protocol.ts';
import { printRecorded } from './lab-wiring.ts';
import { TrainingSession } from './session.ts';
import { foldRun, foldStatus, type TrainedRun, type WorkerStatus } from './trained-run.ts';

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

/** The demo's state that its runs and status imply. */
function overall<K extends string>(runs: TrainedRun[], status: WorkerStatus): SequenceState<K>['state'] {
  if (status.error) return 'error';
  if (runs.every((r) => r.state === 'done')) return 'done';
  if (runs.some((r) => r.state === 'paused')) return 'paused';
  if (runs.some((r) => r.id !== undefined && r.state !== 'done')) return 'training';
  return 'idle';
}

/** Folds a worker report into the runs and the status; the same state when it is about none of them. */
export function foldSequence<K extends string, S extends SequenceState<K>>(s: S, keys: readonly K[], message: FromWorker): S {
  const status = foldStatus(
    s.status,
    message,
    keys.map((k) => s.runs[k].id),
  );
  const runs = Object.fromEntries(keys.map((k) => [k, foldRun(s.runs[k], message)])) as Record<K, TrainedRun>;
  if (status === s.status && keys.every((k) => runs[k] === s.runs[k])) return s;
  const state = overall<K>(
    keys.map((k) => runs[k]),
    status,
  );
  // A run that never started keeps the demo idle until the first report about one that did.
  return { ...s, runs, status, state: state === 'idle' ? s.state : state };
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
    request: (key: K, run: TrainedRun, s: S) => Omit<RunRequest, 'id'>;
    recorded: (s: S) => Promise<S>;
  },
): Controller<SequenceAction> {
  if (context.print) return printRecorded(context, () => options.recorded(context.initial));
  const session = new TrainingSession<S>(context.address, context.initial, {
    prefix: options.prefix,
    fold: (s, message) => foldSequence(s, options.keys, message),
    render: (s) => context.render(s),
  });
  /** Back to "not trained yet", keeping the backend the worker reported. */
  const reset = (): S => {
    for (const k of options.keys) session.cancel(session.state.runs[k].id);
    return { ...options.fresh(), status: { ...session.state.status, notices: [], error: undefined } };
  };
  const start = () => {
    const s = reset();
    const runs = { ...s.runs };
    for (const k of options.keys) runs[k] = { ...runs[k], id: session.submit(options.request(k, runs[k], s), k), state: 'queued' };
    session.set({ ...s, runs, state: 'training' });
  };
  return {
    act(action) {
      const s = session.state;
      const now = currentOf(s, options.keys);
      const id = now ? s.runs[now].id : undefined;
      switch (action.type) {
        case 'toggle':
          if (s.state === 'training' && id) session.pause(id);
          else if (s.state === 'paused' && id) session.resume(id);
          else if (s.state !== 'training') start();
          return;
        case 'retry':
          start();
          return;
        case 'reset':
          session.set(reset());
          return;
      }
    },
    show: () => session.render(),
    dispose: () => session.dispose(),
  };
}
