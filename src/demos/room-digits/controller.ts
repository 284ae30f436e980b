/**
 * "Your digits", wired: the room (RoomLink) on one side, the page's training
 * worker (TrainingSession) on the other, and the pure wall of model.ts in
 * between.
 *
 * - The presenter's deck hears every digit the phones send, checks it again
 *   with the room's protocol (a digit is 784 values from 0 to 1 with a label
 *   from 0 to 9; anything else is dropped without touching the state), puts
 *   it on the wall, asks the worker what the newest trained network makes of
 *   it (`predict` with run id ''), answers the phone with the ten
 *   probabilities (reply `digit-result`), and publishes the wall's visible
 *   digits as `wall`. The worker gives no answer while no network has
 *   trained, so each question has a time limit, after which the digit is
 *   "not classified yet"; it is asked again when a run finishes. T trains the
 *   lecture's network briefly when none has been; Y fine-tunes it on half of
 *   the room's digits and measures the other half before and after; C clears
 *   the wall.
 * - A phone draws on the pad, says which digit it meant, sends it, and shows
 *   what came back, what the relay refused, and the wall the presenter
 *   publishes.
 * - Without a room, and on paper: the recorded wall (recorded.ts).
 */
import type { Controller, ControllerContext, RoomLink } from '../../contract/demo.ts';
import type * as Protocol from '../../room/protocol.ts';
import type { ForwardedDigit } from '../../room/protocol.ts';
import type { TrainingClient } from '../../train/page/client.ts';
import type { RunRequest } from '../../train/protocol.ts';
import { inputFromStrokes } from '../shared/draw-pad.ts';
import { shorteningOf } from '../shared/lab-wiring.ts';
import { throttledPublisher } from '../shared/publisher.ts';
import { TrainingSession } from '../shared/session.ts';
import { newRun } from '../shared/trained-run.ts';
import {
  addDigit,
  beginFineTune,
  classify,
  clearWall,
  examplesOf,
  FINE_TUNE_RUN,
  fineTuneBlocked,
  hide,
  inputOf,
  publicWall,
  readPublicWall,
  readResult,
  repeatsFor,
  resultLine,
  resultOf,
  shortened,
  splitRoom,
  toBytes,
  unclassified,
  update,
  visible,
  waiting,
  type RoomDigitsAction,
  type RoomDigitsState,
} from './model.ts';

/** The room key of the public wall. */
export const WALL_KEY = 'wall';
/** The reply kind a phone receives about its digit. */
export const RESULT_KIND = 'digit-result';

/** What the controller needs from the page; tests give their own. */
export interface RoomDigitsDependencies {
  /** The page's training client, or a test's fake. */
  client: TrainingClient | undefined;
  /** A drawing's 784 inputs, preprocessed as MNIST's digits were (the pad's `inputFromStrokes`). */
  toInput(strokes: number[][]): Float32Array;
  /** Milliseconds to wait for the worker's answer before a digit is "not classified yet". */
  answerWithin: number;
  /** Milliseconds between two publications of the wall while digits arrive. */
  publishEvery: number;
  /** The recorded wall, for paper and for a deck without a room. */
  recorded(state: RoomDigitsState): Promise<RoomDigitsState>;
}

/**
 * A prediction answers within milliseconds once a network has weights; the
 * worker may be busy with a training step or a shard meanwhile, so a few
 * seconds is a wait, not an answer.
 */
const ANSWER_WITHIN = 5000;
/** The wall reaches the phones at most twice a second, whatever the crowd sends. */
const PUBLISH_EVERY = 500;

