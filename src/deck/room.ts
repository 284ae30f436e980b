/**
 * The room, connected: this copy of the deck in the presenter's room, over
 * the relay (src/room/relay.ts), with socket.io-client. Loaded after the
 * first slide has painted, and only by a deck built with a relay.
 *
 * - The presenter's window (opened from the link `npm start` prints) sends
 *   where it is: the slide and the fragment, and nothing of the overview,
 *   search, zoom, speaker view or black screen, which are the presenter's
 *   own. Its speaker view drives it, so it drives the room too. A second
 *   presenter window is told that another is active, and can take over.
 * - Every other copy follows: it goes where the presenter is, joins late on
 *   the current slide, and comes back by itself after a dropped connection.
 *   A reader who browses on their own is "free"; one tap brings them back.
 *
 * The page's root says which, for people and for tests: `data-room` is off,
 * connecting, following, free or presenting, and `data-room-slide` is the
 * presenter's slide.
 */
import type { RevealApi } from 'reveal.js';
import { io, type Socket } from 'socket.io-client';
import { roomPath } from '../room/paths.ts';
import type { ClientToServer, Place, ServerToClient } from '../room/protocol.ts';
import { createAnnouncer } from './announcer.ts';
import { joinStrip } from './join-strip.ts';
import { roomQuestions } from './questions.ts';
import type { DeckRoomLink, RoomSetup } from './room-link.ts';

type RoomSocket = Socket<ServerToClient, ClientToServer>;
export type RoomMode = 'off' | 'connecting' | 'following' | 'free' | 'presenting';

/**
 * The localStorage key of what the relay told this phone in its welcome: its
 * token (an identity the relay issued and signed, never a name) and the room
 * it was welcomed to, so that after a restart it rejoins that room whatever
 * address it opened.
 */
const IDENTITY_STORE = 'deck-room:identity';

interface Kept {
  token?: string;
  room?: string;
}

function kept(): Kept {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(IDENTITY_STORE) ?? '{}');
    if (value === null || typeof value !== 'object') return {};
    const { token, room } = value as Record<string, unknown>;
    return {
      ...(typeof token === 'string' && token.length <= 64 ? { token } : {}),
      ...(typeof room === 'string' && /^[A-Za-z0-9_-]{16}$/.test(room) ? { room } : {}),
    };
  } catch {
    // No storage, or something else in it: the relay issues a new identity.
    return {};
  }
}

function keep(value: Kept): void {
  try {
    localStorage.setItem(IDENTITY_STORE, JSON.stringify(value));
  } catch {
    // No storage: this load keeps it in memory only.
  }
}

/** The relay's address and Socket.IO path for this page. */
function endpoint(relay: string, base: string): { url: string; path: string } {
  if (relay === 'same-origin') return { url: location.origin, path: roomPath(base) };
  const url = new URL(relay);
  return { url: url.origin, path: roomPath(url.pathname) };
}

export interface JoinOptions {
  setup: RoomSetup;
  link: DeckRoomLink;
  deck: RevealApi;
  /** The deck's base path (import.meta.env.BASE_URL). */
  base: string;
  /** Brings a slide to the screen in the scroll view (phones). */
  scrollToSlide(id: string): void;
  /** Draws the follow-along QR code for this room. */
  showFollowLink(room: string): void;
}

