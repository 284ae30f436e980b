/**
 * A hall's votes through the room's relay: how many of a crowd's votes reach
 * the presenter, how many the relay refuses, and how long they take. The
 * projector's poll once counted a vote in time that grew with the number of
 * voters and froze under a fast hall; it now counts one in constant time and
 * draws a few times a second (src/demos/poll). What is left to measure is
 * the path before it: the relay's limits per connection, per phone and per
 * room, under a crowd that votes as fast as they allow. Not part of
 * `npm test`: timings do not belong in tests.
 *
 * `voteBench` drives a relay that is already running at `url` (Socket.IO at
 * /__room/): one presenter socket, which counts the `vote` events the relay
 * forwards, and `phones` phone sockets (default 1,000), each with the
 * identity the relay issues it in its welcome. Each phone votes once in
 * each of the polls `bench-0`, `bench-1`, … until `votes` votes are sent in
 * all (default 30,000, so 30 polls of 1,000 phones): a phone's vote counts
 * once per poll, and 30,000 phones would be 30,000 sockets in this one
 * process, so the same total comes from fewer phones and more polls. The
 * polls take turns, all phones at once, spaced by the protocol's per
 * connection limit on votes (MESSAGES.vote, with a margin), so that what
 * the relay refuses comes from its other limits (votes per room, identities
 * and connections per address), not from sending faster than one socket may.
 *
 * The relay must admit sockets without an Origin header (as bench/room.ts's
 * own relay does, with `allowNoOrigin`), and all of them come from this one
 * address: a relay that caps connections or new identities per address
 * turns some phones away, which the result counts (`connected` < `phones`).
 * The helpers to open and await sockets are bench/room.ts's.
 */
import { MESSAGES, type ForwardedVote, type Refused, type RoomCounts, type Welcome } from '../src/room/protocol.ts';
import { mulberry32 } from '../src/lib/random.ts';
import { open, round1, sleep, welcomed, type Client } from './room.ts';

export interface VoteBenchOptions {
  /** The relay's address, e.g. http://127.0.0.1:4321 (Socket.IO at /__room/). */
  url: string;
  /** The key of the room to present: the bench's presenter socket must be the room's active presenter. */
  presenterKey: string;
  log(line: string): void;
  /** Votes to send in all (default 30,000). */
  votes?: number;
  /** Phone sockets (default 1,000); each votes once per poll. */
  phones?: number;
}

export interface VoteBenchResult {
  /** Phones asked for, and those the relay welcomed. */
  phones: number;
  connected: number;
  /** Distinct anonymous ids the relay gave the phones in their welcomes. */
  identities: number;
  /** Polls voted in (`bench-0` …). */
  polls: number;
  /** Vote messages sent, forwarded to the presenter, refused to a phone, and neither (dropped without a word, or lost). */
  sent: number;
  forwarded: number;
  refused: number;
  unanswered: number;
  /** Distinct phones among the forwarded votes. */
  voters: number;
  /** Messages the relay reported dropped in the room while the votes went (its `room` counts to the presenter). */
  dropped: number;
  /** Phones the relay disconnected while they voted. */
  disconnected: number;
  /** Milliseconds from the first vote sent to the last one forwarded or refused (or to the last sent, when later). */
  elapsedMs: number;
  /** Forwarded votes per second over that time. */
  forwardedPerSecond: number;
  /** The refusals' reasons, with how many of each. */
  reasons: Record<string, number>;
}

/** The polls' ids; the protocol's POLL_ID accepts them. */
const pollId = (p: number) => `bench-${p}`;

/** After the last vote went, the wait ends once nothing has been forwarded or refused for this long. */
const QUIET_MS = 3000;
/** The most to wait for answers after the last vote went. */
const SETTLE_MS = 30_000;
/** Phones connect this many at once, as a hall's phones arrive over a minute rather than in one instant. */
const BATCH = 50;

/** Connects the presenter socket and checks that it is the room's active presenter, not a window on standby. */
async function presenter(url: string, key: string): Promise<Client> {
  const socket = open(url, { role: 'presenter', key });
  let role: Welcome['role'] | undefined;
  socket.once('welcome', (welcome) => (role = welcome.role));
  try {
    await welcomed(socket);
  } catch (error) {
    socket.disconnect();
    throw error;
  }
  if (role !== 'presenter') {
    socket.disconnect();
    throw new Error(`The bench's presenter socket was welcomed as ${role ?? 'nothing'}: another presenter window holds the room.`);
  }
  return socket;
}