/** Settles with the promise's value, or undefined after `ms`. */
function within<T>(promise: Promise<T | undefined>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export function roomDigitsController(
  context: ControllerContext<unknown, RoomDigitsState>,
  dependencies: Partial<RoomDigitsDependencies> = {},
): Controller<RoomDigitsAction> {
  const room = context.room;
  if (context.print || !room) return recordedController(context, dependencies);
  return room.role === 'presenter' ? projectorController(context, room, dependencies) : phoneController(context, room, dependencies);
}

/** Paper, or a deck without a room: the recorded wall, loaded only then. */
function recordedController(
  context: ControllerContext<unknown, RoomDigitsState>,
  dependencies: Partial<RoomDigitsDependencies>,
): Controller<RoomDigitsAction> {
  const recorded = dependencies.recorded ?? (async (s: RoomDigitsState) => (await import('./recorded.ts')).recordedWall(s));
  let alive = true;
  const draw = async () => {
    const state = await recorded({ ...context.initial, side: 'alone' });
    if (alive) context.render(state);
  };
  context.render({ ...context.initial, side: 'alone' });
  const loading = draw();
  return {
    print: () => loading,
    dispose() {
      alive = false;
    },
  };
}

function projectorController(
  context: ControllerContext<unknown, RoomDigitsState>,
  room: RoomLink,
  dependencies: Partial<RoomDigitsDependencies>,
): Controller<RoomDigitsAction> {
  const answerWithin = dependencies.answerWithin ?? ANSWER_WITHIN;
  const every = dependencies.publishEvery ?? PUBLISH_EVERY;
  const shortening = shorteningOf(context.address);
  let disposed = false;
  /** Set once the wall has been published a first time, after the session's first drawing. */
  let started = false;
  const publisher = throttledPublisher(room, WALL_KEY, () => publicWall(session.state), every);

  const session: TrainingSession<RoomDigitsState> = new TrainingSession(
    context.address,
    { ...context.initial, side: 'projector' },
    {
      prefix: 'room',
      fold: update,
      render: (s) => {
        context.render(s);
        // The session draws once before it is assigned; the first publication follows below.
        if (started) publisher.soon();
      },
      // A run finished: there are weights now, so the digits no network could read are asked again.
      after: (_, __, message) => {
        if (message.type === 'done') for (const e of session.state.wall) if (e.status === 'unclassified') void ask(e.id);
      },
    },
    dependencies.client,
  );
  // Every run is submitted by a session, so a run that finished before this slide was reached is remembered.
  const last = session.lastDone;
  session.set(last ? update(session.state, last) : { ...session.state, network: 'none' });
  started = true;
  publisher.now();

  /** Asks the newest network about one digit, then tells its phone. */
  const ask = async (id: number) => {
    const entry = session.state.wall.find((e) => e.id === id);
    if (!entry) return;
    session.set(waiting(session.state, id));
    // One channel per digit: answers to different digits must not supersede each other.
    const channel = `room-digit-${id}`;
    const probabilities = await within(session.predict('', inputOf(entry), channel), answerWithin);
    if (disposed) return;
    if (!probabilities) session.forget(channel);
    session.set(probabilities ? classify(session.state, id, probabilities) : unclassified(session.state, id));
    const now = session.state.wall.find((e) => e.id === id);
    if (now) room.reply(now.from, RESULT_KIND, resultOf(now));
  };

  // The room's protocol checks a digit as the relay did; loaded by the presenter's deck only, so phones never download its schemas.
  const protocol = import('../../room/protocol.ts');
  /** A phone's digit: checked again (the relay did, but the deck trusts no one with its state), then on the wall. */
  const accept = ({ PHONE_ID, validate }: typeof Protocol, digit: ForwardedDigit) => {
    if (disposed || digit === null || typeof digit !== 'object' || typeof digit.from !== 'string' || !PHONE_ID.test(digit.from)) return;
    const checked = validate('digit', { pixels: digit.pixels, label: digit.label });
    if (!checked.ok) return;
    const next = addDigit(session.state, { from: digit.from, label: checked.value.label, pixels: toBytes(checked.value.pixels) });
    session.set({ ...next, note: undefined });
    void ask(next.nextId - 1);
  };
  // In order of arrival; a digit that breaks the check is dropped, and the lecture goes on.
  const stop = room.onDigit(
    (digit) =>
      void protocol.then((p) => accept(p, digit)).catch((error: unknown) => console.warn('room-digits: a digit was dropped:', error)),
  );

  const startShortRun = () => {
    const s = session.state;
    const run = { ...newRun(s.run.spec), state: 'queued' as const };
    run.id = session.submit({ spec: run.spec, testSize: s.testSize }, 'short');
    session.set({ ...s, run, note: undefined, status: { ...s.status, error: undefined } });
  };

  const fineTune = () => {
    const s = session.state;
    const blocked = fineTuneBlocked(s);
    if (blocked) {
      session.set({ ...s, note: blocked });
      return;
    }
    // Hidden digits are neither trained on nor measured.
    const { train, heldOut } = splitRoom(visible(s.wall), s.fineTune.count + 1);
    const spec = { ...shortened(FINE_TUNE_RUN, shortening), seed: FINE_TUNE_RUN.seed + s.fineTune.count + 1 };
    // From the newest finished run's weights, on MNIST plus one half; the other half measured before and after.
    const request: Omit<RunRequest, 'id'> = {
      spec,
      testSize: s.testSize,
      from: '',
      extra: examplesOf(train, repeatsFor(train.length, spec.trainSize)),
      heldOut: examplesOf(heldOut),
    };
    const id = session.submit(request, 'tune');
    session.set({ ...beginFineTune(s, id, train.length, heldOut.length), note: undefined });
  };

  return {
    act(action) {
      const s = session.state;
      switch (action.type) {
        case 'train':
          if (session.toggle(s.run.id, s.run.state)) return;
          if (s.network === 'ready') session.set({ ...s, note: 'A network is trained already: the wall is read with the newest one.' });
          else startShortRun();
          return;
        case 'retry':
          if (s.status.error?.retry === 'reload') location.reload();
          else startShortRun();
          return;
        case 'fine-tune':
          fineTune();
          return;
        case 'clear':
          session.set({ ...clearWall(s), note: undefined });
          return;
        case 'hide':
          session.set(hide(s, action.id, action.hidden));
          return;
        default:
          // The pad's actions belong to phones.
          return;
      }
    },
    show: () => session.render(),
    dispose() {
      disposed = true;
      publisher.dispose();
      stop();
      session.dispose();
    },
  };
}

function phoneController(
  context: ControllerContext<unknown, RoomDigitsState>,
  room: RoomLink,
  dependencies: Partial<RoomDigitsDependencies>,
): Controller<RoomDigitsAction> {
  const toInput = dependencies.toInput ?? inputFromStrokes;
  let state: RoomDigitsState = { ...context.initial, side: 'phone' };
  const set = (next: RoomDigitsState) => {
    if (next === state) return;
    state = next;
    context.render(state);
  };
  const line = (text: string) => set({ ...state, pad: { ...state.pad, line: text } });

  const stops = [
    room.onState(WALL_KEY, (value) => {
      const shared = readPublicWall(value);
      if (shared) set({ ...state, shared });
    }),
    room.onReply(RESULT_KIND, (value) => {
      const result = readResult(value);
      if (result) set({ ...state, pad: { ...state.pad, result, line: resultLine(result) } });
    }),
    room.onRefused((refused) => {
      if (refused.event === 'digit') line(refused.reason);
    }),
  ];
  context.render(state);

  return {
    act(action) {
      const pad = state.pad;
      switch (action.type) {
        case 'draw':
          set({ ...state, pad: { ...pad, strokes: action.strokes } });
          return;
        case 'clear-pad':
          set({ ...state, pad: { ...pad, strokes: [] } });
          return;
        case 'label':
          if (Number.isInteger(action.label) && action.label >= 0 && action.label <= 9)
            set({ ...state, pad: { ...pad, label: action.label, line: '' } });
          return;
        case 'send': {
          if (pad.label === undefined) return line('Say which digit you drew: tap one of 0 to 9.');
          const input = pad.strokes.length > 0 ? toInput(pad.strokes) : undefined;
          if (!input?.some((v) => v > 0)) return line('Draw a digit first.');
          // Three decimals: the digit fits the relay's limit many times over, and 0 to 1 stays 0 to 1.
          room.sendDigit({ pixels: Array.from(input, (v) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000), label: pad.label });
          set({
            ...state,
            pad: {
              strokes: [],
              label: undefined,
              sent: pad.sent + 1,
              result: undefined,
              line: `Sent your ${pad.label}: the network is reading it…`,
            },
          });
          return;
        }
        default:
          // The wall's actions belong to the presenter.
          return;
      }
    },
    dispose() {
      for (const stop of stops) stop();
    },
  };
}
