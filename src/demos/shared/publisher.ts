/**
 * A demo's public state, published to the room's phones at most every
 * `every` milliseconds: the projector draws a crowd's votes and digits as
 * they come, but the relay passes a presenter's states at its own rate, and
 * phones need the latest, not every one. A value equal (as JSON) to the last
 * one published is not sent again. Used by the poll and the wall of digits.
 */
import type { RoomLink } from '../../contract/demo.ts';

export interface Publisher {
  /** Publishes the current value at once (a new stage, an answer, the first state). */
  now(): void;
  /** Publishes the current value with the next publication, within `every` ms. */
  soon(): void;
  /** Stops: nothing waits any more, and nothing is published after. */
  dispose(): void;
}

/** A publisher of `value()` under `key`; `every` ≤ 0 publishes each change at once. */
export function throttledPublisher(
  room: Pick<RoomLink, 'publish'> | undefined,
  key: string,
  value: () => unknown,
  every: number,
): Publisher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let published = '';
  let disposed = false;
  const now = () => {
    clearTimeout(timer);
    timer = undefined;
    if (disposed) return;
    const current = value();
    const json = JSON.stringify(current);
    if (json === published) return;
    published = json;
    room?.publish(key, current);
  };
  return {
    now,
    soon() {
      if (every <= 0) now();
      else timer ??= setTimeout(now, every);
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
