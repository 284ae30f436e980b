/**
 * What every stepped figure shares, as pure data and one reducer: a step
 * counter that the clicker, a Step button or a player (player.ts) moves,
 * and a `playing` flag that stops by itself when the run can go no further.
 */

/** The part of a figure's state that the stepper owns. */
export interface Stepped {
  step: number;
  playing: boolean;
}

/** Actions every stepped figure understands. */
export type StepperAction =
  { type: 'step' } | { type: 'goto'; step: number } | { type: 'reset' } | { type: 'toggle-play' } | { type: 'tick' };

const STEPPER = new Set(['step', 'goto', 'reset', 'toggle-play', 'tick']);

export function isStepperAction(action: { type: string }): action is StepperAction {
  return STEPPER.has(action.type);
}

export interface StepperLimits<S> {
  /** The most steps a run takes. */
  max: number;
  /** Whether the run at this state can go no further (it diverged, say): playing stops there. */
  finished(state: S): boolean;
}

/** Applies a stepper action: Step and ticks go one further, Goto jumps (and stops playing), Reset goes back to 0. */
export function reduceStepper<S extends Stepped>(state: S, action: StepperAction, limits: StepperLimits<S>): S {
  const done = (s: S) => s.step >= limits.max || limits.finished(s);
  switch (action.type) {
    case 'step':
      return { ...state, step: Math.min(limits.max, state.step + 1) };
    case 'goto':
      return { ...state, step: Math.max(0, Math.min(limits.max, Math.round(action.step))), playing: false };
    case 'reset':
      return { ...state, step: 0, playing: false };
    case 'toggle-play':
      return { ...state, playing: !state.playing && !done(state) };
    case 'tick':
      return done(state) ? { ...state, playing: false } : { ...state, step: state.step + 1 };
  }
}
