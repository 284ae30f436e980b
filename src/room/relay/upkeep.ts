/**
 * What each relay process does every tick (RelayLimits.tickMs): reports its
 * phones and drops for each room to the store, keeps the leases of the
 * presenters it holds, tells them their room's counts when these changed,
 * tells its phones when their room's presenter came or went, and writes what
 * a presenter sent while the store was away, telling every process's phones
 * again. It notices the store going and coming, and says so once each time.
 */
import { MAX_STATES } from '../protocol.ts';
import { formatBytes } from './limits.ts';
import type { presenters } from './presenters.ts';
import { followersOf, isActive, message, presenterOf, type LocalRoom, type RelayContext } from './types.ts';

/** Every this many ticks, a process reports its counts even when they did not change; they count for three times as long. */
const HEARTBEAT_TICKS = 5;

/** Starts the tick; returns its timer, for close() to clear. */
export function upkeep(
  context: RelayContext,
  leases: ReturnType<typeof presenters>,
  closing: () => boolean,
): ReturnType<typeof setInterval> {
  const { io, limits, log } = context;
  let ticks = 0;
  let ticking = false;
  let storeUp = true;
  const timer = setInterval(() => {
    if (ticking || closing()) return;
    ticking = true;
    void tick()
      .catch((error: unknown) => {
        if (context.store.up) log(`The relay's tick failed: ${message(error)}`);
      })
      .finally(() => (ticking = false));
  }, limits.tickMs);
  timer.unref();

  /** Reports this process's counts, keeps the leases, tells presenters their counts, and writes what waited for the store. */
  async function tick(): Promise<void> {
    ticks++;
    if (context.store.up !== storeUp) {
      storeUp = context.store.up;
      log(storeUp ? 'Redis is back: the rooms are shared again.' : 'Redis is gone: each relay process goes on with the phones it holds.');
    }
    if (!storeUp) return;
    const heartbeat = ticks % HEARTBEAT_TICKS === 0;
    for (const room of [...context.rooms.values()]) {
      await writeUnsaved(room);
      const counts = JSON.stringify({ followers: room.followers, dropped: room.dropped });
      if (counts !== room.reported || heartbeat) {
        room.reported = counts;
        await context.store.report(
          room.id,
          context.serverId,
          { followers: room.followers, dropped: room.dropped },
          3 * HEARTBEAT_TICKS * limits.tickMs,
        );
      }
      await leases.tick(room);
      if ([...room.conns].some(isActive)) {
        const total = JSON.stringify(await context.store.counts(room.id));
        if (total !== room.sent) {
          room.sent = total;
          io.local.to(presenterOf(room.id)).emit('room', JSON.parse(total) as { followers: number; dropped: number });
        }
      }
      if (room.conns.size === 0) {
        context.rooms.delete(room.id);
        await context.store.report(room.id, context.serverId, { followers: 0, dropped: 0 }, 0);
      }
    }
  }

  /** What the presenter here sent while the store was away: kept now, and told again to the phones on every process. */
  async function writeUnsaved(room: LocalRoom): Promise<void> {
    const { place, states } = room.unsaved;
    if (place) {
      await context.store.setPlace(room.id, place);
      delete room.unsaved.place;
      io.to([followersOf(room.id)]).emit('place', place);
    }
    for (const [key, text] of [...states]) {
      const caps = {
        maxStates: MAX_STATES,
        roomBytes: limits.roomStateBytes,
        relayBytes: limits.relayStateBytes,
        rooms: [...context.keyRooms],
      };
      const { outcome } = await context.store.setState(room.id, key, text, caps);
      states.delete(key);
      if (outcome !== 'ok')
        log(`A state kept while Redis was away no longer fits (${outcome}, ${formatBytes(limits.roomStateBytes)} a room).`);
      else io.to([followersOf(room.id)]).emit('state', { key, value: text === null ? null : (JSON.parse(text) as unknown) });
    }
  }

  return timer;
}