/** Joins the room; returns a function that leaves it. */
export function joinRoom(options: JoinOptions): () => void {
  const { setup, link, deck } = options;
  const root = document.documentElement;
  const presenting = setup.key !== undefined;
  const { url, path } = endpoint(setup.relay, options.base);
  /** This phone's identity and room as the relay last welcomed it; the address's own room (?follow=) comes first. */
  let identity: Kept = presenting ? {} : kept();
  /** This page load, for the relay: a presenter window that reconnects takes its own lease back at once. */
  const window = crypto.getRandomValues(new Uint8Array(12)).reduce((text, byte) => text + byte.toString(16).padStart(2, '0'), '');
  const socket: RoomSocket = io(url, {
    path,
    // Read at every connection, so that a reconnect sends the token and room of the latest welcome.
    auth: (send) => {
      const room = setup.room ?? identity.room;
      send(
        presenting
          ? { role: 'presenter', key: setup.key, window }
          : { role: 'follower', ...(room ? { room } : {}), ...(identity.token ? { token: identity.token } : {}) },
      );
    },
    // A WebSocket first; long polling where a network refuses it.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    // Back within a few seconds of the relay answering again (Wi-Fi drop, sleep, restart).
    reconnectionDelay: 500,
    reconnectionDelayMax: 2000,
    randomizationFactor: 0.3,
    timeout: 5000,
  });

  let mode: RoomMode = 'connecting';
  /** A phone's screen reader hears where the lecture moves (announcer.ts); the presenter's own moves are reveal.js's to say. */
  const announcer = presenting ? undefined : createAnnouncer();
  /** Standby: a presenter window while another one presents. */
  let standby = false;
  let presenterHere = false;
  let place: Place | undefined;
  let followers = 0;
  /** Set while this page moves itself to the presenter's place, so that the move is not taken for the reader's own. */
  let moving: { slide: string; until: number } | undefined;
  const ui = indicator(
    () => {
      setMode('following');
      if (place) go(place);
    },
    () => socket.emit('take-over', {}),
  );
  const stopQuestions = roomQuestions(link, deck, ui.actions);
  /** The projector's way in for latecomers, on the slides where the room takes part. */
  const strip = presenting ? joinStrip(deck, options.base) : undefined;

  function setMode(next: RoomMode): void {
    mode = next;
    root.dataset.room = next;
    strip?.presenting(next === 'presenting');
    announcer?.following(next === 'following');
    ui.show({ mode, standby, presenterHere, followers });
  }

  /** Goes where the presenter is. */
  function go(to: Place): void {
    const section = document.getElementById(to.slide);
    if (!section) return;
    announcer?.moved(section);
    // A step on the slide already shown moves nothing in the scroll view: no scroll to wait for, and the reader's own
    // move just after it is theirs, not taken for the end of the lecture's.
    if (deck.isScrollView() && deck.getCurrentSlide() === section) return;
    moving = { slide: to.slide, until: performance.now() + 1500 };
    if (deck.isScrollView()) options.scrollToSlide(to.slide);
    else {
      const { h, v } = deck.getIndices(section);
      deck.slide(h, v ?? 0, to.f);
    }
  }

  /** Where this (presenter's) deck is now. */
  function here(): Place | undefined {
    const slide = deck.getCurrentSlide();
    if (!slide?.id) return undefined;
    const { h, v, f } = deck.getIndices();
    return { slide: slide.id, h, v: v ?? 0, f: f ?? -1 };
  }

  function sendPlace(): void {
    if (mode !== 'presenting' || deck.isOverview()) return;
    const now = here();
    if (now) socket.emit('place', now);
  }

  // The presenter's moves; a follower's own moves make it free.
  const onMove = () => {
    if (mode === 'presenting') return sendPlace();
    const current = deck.getCurrentSlide()?.id;
    if (moving && (current === moving.slide || performance.now() < moving.until)) {
      if (current === moving.slide) moving = undefined;
      return;
    }
    if (mode === 'following' && place && current !== place.slide) setMode('free');
  };
  const events = ['slidechanged', 'fragmentshown', 'fragmenthidden', 'overviewhidden'] as const;
  for (const name of events) deck.on(name, onMove);

  /**
   * What the relay broadcast between this socket joining the room and its
   * welcome, which reads the room from the relay's store: applied after the
   * welcome, so that a move made meanwhile is not undone by an older place.
   */
  let early: (() => void)[] | null = [];
  socket.on('connect', () => (early = []));
  const inOrder =
    <A extends unknown[]>(handler: (...args: A) => void) =>
    (...args: A) => {
      if (early) early.push(() => handler(...args));
      else handler(...args);
    };

  const replayEarly = () => {
    const waiting = early ?? [];
    early = null;
    for (const apply of waiting) apply();
  };
  socket.on('welcome', (welcome) => {
    if (!presenting && welcome.token) {
      identity = { token: welcome.token, room: welcome.room };
      keep(identity);
    }
    standby = welcome.role === 'standby';
    presenterHere = welcome.presenter;
    followers = welcome.followers ?? 0;
    if (welcome.role === 'presenter') link.tell('followers', followers);
    for (const [key, value] of Object.entries(welcome.states)) link.receiveState(key, value);
    if (welcome.room) {
      options.showFollowLink(welcome.room);
      strip?.room(welcome.room);
    }
    // The link's messages were shaped by the demos' own types; the relay checks them against the protocol.
    const loose = socket as unknown as { emit(event: string, payload: unknown): void };
    link.connected({ emit: (event, payload) => loose.emit(event, payload) });
    if (welcome.role === 'presenter') {
      setMode('presenting');
      sendPlace();
      replayEarly();
      return;
    }
    place = welcome.place;
    if (place) {
      root.dataset.roomSlide = place.slide;
      link.tell('place', place);
    }
    // A phone follows unless its reader already browses on their own; a late joiner lands on the current slide.
    const follow = mode === 'connecting' || mode === 'following' || standby;
    setMode(follow || setup.follow ? 'following' : 'free');
    if (mode === 'following' && presenterHere && place) go(place);
    replayEarly();
  });
  socket.on(
    'place',
    inOrder((next) => {
      place = next;
      root.dataset.roomSlide = next.slide;
      link.tell('place', next);
      ui.show({ mode, standby, presenterHere, followers });
      if (mode === 'following') go(next);
    }),
  );
  socket.on(
    'state',
    inOrder(({ key, value }) => link.receiveState(key, value)),
  );
  socket.on(
    'presenter',
    inOrder(({ present }) => {
      presenterHere = present;
      ui.show({ mode, standby, presenterHere, followers });
      if (present && mode === 'following' && place) go(place);
    }),
  );
  socket.on('room', (counts) => {
    followers = counts.followers;
    ui.show({ mode, standby, presenterHere, followers });
    link.tell('followers', followers);
  });
  socket.on('standby', () => {
    standby = true;
    setMode('following');
  });
  socket.on('replaced', () => {
    standby = true;
    setMode('following');
  });
  socket.on('digit', (digit) => link.receiveDigit(digit));
  socket.on('question', (question) => link.receive('question', question));
  socket.on('upvote', (upvote) => link.receive('upvote', upvote));
  socket.on('lost', (lost) => link.receive('lost', lost));
  socket.on('vote', (vote) => link.receiveVote(vote));
  socket.on('reply', ({ kind, value }) => link.receiveReply(kind, value));
  socket.on('refused', (refused) => link.receiveRefusal(refused));
  socket.on('disconnect', () => {
    link.disconnected();
    // Keep what the reader chose; show that the room is being reached again.
    if (mode !== 'free') setMode('connecting');
  });
  let retry: ReturnType<typeof setTimeout> | undefined;
  socket.on('connect_error', (error) => {
    if (mode !== 'free') setMode('connecting');
    // The room this phone remembers is gone (the presenter started afresh): follow the address's room instead.
    if (!presenting && identity.room && /not one this relay holds/.test(error.message)) {
      identity = { ...(identity.token ? { token: identity.token } : {}) };
      keep(identity);
    }
    // Socket.IO retries a lost connection by itself, but not one its relay refused (full, too many new phones at once,
    // a room it does not hold): try again in a few seconds, as a person would.
    if (!socket.active) retry = setTimeout(() => socket.connect(), 3000 + Math.random() * 2000);
  });
  setMode('connecting');

  return () => {
    for (const name of events) deck.off(name, onMove);
    clearTimeout(retry);
    announcer?.remove();
    stopQuestions();
    strip?.remove();
    socket.close();
    ui.remove();
    root.dataset.room = 'off';
  };
}

