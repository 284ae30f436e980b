/**
 * A poll's controller, for the three places a poll runs:
 *
 * - the presenter's deck (room role "presenter"): it hears the phones'
 *   votes for this poll, keeps one per phone in its ballot box (model.ts
 *   says why the box is not in the state), moves the poll on with V, and
 *   publishes what phones may see under `poll:<id>` (publicState: the stage
 *   and the number of votes, the counts only once revealed);
 * - a phone (role "follower"): it sends this phone's vote and draws the
 *   state the presenter publishes;
 * - a deck without a room, and print: a still frame that asks the room for
 *   a show of hands (the slide's notes tell the lecturer how to run the poll
 *   with a room), where V still marks the right answer.
 *
 * The projector draws no button: V moves the poll on in either window, and
 * the speaker view's preview has the button (view.ts), whose click arrives
 * here as the same action.
 *
 * The right answer comes from the slide (`answer`) or from another figure
 * (`answer-from`): then it is read from that figure's data- attribute when
 * the presenter reveals the votes, presses V again, or comes back to the
 * poll after the experiment.
 *
 * The projector draws a crowd's votes a few times a second, not once each:
 * votes that arrive within DRAW_EVERY of each other are drawn together when
 * its timer fires, so that a hall voting at once (or a script with many
 * identities) cannot keep the projector's main thread busy drawing, nor
 * flood the speaker view's mirrors, which get every state drawn. A new
 * stage or answer, and anything on a phone, is drawn at once, with any
 * votes that were waiting. Phones hear the counts less often still
 * (PUBLISH_EVERY).
 */
import type { Controller, ControllerContext } from '../../contract/demo.ts';
import { throttledPublisher } from '../shared/publisher.ts';
import { castVote, pollKey, publicState, reduce, type BallotBox, type PollAction, type PollSide, type PollState } from './model.ts';
import type { PollParams } from './params.ts';

/** What the controller needs from the page; tests give their own. */
export interface PollDependencies {
  /** Reads a demo's data- attribute (without `data-`) from its figure in the page. */
  lookup(demo: string, report: string): string | undefined;
  /** Milliseconds between two publications while only the number of votes changes: a crowd voting at once must not exceed the relay's rate. */
  publishEvery: number;
  /** Milliseconds between two drawings while only votes arrive: votes in between are drawn together. 0 draws each at once. */
  drawEvery: number;
}

/** Votes counted on the projector reach the phones at most twice a second (the relay passes 20 states a second). */
const PUBLISH_EVERY = 500;

/** Votes counted on the projector are drawn at most four times a second: enough for bars that grow, little for the main thread. */
const DRAW_EVERY = 250;

/**
 * The one place a controller reads the page: another demo's figure reports
 * its result as a data- attribute (model-comparison's data-best, say), and a
 * controller cannot reach another demo's state, so the poll reads the
 * figure. Nothing else of the page is read.
 */
export function readReport(demo: string, report: string): string | undefined {
  const figure = document.querySelector<HTMLElement>(`figure[data-demo="${CSS.escape(demo)}"]`);
  const key = report.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return figure?.dataset[key] || undefined;
}

export function pollController(
  context: ControllerContext<PollParams, PollState>,
  dependencies: Partial<PollDependencies> = {},
): Controller<PollAction> {
  const { room, params } = context;
  const lookup = dependencies.lookup ?? readReport;
  const every = dependencies.publishEvery ?? PUBLISH_EVERY;
  const drawEvery = dependencies.drawEvery ?? DRAW_EVERY;
  const side: PollSide = context.print || !room ? 'alone' : room.role === 'presenter' ? 'projector' : 'phone';
  const key = pollKey(params.id);
  let state: PollState = { ...context.initial, side };
  /** Projector: who voted what; the state carries only the counts. */
  const box: BallotBox = new Map();
  let visible = false;
  /** The drawing that waits for votes to gather, if one does. */
  let frame: ReturnType<typeof setTimeout> | undefined;
  const publisher = throttledPublisher(room, key, () => publicState(state), every);

  /** Draws the state now, and with it any votes that were waiting for their frame. */
  const draw = () => {
    clearTimeout(frame);
    frame = undefined;
    context.render(state);
  };

  /** A new stage or answer goes out at once; a new count waits for the next publication. */
  const publish = (before: PollState) => {
    if (side !== 'projector') return;
    if (before.state !== state.state || before.answer !== state.answer) publisher.now();
    else publisher.soon();
  };
  /** Takes a new state: drawn at once, or, for a vote (`soon`), with the others that arrive before the frame's timer fires. */
  const set = (next: PollState, soon = false) => {
    if (next === state) return;
    const before = state;
    state = next;
    if (!soon || drawEvery <= 0) draw();
    else frame ??= setTimeout(draw, drawEvery);
    publish(before);
  };
  /** The right answer: read from its figure whenever asked, and the slide's own only when the presenter marks it. */
  const findAnswer = (mark: boolean) => {
    const value = params.answerFrom ? lookup(params.answerFrom.demo, params.answerFrom.report) : mark ? params.answer : undefined;
    set(reduce(state, { type: 'answer', value }));
  };

  const stops: (() => void)[] = [];
  if (side === 'projector' && room) {
    stops.push(room.onVote((vote) => vote.poll === params.id && set(castVote(state, box, vote.from, vote.option), true)));
  } else if (side === 'phone' && room) {
    stops.push(room.onState(key, (value) => set(reduce(state, { type: 'published', value }))));
    // A refusal does not say which poll it was about: the poll on screen shows it.
    stops.push(
      room.onRefused((refused) => visible && refused.event === 'vote' && set(reduce(state, { type: 'refused', reason: refused.reason }))),
    );
  }
  draw();
  if (side === 'projector') publisher.now();

  return {
    act(action) {
      switch (action.type) {
        case 'advance':
          if (side === 'alone' || state.state === 'revealed') findAnswer(true);
          else {
            const next = reduce(state, action);
            set(next);
            if (next.state === 'revealed') findAnswer(false);
          }
          return;
        case 'choose': {
          const before = state;
          set(reduce(state, action));
          if (state !== before && state.mine !== undefined) room?.sendVote({ poll: params.id, option: state.mine });
          return;
        }
        default:
          // Votes, published states and answers come from the room and the page, never as a key or a mirror's click.
          return;
      }
    },
    show() {
      visible = true;
      // Back on the poll after the experiment: its figure may have the answer now.
      if (params.answerFrom && (state.state === 'revealed' || side === 'alone')) findAnswer(false);
      draw();
    },
    hide() {
      visible = false;
    },
    print() {
      draw();
    },
    dispose() {
      publisher.dispose();
      clearTimeout(frame);
      for (const stop of stops) stop();
    },
  };
}
