/**
 * "Your digits" (src/demos/room-digits): the room's digits split in two
 * seeded, stratified halves; the wall's cap, hiding and clearing; what the
 * phones are shown; and the controller on the projector and on a phone,
 * against a fake room and a fake training worker: a bad digit changes
 * nothing, a good one is classified and answered, a digit no network can
 * read yet waits for one, and the fine-tuning run asks the worker for
 * exactly what it needs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_ADDRESS } from '../../src/address.ts';
import { roomDigitsController, RESULT_KIND, WALL_KEY } from '../../src/demos/room-digits/controller.ts';
import {
  addDigit,
  announcement,
  classify,
  clearWall,
  examplesOf,
  hide,
  initialRoomDigits,
  MIN_FINE_TUNE,
  publicWall,
  repeatsFor,
  roomAccuracy,
  splitRoom,
  update,
  WALL_CAP,
  wallWindow,
  type RoomDigitsState,
} from '../../src/demos/room-digits/model.ts';
import { inkOfStrokes, inputOfStrokes, PAD_SIZE } from '../../src/demos/shared/strokes.ts';
import { TrainingSession } from '../../src/demos/shared/session.ts';
import { MAX_STATE_BYTES, measureJson } from '../../src/room/protocol.ts';
import type { RunRequest, ToWorker } from '../../src/train/protocol.ts';
import { fakeClient, fakeContext, fakeRoom } from './room-fakes.ts';

afterEach(() => vi.useRealTimers());

/** A digit as a phone sends it: 784 values from 0 to 1, a stroke down the middle. */
const pixels = (): number[] => Array.from({ length: 784 }, (_, i) => (i % 28 === 14 ? 1 : 0));
const bytes = () => Uint8Array.from(pixels(), (v) => v * 255);
const ten = (best: number) => Float32Array.from({ length: 10 }, (_, i) => (i === best ? 0.91 : 0.01));

/** A wall of `labels`, each from its own phone, all read as written. */
function wallOf(labels: number[]): RoomDigitsState {
  let s: RoomDigitsState = { ...initialRoomDigits({}), side: 'projector', network: 'ready' };
  for (const [k, label] of labels.entries()) {
    s = addDigit(s, { from: `phone-${String(k).padStart(5, '0')}`, label, pixels: bytes() });
    s = classify(s, s.nextId - 1, ten(label));
  }
  return s;
}

