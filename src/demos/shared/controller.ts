/**
 * The controller that most figures share: the state changes only through a
 * pure `reduce(state, action)`, so the same action gives the same figure in
 * every window. It restores a state from a link on the first arrival, maps
 * the clicker's step fragments to actions, runs a player while the state
 * says `playing`, and prints a still frame.
 */
import type { Address } from '../../address.ts';
import type { Controller, ControllerContext } from '../../contract/demo.ts';
import { createPlayer } from './player.ts';

export interface ReducerOptions<S, A> {
  reduce(state: S, action: A): S;
  /** The action for `shown` step fragments; without it the clicker does nothing to the figure. */
  step?(shown: number): A;
  /** While `playing(state)`, send `action` every `interval` ms. */
  play?: { playing(state: S): boolean; interval: number; action: A };
  /** A state carried by the page's link (e.g. `?gd1=…`), which wins over the clicker on the first arrival. */
  fromLink?(address: Address, initial: S): S | undefined;
  /** The still frame for the PDF, from the current state and the number of step fragments. */
  print?(state: S, steps: number): S;
  /** The state to draw when the slide is left (e.g. paused). */
  hide?(state: S): S;
}

export function reducerController<P, S, A>(context: ControllerContext<P, S>, options: ReducerOptions<S, A>): Controller<A> {
  const linked = options.fromLink?.(context.address, context.initial);
  let state = linked ?? context.initial;
  let arriving = linked !== undefined;
  const player = options.play
    ? createPlayer(context.reducedMotion ? options.play.interval * 1.5 : options.play.interval, () => {
        act(options.play!.action);
        return options.play!.playing(state);
      })
    : undefined;

  function set(next: S): void {
    if (next === state) return;
    state = next;
    context.render(state);
    if (player && options.play) {
      if (options.play.playing(state)) player.play();
      else player.stop();
    }
  }
  function act(action: A): void {
    set(options.reduce(state, action));
  }

  context.render(state);
  context.signal.addEventListener('abort', () => player?.stop());
  return {
    act,
    step(shown) {
      // A link's state wins over the clicker position it was taken at (the first call on arrival).
      if (arriving) {
        arriving = false;
        return;
      }
      if (options.step) act(options.step(shown));
    },
    hide() {
      if (options.hide) set(options.hide(state));
    },
    print() {
      // By default the still frame is the last step, as the clicker would leave it.
      if (options.print) set(options.print(state, context.steps));
      else if (options.step) act(options.step(context.steps));
      player?.stop();
    },
    dispose() {
      player?.stop();
    },
  };
}
