/**
 * A training demo's session with the worker (src/demos/shared/session.ts):
 * its runs named after the demo, T's toggle, only the latest answer to a
 * question counting, reports folded into the demo's state, and its runs
 * cancelled when the demo goes. Against a fake client that records what is
 * sent and delivers what a test says the worker answered.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_ADDRESS } from '../../src/address.ts';
import { TrainingSession } from '../../src/demos/shared/session.ts';
import type { TrainingClient } from '../../src/train/page/client.ts';
import type { FromWorker, ToWorker } from '../../src/train/protocol.ts';

function fakeClient() {
  const sent: ToWorker[] = [];
  const listeners = new Set<(m: FromWorker) => void>();
  let counter = 0;
  const client: TrainingClient = {
    send: (message) => void sent.push(message),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    backend: undefined,
    nextId: (prefix) => `${prefix}-${++counter}`,
  };
  const deliver = (message: FromWorker) => listeners.forEach((l) => l(message));
  return { client, sent, deliver, listeners };
}

/** A demo whose state is the list of states its run went through. */
const fold = (s: string[], m: FromWorker) => (m.type === 'state' ? [...s, `${m.run}:${m.state}`] : s);

describe('a training session', () => {
  it('names its runs after the demo, and pauses, resumes or says to start with T', () => {
    const { client, sent } = fakeClient();
    const session = new TrainingSession<string[]>(EMPTY_ADDRESS, [], { prefix: 'demo', fold, render: () => {} }, client);
    const id = session.submit({ spec: {} as never, testSize: 10 }, 'small');
    expect(id).toBe('demo-small-1');
    expect(sent.at(-1)).toMatchObject({ type: 'submit', run: { id: 'demo-small-1', testSize: 10 } });
    expect(session.toggle(id, 'training')).toBe(true);
    expect(sent.at(-1)).toEqual({ type: 'pause', run: id });
    expect(session.toggle(id, 'paused')).toBe(true);
    expect(sent.at(-1)).toEqual({ type: 'resume', run: id });
    expect(session.toggle(id, 'done')).toBe(false);
    expect(session.toggle(undefined, 'training')).toBe(false);
  });

  it('folds the reports into its state and draws only when the state changed', () => {
    const { client, deliver } = fakeClient();
    const drawn: string[][] = [];
    const session = new TrainingSession<string[]>(EMPTY_ADDRESS, [], { prefix: 'demo', fold, render: (s) => drawn.push(s) }, client);
    expect(drawn).toEqual([[]]);
    deliver({ type: 'state', run: 'demo-1', state: 'training' });
    deliver({ type: 'tensors', count: 3 });
    expect(session.state).toEqual(['demo-1:training']);
    expect(drawn).toHaveLength(2);
  });

  it('counts only the answer to the latest question, and settles earlier ones as superseded', async () => {
    const { client, sent, deliver } = fakeClient();
    const session = new TrainingSession<string[]>(EMPTY_ADDRESS, [], { prefix: 'demo', fold, render: () => {} }, client);
    const first = session.predict('demo-1', new Float32Array(784));
    const second = session.predict('demo-1', new Float32Array(784));
    const [a, b] = sent.filter((m): m is Extract<ToWorker, { type: 'predict' }> => m.type === 'predict');
    expect(a!.id).not.toBe(b!.id);
    deliver({ type: 'prediction', run: 'demo-1', id: a!.id, probabilities: new Float32Array(10).fill(0.1) });
    deliver({
      type: 'prediction',
      run: 'demo-1',
      id: b!.id,
      probabilities: Float32Array.from({ length: 10 }, (_, i) => (i === 3 ? 1 : 0)),
    });
    expect(await first).toBeUndefined();
    expect(Array.from((await second)!)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('remembers the newest finished run of the page for a demo whose session starts later', () => {
    const { client, deliver } = fakeClient();
    const first = new TrainingSession<string[]>(EMPTY_ADDRESS, [], { prefix: 'live', fold, render: () => {} }, client);
    expect(first.lastDone).toBeUndefined();
    deliver({ type: 'done', run: 'live-1', testAccuracy: 0.97, seconds: 60 });
    deliver({ type: 'done', run: 'live-2', testAccuracy: 0.98, seconds: 61 });
    first.dispose();
    const later = new TrainingSession<string[]>(EMPTY_ADDRESS, [], { prefix: 'room', fold, render: () => {} }, client);
    expect(later.lastDone).toMatchObject({ run: 'live-2', testAccuracy: 0.98 });
  });

  it('cancels its runs and stops listening when the demo goes', async () => {
    const { client, sent, listeners } = fakeClient();
    const session = new TrainingSession<string[]>(EMPTY_ADDRESS, [], { prefix: 'demo', fold, render: () => {} }, client);
    const kept = session.submit({ spec: {} as never, testSize: 10 });
    const dropped = session.submit({ spec: {} as never, testSize: 10 });
    session.cancel(dropped);
    const waiting = session.inspect(kept, new Float32Array(784), 6);
    session.dispose();
    expect(sent.filter((m) => m.type === 'cancel')).toEqual([
      { type: 'cancel', run: dropped },
      { type: 'cancel', run: kept },
    ]);
    expect(listeners.size).toBe(0);
    expect(await waiting).toBeUndefined();
  });
});