/** Lets the digits sent so far through the controller's check, which arrives as a module of its own. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const predicts = (sent: ToWorker[]) => sent.filter((m): m is Extract<ToWorker, { type: 'predict' }> => m.type === 'predict');
const submits = (sent: ToWorker[]) => sent.filter((m): m is Extract<ToWorker, { type: 'submit' }> => m.type === 'submit').map((m) => m.run);

describe('splitting the room’s digits', () => {
  const labels = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4, 5, 5, 7, 7, 7, 7, 7, 9];
  const entries = labels.map((label, id) => ({ id, label }));

  it('gives the same halves for the same digits and seed, and other halves for another seed', () => {
    const a = splitRoom(entries, 1);
    expect(splitRoom(entries, 1)).toEqual(a);
    const ids = (seed: number) => splitRoom(entries, seed).train.map((e) => e.id);
    expect(new Set([2, 3, 4, 5, 6].map((seed) => JSON.stringify(ids(seed)))).size).toBeGreaterThan(1);
  });

  it('puts every digit in exactly one half, and the halves differ by at most one', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { train, heldOut } = splitRoom(entries, seed);
      expect([...train, ...heldOut].map((e) => e.id).sort((x, y) => x - y)).toEqual(entries.map((e) => e.id));
      expect(Math.abs(train.length - heldOut.length)).toBeLessThanOrEqual(1);
    }
  });

  it('stratifies by label: a digit with two or more examples is in both halves', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { train, heldOut } = splitRoom(entries, seed);
      for (const label of [0, 1, 3, 5, 7]) {
        expect(train.some((e) => e.label === label)).toBe(true);
        expect(heldOut.some((e) => e.label === label)).toBe(true);
      }
    }
  });

  it('splits two digits one each way, and nothing into nothing', () => {
    const { train, heldOut } = splitRoom([{ label: 4 }, { label: 8 }], 7);
    expect([train.length, heldOut.length]).toEqual([1, 1]);
    expect(splitRoom([], 1)).toEqual({ train: [], heldOut: [] });
  });

  it('repeats the room’s digits to a tenth of a run, and lays them out as the worker takes extra examples', () => {
    expect(repeatsFor(15, 6000)).toBe(40);
    expect(repeatsFor(1, 60000)).toBe(100);
    expect(repeatsFor(0, 6000)).toBe(0);
    const s = wallOf([3, 5]);
    const { labels: l, images } = examplesOf(s.wall, 2);
    expect(Array.from(l)).toEqual([3, 3, 5, 5]);
    expect(images.length).toBe(4 * 784);
    expect(images[14]).toBe(255);
  });
});

describe('the wall', () => {
  it('holds at most 500 digits, dropping the oldest', () => {
    let s = initialRoomDigits({});
    for (let k = 0; k < WALL_CAP + 3; k++) s = addDigit(s, { from: 'phone-00000', label: k % 10, pixels: bytes() });
    expect(s.wall).toHaveLength(WALL_CAP);
    expect(s.wall[0]!.id).toBe(4);
    expect(s.wall.at(-1)!.id).toBe(WALL_CAP + 3);
  });

  it('leaves a hidden digit out of the room’s accuracy and out of what phones are shown', () => {
    let s = wallOf([1, 2, 3]);
    s = classify(s, 2, ten(7));
    expect(roomAccuracy(s.wall)).toMatchObject({ right: 2, classified: 3 });
    s = hide(s, 2, true);
    expect(roomAccuracy(s.wall)).toMatchObject({ right: 2, classified: 2, accuracy: 1 });
    const shown = publicWall(s);
    expect(shown.count).toBe(2);
    expect(shown.digits.map((d) => d.id)).toEqual([1, 3]);
    expect(JSON.stringify(shown)).not.toContain('phone-');
    expect(clearWall(s).wall).toEqual([]);
  });

  it('publishes a full wall well within the relay’s limit for a state', () => {
    const s = wallOf(Array.from({ length: WALL_CAP }, (_, k) => k % 10));
    const measured = measureJson(publicWall(s), MAX_STATE_BYTES);
    expect(measured.ok).toBe(true);
  });

  it('shows whole rows on the projector: the newest digits, and in the last place how many more', () => {
    const ids = (s: RoomDigitsState, tiles: number) => wallWindow(s.wall, tiles).shown.map((e) => e.id);
    expect(wallWindow(wallOf([]).wall, 30)).toEqual({ shown: [], more: 0 });
    expect(ids(wallOf([1, 2, 3]), 30)).toEqual([3, 2, 1]);
    const thirty = wallOf(Array.from({ length: 30 }, (_, k) => k % 10));
    expect(wallWindow(thirty.wall, 30)).toMatchObject({ more: 0 });
    expect(ids(thirty, 30)).toHaveLength(30);
    const full = wallOf(Array.from({ length: WALL_CAP }, (_, k) => k % 10));
    const { shown, more } = wallWindow(full.wall, 30);
    expect(shown.map((e) => e.id)).toEqual(Array.from({ length: 29 }, (_, k) => WALL_CAP - k));
    expect(more).toBe(WALL_CAP - 29);
  });

  it('speaks to the room on the projector, naming no key, and tells the presenter what to press', () => {
    const none: RoomDigitsState = { ...initialRoomDigits({}), side: 'projector', network: 'none' };
    expect(announcement(none)).not.toMatch(/press|\bT\b/i);
    expect(announcement(none, 'presenter')).toMatch(/press T/);
    // An empty wall says nothing above it: the wall itself invites the room to draw.
    expect(announcement({ ...none, network: 'ready' })).toBe('');
    expect(announcement(wallOf([1, 2, 3]))).toBe('3 of 3 of your digits read right.');
  });

  it('takes the newest finished run’s test accuracy from any demo’s run, and the held-out figures from its own', () => {
    let s: RoomDigitsState = {
      ...initialRoomDigits({}),
      network: 'none',
      fineTune: { ...initialRoomDigits({}).fineTune, id: 'room-tune-1' },
    };
    s = update(s, { type: 'done', run: 'live-1', testAccuracy: 0.9787, seconds: 80 });
    expect(s).toMatchObject({ network: 'ready', testAccuracy: 0.9787 });
    s = update(s, { type: 'epoch', run: 'room-tune-1', epoch: 1, accuracy: 0.97, loss: 0.1, confusion: [], heldOutAccuracy: 0.8 });
    s = update(s, { type: 'done', run: 'room-tune-1', testAccuracy: 0.976, seconds: 5, heldOutBefore: 0.6, heldOutAfter: 0.9 });
    expect(s.fineTune).toMatchObject({ before: 0.6, after: 0.9, curve: [0.8] });
    expect(s.testAccuracy).toBe(0.976);
  });
});

describe('drawing as the pad draws, in Node', () => {
  it('inks the pen’s width around a stroke, and prepares it as MNIST’s digits were', () => {
    const ink = inkOfStrokes([[140, 40, 140, 240]]);
    expect(ink[140 * PAD_SIZE + 140]).toBe(1);
    expect(ink[140 * PAD_SIZE + 160]).toBe(0);
    const input = inputOfStrokes([[140, 40, 140, 240]]);
    expect(input).toHaveLength(784);
    // A vertical bar, 20 pixels high, centred.
    expect(input[14 * 28 + 14]! + input[14 * 28 + 13]!).toBeGreaterThan(0.5);
    expect(input[2 * 28 + 14]).toBe(0);
  });
});

describe('the wall on the projector', () => {
  const mount = (options: { answerWithin?: number } = {}) => {
    const room = fakeRoom('presenter');
    const worker = fakeClient();
    const context = fakeContext<unknown, RoomDigitsState>({}, initialRoomDigits({}), room);
    const controller = roomDigitsController(context, {
      client: worker.client,
      answerWithin: options.answerWithin ?? 1000,
      publishEvery: 0,
    });
    return { room, worker, context, controller };
  };

  it('refuses a digit of 785 values, a label of 11 or an unknown sender without touching the wall or the worker', async () => {
    const { room, worker, context } = mount();
    room.digit({ from: 'phone-aaaaaaaa', pixels: [...pixels(), 0], label: 3 });
    room.digit({ from: 'phone-aaaaaaaa', pixels: pixels(), label: 11 });
    room.digit({ from: 'phone-aaaaaaaa', pixels: pixels().map((v) => v * 2), label: 3 });
    room.digit({ from: 'no', pixels: pixels(), label: 3 });
    room.digit(null as never);
    // A good digit after them: the first, and the only one, on the wall and before the worker.
    room.digit({ from: 'phone-bbbbbbbb', pixels: pixels(), label: 4 });
    await vi.waitFor(() => expect(context.last().wall).toHaveLength(1));
    expect(context.rendered.every((s) => s.wall.every((e) => e.id === 1 && e.label === 4))).toBe(true);
    expect(predicts(worker.sent)).toHaveLength(1);
    expect(room.replies).toEqual([]);
  });

  it('puts a good digit on the wall, asks the newest network, answers its phone and publishes the wall', async () => {
    const { room, worker, context } = mount();
    room.digit({ from: 'phone-aaaaaaaa', pixels: pixels(), label: 7 });
    await settle();
    expect(context.last().wall).toHaveLength(1);
    const [question] = predicts(worker.sent);
    expect(question).toMatchObject({ run: '' });
    expect(question!.input).toHaveLength(784);
    worker.deliver({ type: 'prediction', run: '', id: question!.id, probabilities: ten(7) });
    await vi.waitFor(() => expect(room.replies).toHaveLength(1));
    expect(room.replies[0]).toMatchObject({ to: 'phone-aaaaaaaa', kind: RESULT_KIND, value: { label: 7, guess: 7 } });
    expect((room.replies[0]!.value as { probabilities: number[] }).probabilities).toHaveLength(10);
    expect(context.last()).toMatchObject({ network: 'ready' });
    const wall = room.published.filter((p) => p.key === WALL_KEY).at(-1)!.value;
    expect(wall).toMatchObject({ count: 1, accuracy: 1, digits: [{ id: 1, label: 7, guess: 7 }] });
    expect(JSON.stringify(wall)).not.toContain('phone-');
  });

  it('marks a digit "not classified yet" when no network answers, and asks again once a run finishes', async () => {
    const { room, worker, context } = mount({ answerWithin: 5 });
    room.digit({ from: 'phone-aaaaaaaa', pixels: pixels(), label: 2 });
    await vi.waitFor(() => expect(room.replies).toHaveLength(1));
    expect(room.replies[0]!.value).toEqual({ label: 2 });
    expect(context.last().wall[0]!.status).toBe('unclassified');
    expect(context.last().network).toBe('none');
    worker.deliver({ type: 'done', run: 'live-1', testAccuracy: 0.98, seconds: 60 });
    const again = predicts(worker.sent).at(-1)!;
    expect(predicts(worker.sent)).toHaveLength(2);
    worker.deliver({ type: 'prediction', run: '', id: again.id, probabilities: ten(3) });
    await vi.waitFor(() => expect(room.replies).toHaveLength(2));
    expect(room.replies[1]!.value).toMatchObject({ label: 2, guess: 3 });
    expect(context.last()).toMatchObject({ network: 'ready', testAccuracy: 0.98 });
  });

  it('knows of a run that finished before its slide was reached', () => {
    const worker = fakeClient();
    // The live slide's session was there when its run finished.
    new TrainingSession<number>(EMPTY_ADDRESS, 0, { prefix: 'live', fold: (s) => s, render: () => {} }, worker.client);
    worker.deliver({ type: 'done', run: 'live-1', testAccuracy: 0.9812, seconds: 70 });
    const context = fakeContext<unknown, RoomDigitsState>({}, initialRoomDigits({}), fakeRoom('presenter'));
    roomDigitsController(context, { client: worker.client, publishEvery: 0 });
    expect(context.last()).toMatchObject({ network: 'ready', testAccuracy: 0.9812 });
  });

  it('trains the lecture’s network briefly with T when none has been, and not when one has', () => {
    const { worker, context, controller } = mount();
    expect(context.last().network).toBe('none');
    controller.act!({ type: 'train' });
    const [run] = submits(worker.sent);
    expect(run!.spec).toMatchObject({ trainSize: 6000, epochs: 1 });
    expect(run!.id).toBe('room-short-1');
    worker.deliver({ type: 'state', run: run!.id, state: 'training' });
    controller.act!({ type: 'train' });
    expect(worker.sent.at(-1)).toEqual({ type: 'pause', run: run!.id });
    worker.deliver({ type: 'done', run: run!.id, testAccuracy: 0.88, seconds: 9 });
    worker.deliver({ type: 'state', run: run!.id, state: 'done' });
    controller.act!({ type: 'train' });
    expect(submits(worker.sent)).toHaveLength(1);
    expect(context.last().note).toMatch(/trained already/);
  });

  it('fine-tunes from the newest weights on MNIST and one half, holding out the other, and never on a hidden digit', async () => {
    const { room, worker, context, controller } = mount();
    worker.deliver({ type: 'done', run: 'live-1', testAccuracy: 0.98, seconds: 60 });
    const labels = [0, 0, 1, 1, 2, 2, 3, 3];
    for (const [k, label] of labels.entries()) room.digit({ from: `phone-${String(k).padStart(8, '0')}`, pixels: pixels(), label });
    await settle();
    controller.act!({ type: 'hide', id: 8, hidden: true });
    controller.act!({ type: 'fine-tune' });
    const [request] = submits(worker.sent) as (RunRequest & { id: string })[];
    expect(request).toMatchObject({ from: '', spec: { trainSize: 6000, epochs: 2 } });
    const { train: t, heldOut: h } = context.last().fineTune;
    expect([t + h, Math.abs(t - h) <= 1]).toEqual([7, true]);
    const repeat = repeatsFor(t, 6000);
    const extra = request!.extra!;
    const heldOut = request!.heldOut!;
    expect([extra.labels.length, extra.images.length]).toEqual([t * repeat, t * repeat * 784]);
    expect([heldOut.labels.length, heldOut.images.length]).toEqual([h, h * 784]);
    // Two 3s were sent and one was hidden: one 3 is left, in one half or the other.
    const threes = extra.labels.filter((l) => l === 3).length / repeat + heldOut.labels.filter((l) => l === 3).length;
    expect(threes).toBe(1);
    expect(context.last().fineTune).toMatchObject({ id: request!.id, state: 'queued' });
    worker.deliver({ type: 'done', run: request!.id, testAccuracy: 0.979, seconds: 6, heldOutBefore: 0.5, heldOutAfter: 0.75 });
    expect(context.last().fineTune).toMatchObject({ before: 0.5, after: 0.75 });
    expect(room.published.at(-1)!.value).toMatchObject({ heldOutBefore: 0.5, heldOutAfter: 0.75 });
  });

  it('says why it cannot fine-tune yet, and sends nothing', () => {
    const { worker, context, controller } = mount();
    controller.act!({ type: 'fine-tune' });
    expect(context.last().note).toBe('Train a network first (T), then train it with your digits.');
    worker.deliver({ type: 'done', run: 'live-1', testAccuracy: 0.98, seconds: 60 });
    controller.act!({ type: 'fine-tune' });
    expect(context.last().note).toBe(`Training with your digits needs at least ${MIN_FINE_TUNE} on the wall; it has 0.`);
    expect(submits(worker.sent)).toEqual([]);
  });

  it('hides a digit from the phones, clears the wall with C, and stops listening when it goes', async () => {
    const { room, worker, context, controller } = mount();
    room.digit({ from: 'phone-aaaaaaaa', pixels: pixels(), label: 4 });
    room.digit({ from: 'phone-bbbbbbbb', pixels: pixels(), label: 5 });
    await settle();
    controller.act!({ type: 'hide', id: 1, hidden: true });
    expect(room.published.at(-1)!.value).toMatchObject({ count: 1, digits: [{ id: 2 }] });
    controller.act!({ type: 'clear' });
    expect(context.last().wall).toEqual([]);
    expect(room.published.at(-1)!.value).toMatchObject({ count: 0, digits: [] });
    controller.dispose!();
    expect(room.listening()).toBe(0);
    expect(worker.sent.filter((m) => m.type === 'cancel')).toEqual([]);
  });
});

describe('the pad on a phone', () => {
  const mount = () => {
    const room = fakeRoom('follower');
    const context = fakeContext<unknown, RoomDigitsState>({}, initialRoomDigits({}), room);
    const controller = roomDigitsController(context, { toInput: () => Float32Array.from(pixels()) });
    return { room, context, controller };
  };

  it('sends the drawing as 784 values from 0 to 1 with the digit meant, and only with both', () => {
    const { room, context, controller } = mount();
    expect(context.last().side).toBe('phone');
    controller.act!({ type: 'send' });
    expect(context.last().pad.line).toBe('Say which digit you drew: tap one of 0 to 9.');
    controller.act!({ type: 'label', label: 6 });
    controller.act!({ type: 'send' });
    expect(context.last().pad.line).toBe('Draw a digit first.');
    controller.act!({ type: 'draw', strokes: [[140, 40, 140, 240]] });
    controller.act!({ type: 'send' });
    expect(room.digits).toHaveLength(1);
    expect(room.digits[0]!.label).toBe(6);
    expect(room.digits[0]!.pixels).toHaveLength(784);
    expect(room.digits[0]!.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(context.last().pad).toMatchObject({ strokes: [], label: undefined, sent: 1 });
  });

  it('shows the network’s answer, what the relay refused, and the wall the presenter publishes', () => {
    const { room, context } = mount();
    room.deliverReply(RESULT_KIND, { label: 6, guess: 5, probabilities: Array.from(ten(5)) });
    expect(context.last().pad.line).toBe('The network read your 6 as a 5: wrong.');
    expect(context.last().pad.result?.probabilities).toHaveLength(10);
    room.refuse({ event: 'digit', reason: 'One digit every three seconds: wait a moment.' });
    expect(context.last().pad.line).toBe('One digit every three seconds: wait a moment.');
    room.state(WALL_KEY, { count: 3, accuracy: 0.6667, digits: [{ id: 3, label: 1, guess: 1, pixels: 'AAAA' }] });
    expect(context.last().shared).toMatchObject({ count: 3, accuracy: 0.6667 });
    room.state(WALL_KEY, { count: 'many' });
    expect(context.last().shared?.count).toBe(3);
  });
});

describe('the wall without a room', () => {
  it('shows the recorded wall, said to be one', async () => {
    const context = fakeContext<unknown, RoomDigitsState>({}, initialRoomDigits({}), undefined);
    const controller = roomDigitsController(context);
    await controller.print!();
    expect(context.last().side).toBe('alone');
    expect(context.last().wall.length).toBeGreaterThanOrEqual(30);
    expect(context.last().recorded).toMatch(/^A recorded wall/);
    // Written for the audience: no file of the repository, no date.
    expect(context.last().recorded).not.toMatch(/\.ts\b|\.json\b|\/|\d{4}-\d{2}-\d{2}/);
  });
});