/**
 * The room's indicator: a small status at the foot of the screen, with
 * "Back to live" and "Take over" when they apply. A phone shows the short
 * words (it shares the foot of its screen with "Read this part").
 */
function indicator(backToLive: () => void, takeOver: () => void) {
  const box = document.createElement('div');
  box.className = 'room-status';
  // Only the words are a status region: a screen reader says them when they change, not the buttons beside them.
  const words = document.createElement('span');
  words.setAttribute('role', 'status');
  const long = document.createElement('span');
  long.className = 'room-long';
  const short = document.createElement('span');
  short.className = 'room-short';
  words.append(long, short);
  const button = document.createElement('button');
  button.type = 'button';
  button.hidden = true;
  /** Where the room's own features put their buttons (questions.ts: Ask, Lost). */
  const actions = document.createElement('span');
  actions.className = 'room-actions';
  box.append(words, button, actions);
  document.querySelector('.reveal')?.append(box);
  let action: (() => void) | undefined;
  button.addEventListener('click', () => action?.());
  return {
    actions,
    show(s: { mode: RoomMode; standby: boolean; presenterHere: boolean; followers: number }) {
      box.dataset.mode = s.mode;
      // A phone asks and says it is lost only while a presenter is there to hear it.
      actions.hidden = s.mode === 'presenting' || s.mode === 'connecting' || s.standby || !s.presenterHere;
      action = undefined;
      let words: [string, string];
      if (s.mode === 'presenting') words = [`Presenting · ${s.followers} following`, 'Presenting'];
      else if (s.mode === 'connecting') words = ['Connecting to the lecture…', 'Connecting…'];
      else if (s.standby) {
        words = ['Another presenter window is active.', 'Another presenter is active.'];
        action = takeOver;
        if (button.textContent !== 'Take over') button.textContent = 'Take over';
      } else if (!s.presenterHere) words = ['Waiting for the presenter', 'Waiting'];
      else if (s.mode === 'free') {
        words = ['Browsing on your own', ''];
        action = backToLive;
        if (button.textContent !== 'Back to live') button.textContent = 'Back to live';
      } else words = ['Live: following the lecture', 'Live'];
      // A status region: writing the same words again would have some screen readers say them again.
      if (long.textContent !== words[0]) long.textContent = words[0];
      if (short.textContent !== words[1]) short.textContent = words[1];
      short.hidden = words[1] === '';
      button.hidden = action === undefined;
    },
    remove() {
      box.remove();
    },
  };
}
