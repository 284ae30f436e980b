/**
 * One active presenter per room, wherever its window connects: a lease in
 * the store (store.ts: claim, renew, release), and the Socket.IO rooms that
 * say who is active, which any relay process can change for any socket
 * through the adapter.
 *
 * - A window that connects takes the lease if nobody holds it, or if it is
 *   the same page load coming back (its old socket may have been on a relay
 *   process that died); otherwise it waits on standby.
 * - A window on standby takes over with an explicit overwrite; the window it
 *   replaces leaves the presenter's room and is told so, on whichever
 *   process it is.
 * - The lease lasts five ticks and its holder's process renews it every
 *   tick, so a process that dies with its presenter frees the room within
 *   seconds; every process checks, each tick, whether its rooms still have a
 *   presenter, and tells its phones when that changes.
 * - While the store is away, the presenter's own process goes on as if it
 *   held the lease, and claims it again once the store is back.
 */
import type { Welcome } from '../protocol.ts';
import type { Holder } from './store.ts';
import { followersOf, isActive, leaseMs, message, presenterOf, standbyOf, type Conn, type LocalRoom, type RelayContext } from './types.ts';

export function presenters(context: RelayContext, welcome: (conn: Conn, role: Welcome['role']) => Promise<Welcome>) {
  // The store is read from the context at each use: with Redis, it is set once the relay reaches it.
  const { io, log, limits } = context;
  const audience = (room: LocalRoom) => io.to([followersOf(room.id), standbyOf(room.id)]);
  const holderOf = (conn: Conn): Holder => ({ sid: conn.socket.id, window: conn.window ?? conn.socket.id, server: context.serverId });

  /** Sends the window it replaced, on whichever process, to standby, and tells it. */
  const replace = (room: LocalRoom, sid: string) => {
    io.in(sid).socketsLeave(presenterOf(room.id));
    io.in(sid).socketsJoin(standbyOf(room.id));
    io.to(sid).emit('replaced', { reason: 'Another presenter window took over the room; this one is on standby.' });
  };

  /** Makes a window the room's active presenter, here and for every process. */
  const becomeActive = async (conn: Conn, previous: Holder | null) => {
    const { room, socket } = conn;
    if (previous && previous.sid !== socket.id) replace(room, previous.sid);
    void socket.leave(standbyOf(room.id));
    void socket.join(presenterOf(room.id));
    if (!room.present || previous === null) audience(room).emit('presenter', { present: true });
    room.present = true;
    // The next tick tells it the room's counts, dropped messages included, which the welcome does not carry.
    room.sent = '';
    socket.emit('welcome', await welcome(conn, 'presenter'));
  };

  const demote = (conn: Conn) => {
    void conn.socket.leave(presenterOf(conn.room.id));
    void conn.socket.join(standbyOf(conn.room.id));
    conn.socket.emit('replaced', { reason: 'Another presenter window took over the room; this one is on standby.' });
  };

  return {
    /** A window that has just connected: active, or on standby. */
    async arrive(conn: Conn): Promise<void> {
      let claim: { ok: boolean; previous: Holder | null };
      try {
        claim = await context.store.claim(conn.room.id, holderOf(conn), leaseMs(limits), false);
      } catch (error) {
        log(`The store could not give a presenter window the room (${message(error)}); it presents from this process.`);
        claim = { ok: true, previous: null };
      }
      if (claim.ok) {
        await becomeActive(conn, claim.previous);
        log('A presenter window is presenting.');
        return;
      }
      void conn.socket.join(standbyOf(conn.room.id));
      conn.socket.emit('welcome', await welcome(conn, 'standby'));
      conn.socket.emit('standby', {
        reason: 'Another presenter window is active in this room; this one is on standby. Take over to present from here.',
      });
    },

    /** A window on standby takes the room. */
    async takeOver(conn: Conn): Promise<void> {
      if (isActive(conn)) return;
      const { previous } = await context.store.claim(conn.room.id, holderOf(conn), leaseMs(limits), true);
      await becomeActive(conn, previous);
      log('A presenter window took over a room.');
    },

    /** A window that left (`wasActive`: it was the active presenter as it went): the room is free, and everyone is told. */
    async leave(conn: Conn, wasActive: boolean): Promise<void> {
      const { room, socket } = conn;
      // The store says who holds the lease; while it is away, the window's own rooms said it.
      const holder = await context.store.holder(room.id).catch(() => undefined);
      if (holder === undefined ? !wasActive : holder?.sid !== socket.id) return;
      await context.store.release(room.id, socket.id).catch(() => {});
      room.present = false;
      audience(room).emit('presenter', { present: false });
      log('A presenter window left.');
    },

    /** Each tick: renews the leases held here, and tells this process's phones when their room's presenter came or went. */
    async tick(room: LocalRoom): Promise<void> {
      for (const conn of room.conns) {
        if (!isActive(conn)) continue;
        if (await context.store.renew(room.id, conn.socket.id, leaseMs(limits))) continue;
        // The lease lapsed (the store was away) or was taken: take it back if nobody else holds it, or step down.
        const { ok, previous } = await context.store.claim(room.id, holderOf(conn), leaseMs(limits), false);
        if (!ok && previous && previous.sid !== conn.socket.id) demote(conn);
      }
      const present = (await context.store.holder(room.id)) !== null;
      if (present !== room.present) {
        room.present = present;
        io.local.to([followersOf(room.id), standbyOf(room.id)]).emit('presenter', { present });
      }
    },
  };
}
