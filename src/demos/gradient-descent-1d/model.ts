/**
 * Gradient descent on one parameter: loss curves with their derivatives, the
 * iterates of w ← w − η·dL/dw, and the figure's state with the actions that
 * change it. Pure functions; no DOM, no D3. Any step of a run is a function
 * of its settings (as in Distill's "Why Momentum Really Works"), so the
 * figure can be drawn at any step, mirrored, printed and linked.
 */
import { isStepperAction, reduceStepper, type Stepped, type StepperAction } from '../shared/stepper.ts';
import { decodeState, encodeState, numberOr } from '../shared/url-state.ts';

export interface Curve {
  id: CurveId;
  name: string;
  loss(w: number): number;
  gradient(w: number): number;
  /** The w range the figure shows. */
  domain: [number, number];
  /** Where a run starts unless told otherwise. */
  start: number;
}

export type CurveId = 'valley' | 'two-valleys';

/** A smooth valley, steeper on the right than on the left, with one minimum at w = 1. */
export const VALLEY: Curve = {
  id: 'valley',
  name: 'one minimum',
  loss: (w) => {
    const u = w - 1;
    return 0.4 * u * u + 0.04 * u ** 3 + 0.02 * u ** 4 + 0.5;
  },
  gradient: (w) => {
    const u = w - 1;
    return 0.8 * u + 0.12 * u * u + 0.08 * u ** 3;
  },
  domain: [-3, 4],
  start: -2,
};

/** Two valleys: a shallow local minimum on the left and the global one on the right. */
export const TWO_VALLEYS: Curve = {
  id: 'two-valleys',
  name: 'a local minimum',
  loss: (w) => 0.08 * w ** 4 - 0.6 * w * w - 0.35 * w + 2,
  gradient: (w) => 0.32 * w ** 3 - 1.2 * w - 0.35,
  domain: [-3.5, 3.5],
  start: -3,
};

export const CURVES: Record<CurveId, Curve> = { valley: VALLEY, 'two-valleys': TWO_VALLEYS };

/** Learning rates the instructor can name aloud. */
export const PRESETS = {
  small: { eta: 0.05, label: 'too small' },
  good: { eta: 0.9, label: 'about right' },
  large: { eta: 2.6, label: 'too large' },
} as const;
export type PresetName = keyof typeof PRESETS;

export interface Iterate {
  step: number;
  w: number;
  loss: number;
  gradient: number;
}

/** Beyond this |w| (or on a non-finite value) a run is said to have diverged and stops. */
export const DIVERGED = 1e3;

/** The most steps a run takes. */
export const MAX_STEPS = 60;

/**
 * The iterates of gradient descent from `start`: step 0 is the start, step k
 * the weight after k updates. Stops early once the run diverges.
 */
export function descend1d(curve: Curve, start: number, eta: number, steps: number): { iterates: Iterate[]; diverged: boolean } {
  const at = (step: number, w: number): Iterate => ({ step, w, loss: curve.loss(w), gradient: curve.gradient(w) });
  const iterates = [at(0, start)];
  for (let k = 1; k <= steps; k++) {
    const last = iterates[k - 1]!;
    const w = last.w - eta * last.gradient;
    if (!Number.isFinite(w) || Math.abs(w) > DIVERGED || !Number.isFinite(curve.loss(w))) return { iterates, diverged: true };
    iterates.push(at(k, w));
  }
  const last = iterates.at(-1)!;
  return { iterates, diverged: Math.abs(last.w) > 50 };
}

// ---------------------------------------------------------------- the figure's state

/** Everything the figure shows, as data. */
export interface Gd1State extends Stepped {
  curve: CurveId;
  eta: number;
  /** Where descent starts. */
  w0: number;
}

export type Gd1Action =
  StepperAction | { type: 'preset'; preset: PresetName } | { type: 'curve'; curve: CurveId } | { type: 'start-at'; w0: number };

/** The state a slide's parameters give, before anything happened. */
export function initialState(params: { preset: PresetName; curve: CurveId }): Gd1State {
  return { curve: params.curve, eta: PRESETS[params.preset].eta, w0: CURVES[params.curve].start, step: 0, playing: false };
}

/** Whether the run at this state has nowhere further to go (diverged, converged or at the step limit). */
export function finished(state: Gd1State): boolean {
  const run = descend1d(CURVES[state.curve], state.w0, state.eta, state.step);
  return run.diverged || state.step >= MAX_STEPS || Math.abs(run.iterates.at(-1)!.gradient) < 1e-4;
}

/** Applies an action. Changing the learning rate, the curve or the start begins a new run at step 0. */
export function reduce(state: Gd1State, action: Gd1Action): Gd1State {
  if (isStepperAction(action)) return reduceStepper(state, action, { max: MAX_STEPS, finished });
  switch (action.type) {
    case 'preset':
      return { ...state, eta: PRESETS[action.preset].eta, step: 0, playing: false };
    case 'curve':
      return { ...state, curve: action.curve, w0: CURVES[action.curve].start, step: 0, playing: false };
    case 'start-at': {
      const [lo, hi] = CURVES[state.curve].domain;
      return action.w0 >= lo && action.w0 <= hi ? { ...state, w0: action.w0, step: 0, playing: false } : state;
    }
  }
}

/** The state a link restores (`?gd1=curve:two-valleys,eta:0.05,w0:-3,step:3`), or undefined when it carries none. */
export function stateFromLink(text: string | null, fallback: Gd1State): Gd1State | undefined {
  const saved = decodeState(text);
  if (Object.keys(saved).length === 0) return undefined;
  const curve: CurveId = saved.curve === 'two-valleys' ? 'two-valleys' : saved.curve === 'valley' ? 'valley' : fallback.curve;
  const eta = numberOr(saved.eta, fallback.eta);
  return {
    curve,
    eta: eta > 0 ? eta : fallback.eta,
    w0: numberOr(saved.w0, CURVES[curve].start),
    step: Math.max(0, Math.min(MAX_STEPS, Math.round(numberOr(saved.step, 0)))),
    playing: false,
  };
}

/** The link parameter for a state. */
export function linkFor(state: Gd1State): string {
  return encodeState({ curve: state.curve, eta: state.eta, w0: state.w0, step: state.step });
}
