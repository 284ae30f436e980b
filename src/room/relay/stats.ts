/**
 * What the relay reports of itself (RelayStats, for /healthz and the tests):
 * counts only, never a key, a token or an address.
 */
import { isActive, type RelayContext, type RelayStats } from './types.ts';

export function relayStats(context: RelayContext): RelayStats {
  let followers = 0;
  let windows = 0;
  let presenting = 0;
  let stateBytes = 0;
  for (const room of context.rooms.values()) {
    stateBytes += room.stateBytes;
    for (const conn of room.conns) {
      if (conn.kind === 'phone') followers++;
      else {
        windows++;
        if (isActive(conn)) presenting++;
      }
    }
  }
  const { counters, store } = context;
  return {
    rooms: context.rooms.size,
    connections: context.io.engine.clientsCount,
    followers,
    presenters: presenting,
    standbys: windows - presenting,
    received: counters.received,
    forwarded: counters.forwarded,
    refused: counters.refused,
    dropped: { ...counters.dropped },
    rejected: { ...counters.rejected },
    stateBytes,
    closed: counters.closed,
    store: store.kind,
    redis: store.kind === 'memory' ? 'none' : store.up ? 'up' : 'gone',
  };
}