/** Connects phones with the identity the relay issues, in batches; a phone the relay turns away is counted, not fatal. */
async function phones(url: string, count: number, log: (line: string) => void): Promise<{ sockets: Client[]; ids: Set<string> }> {
  const sockets: Client[] = [];
  const ids = new Set<string>();
  const failures = new Map<string, number>();
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, () => {
      const socket = open(url, { role: 'follower' });
      socket.once('welcome', (welcome) => welcome.phone !== undefined && ids.add(welcome.phone));
      return socket;
    });
    const outcomes = await Promise.allSettled(batch.map((socket) => welcomed(socket)));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') sockets.push(batch[i]!);
      else {
        batch[i]!.disconnect();
        const reason = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      }
    });
  }
  for (const [reason, n] of failures) log(`${n} phone${n === 1 ? '' : 's'} not connected: ${reason}`);
  return { sockets, ids };
}

/** Sends `votes` votes from up to `phones` phones, one per phone per poll, and counts what reaches the presenter. */
export async function voteBench(options: VoteBenchOptions): Promise<VoteBenchResult> {
  const { url, presenterKey, log } = options;
  const total = options.votes ?? 30_000;
  const wanted = options.phones ?? 1000;
  const deck = await presenter(url, presenterKey);
  const sockets: Client[] = [deck];
  // The relay tells its presenter the room's dropped messages when they change: the latest before the votes is the baseline.
  let dropped = 0;
  deck.on('room', (counts: RoomCounts) => (dropped = counts.dropped));
  try {
    log(`connecting ${wanted} phones…`);
    const crowd = await phones(url, wanted, log);
    sockets.push(...crowd.sockets);
    const n = crowd.sockets.length;
    if (n === 0) throw new Error('No phone could connect to the relay.');
    const polls = Math.ceil(total / n);
    log(`${n} phones connected; they send ${total} votes in ${polls} polls`);

    let forwarded = 0;
    let refused = 0;
    let disconnected = 0;
    let lastAnswer = 0;
    const voters = new Set<string>();
    const reasons: Record<string, number> = {};
    deck.on('vote', (vote: ForwardedVote) => {
      if (!vote.poll.startsWith('bench-')) return;
      forwarded++;
      voters.add(vote.from);
      lastAnswer = performance.now();
    });
    for (const socket of crowd.sockets) {
      socket.on('refused', (r: Refused) => {
        if (r.event !== 'vote') return;
        refused++;
        reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
        lastAnswer = performance.now();
      });
      socket.on('disconnect', () => disconnected++);
    }

    // The polls take turns: each phone may send `burst` votes at once, then one every `everyMs / tokens`; 10 % slower, for the network's jitter.
    const { tokens, everyMs, burst } = MESSAGES.vote.limit;
    const spacing = (everyMs / tokens) * 1.1;
    const random = mulberry32(11);
    let sent = 0;
    const droppedBefore = dropped;
    const began = performance.now();
    for (let p = 0; p < polls; p++) {
      const due = began + Math.max(0, p - burst + 1) * spacing;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      for (let i = 0; i < n && sent < total; i++) {
        crowd.sockets[i]!.emit('vote', { poll: pollId(p), option: Math.floor(random() * 4) });
        sent++;
      }
    }
    log(`${sent} votes sent in ${round1((performance.now() - began) / 1000)} s; waiting for the relay…`);

    // Settled when every vote is answered, or nothing has been heard for QUIET_MS, or after SETTLE_MS in all.
    const sentAll = performance.now();
    const quiet = () => performance.now() - Math.max(lastAnswer, sentAll) >= QUIET_MS;
    while (forwarded + refused < sent && !quiet() && performance.now() - sentAll < SETTLE_MS) await sleep(50);
    // The relay reports its room's counts about once a second: wait for one more.
    await sleep(1100);

    const elapsedMs = Math.max(0, Math.max(lastAnswer, sentAll) - began);
    const result: VoteBenchResult = {
      phones: wanted,
      connected: n,
      identities: crowd.ids.size,
      polls,
      sent,
      forwarded,
      refused,
      unanswered: Math.max(0, sent - forwarded - refused),
      voters: voters.size,
      dropped: dropped - droppedBefore,
      disconnected,
      elapsedMs: round1(elapsedMs),
      forwardedPerSecond: round1(elapsedMs > 0 ? (forwarded / elapsedMs) * 1000 : 0),
      reasons,
    };
    log(
      `${result.forwarded} of ${result.sent} votes forwarded from ${result.voters} phones, ${result.refused} refused, ` +
        `${result.unanswered} unanswered (${result.dropped} dropped), in ${round1(elapsedMs / 1000)} s: ${result.forwardedPerSecond} votes/s`,
    );
    for (const [reason, count] of Object.entries(reasons)) log(`  refused ${count}×: ${reason}`);
    return result;
  } finally {
    for (const socket of sockets) socket.disconnect();
  }
}
