/**
 * The room asks, in the deck: the question book and the "I'm lost" marks on
 * the presenter's laptop, and the phone's way to ask, upvote and say it is
 * lost. Loaded with the room's connection (room.ts), so a deck without a
 * relay never downloads it.
 *
 * - The presenter's window keeps the book (src/questions/model.ts) in this
 *   tab's sessionStorage, so a reload loses nothing; it answers each asker
 *   with their own questions, publishes what every phone may see under
 *   `questions` a few times a second at most, and draws the moderation list
 *   into reveal.js's speaker-view window (the one that sends it heartbeats)
 *   with the lost count: a count of phones, never names, and never on the
 *   projector. A question shown on screen is an overlay that any key or
 *   click takes away.
 * - A phone gets "Ask" and "Lost" beside its room status: "Ask" opens the
 *   questions panel (ask, and upvote the approved ones), "Lost" marks the
 *   presenter's current slide and clears itself when the presenter moves on.
 * - On both, the `#questions` slide lists the top approved questions while
 *   the room has some, and shows its usual content otherwise.
 */
import type { RevealApi } from 'reveal.js';
import { emptyLost, reduceLost, type LostState } from '../questions/lost.ts';
import {
  ask,
  emptyBook,
  fromJSON,
  mine,
  publicQuestions,
  reduce,
  shownQuestion,
  toJSON,
  type Book,
  type MineItem,
  type ModerationAction,
  type PublicItem,
  type PublicQuestions,
} from '../questions/model.ts';
import {
  BOOK_STORE,
  MINE_REPLY as MINE,
  PEAKS_STORE,
  PHONE_STORE,
  QUESTIONS_KEY,
  REFUSED_REPLY as REFUSED,
  SETTING_STORE,
} from '../questions/keys.ts';
import { createOverlayView } from '../questions/overlay.ts';
import { createPhoneView, type PhoneQuestions } from '../questions/phone-view.ts';
import styles from '../questions/questions.css?inline';
import { createSpeakerView, type SpeakerView } from '../questions/speaker-view.ts';
import { throttledPublisher } from '../demos/shared/publisher.ts';
import type { Place } from '../room/protocol.ts';
import type { DeckRoomLink } from './room-link.ts';

/** Phones hear the questions at most twice a second; the speaker view redraws at most four times. */
const PUBLISH_EVERY = 500;
const DRAW_EVERY = 250;
/** The questions the `#questions` slide lists. */
const ON_SLIDE = 5;

/** Adds the questions' styles to a document once. */
function adoptStyles(doc: Document): void {
  if (doc.querySelector('style[data-questions-styles]')) return;
  const style = doc.createElement('style');
  style.dataset.questionsStyles = '';
  style.textContent = styles;
  doc.head.append(style);
}

function read(storage: () => Storage, key: string): unknown {
  try {
    return JSON.parse(storage().getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

function write(storage: () => Storage, key: string, value: unknown): void {
  try {
    storage().setItem(key, JSON.stringify(value));
  } catch {
    // Full or refused storage: the room goes on, and a reload starts from what was kept last.
  }
}

/** The questions a phone may see, checked: a state from the relay is only as good as its shape. */
function asPublic(value: unknown): PublicQuestions {
  const items: PublicItem[] = [];
  const given = (value as { items?: unknown } | null)?.items;
  if (Array.isArray(given)) {
    for (const item of given as Partial<PublicItem>[]) {
      if (
        typeof item?.id === 'string' &&
        typeof item.text === 'string' &&
        typeof item.slide === 'string' &&
        typeof item.votes === 'number' &&
        (item.state === 'approved' || item.state === 'answered')
      )
        items.push({ id: item.id, text: item.text, slide: item.slide, votes: item.votes, state: item.state });
    }
  }
  const total = (value as { total?: unknown } | null)?.total;
  return { items, total: typeof total === 'number' ? total : items.length };
}

function asMine(value: unknown): MineItem[] {
  if (!Array.isArray(value)) return [];
  return (value as Partial<MineItem>[]).filter(
    (item): item is MineItem =>
      typeof item?.id === 'string' &&
      typeof item.text === 'string' &&
      typeof item.votes === 'number' &&
      ['pending', 'approved', 'hidden', 'answered'].includes(item.state ?? ''),
  );
}

/** The `#questions` slide's list of the room's top questions, drawn from what phones see. */
function questionsSlide(link: DeckRoomLink): () => void {
  const section = document.getElementById('questions');
  if (!section) return () => {};
  const box = document.createElement('div');
  box.className = 'questions-slide';
  box.hidden = true;
  const title = document.createElement('p');
  title.className = 'questions-slide-title';
  title.textContent = 'The room asks';
  const list = document.createElement('ol');
  list.setAttribute('data-room-questions', '');
  box.append(title, list);
  // In the reading list's place, when the slide has columns: the QR code stays where it was.
  const wide = section.querySelector('.column.wide');
  if (wide) {
    box.classList.add('column', 'wide');
    wide.before(box);
  } else section.append(box);
  const stop = link.onState(QUESTIONS_KEY, (value) => {
    const top = asPublic(value)
      .items.filter((item) => item.state === 'approved')
      .slice(0, ON_SLIDE);
    list.replaceChildren(
      ...top.map((item) => {
        const li = document.createElement('li');
        li.dataset.votes = String(item.votes);
        const text = document.createElement('span');
        text.textContent = item.text;
        const votes = document.createElement('span');
        votes.className = 'questions-slide-votes';
        votes.textContent = `▲ ${item.votes}`;
        li.append(text, votes);
        return li;
      }),
    );
    box.hidden = top.length === 0;
    section.toggleAttribute('data-live-questions', top.length > 0);
  });
  return () => {
    stop();
    box.remove();
    section.removeAttribute('data-live-questions');
  };
}

/** The presenter's side: the book, the marks, the speaker view's list and the projector's overlay. */
function presenterQuestions(link: DeckRoomLink, deck: RevealApi): () => void {
  const setting = read(() => localStorage, SETTING_STORE) === true;
  let book: Book = fromJSON(read(() => sessionStorage, BOOK_STORE));
  if (book.questions.length === 0 && book.publishAtOnce !== setting) book = emptyBook(setting);
  let lost: LostState = { ...emptyLost(deck.getCurrentSlide()?.id), peaks: keptPeaks() };
  let following = 0;
  const publisher = throttledPublisher(link, QUESTIONS_KEY, () => publicQuestions(book), PUBLISH_EVERY);

  adoptStyles(document);
  const overlay = createOverlayView(document.querySelector<HTMLElement>('.reveal') ?? document.body);
  const dismiss = (event: Event) => {
    if (overlay.element.hidden) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    moderate({ type: 'dismiss' });
  };
  // Capture, before reveal.js: the key or click that takes the question away does nothing else.
  document.addEventListener('keydown', dismiss, true);
  overlay.element.addEventListener('click', dismiss);

  let speaker: { window: Window; view: SpeakerView } | undefined;
  let frame: ReturnType<typeof setTimeout> | undefined;
  const drawSpeaker = () => {
    clearTimeout(frame);
    frame = undefined;
    if (speaker && !speaker.window.closed) speaker.view.render({ book, lost: lost.lost.length, following });
  };
  const soon = () => (frame ??= setTimeout(drawSpeaker, DRAW_EVERY));

  /** The book goes to sessionStorage at most once a second: a crowd's upvotes must not each write it whole. */
  let saving: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    clearTimeout(saving);
    saving = undefined;
    write(() => sessionStorage, BOOK_STORE, toJSON(book));
  };
  /**
   * Takes a new book: kept, published, drawn. The lecturer's own moves go out
   * and are drawn at once; what the crowd sends (questions, upvotes) waits for
   * the next publication and frame, so a hall asking at once neither floods
   * the relay nor keeps the presenter's main thread busy.
   */
  const set = (next: Book, lecturer: boolean) => {
    if (next === book) return;
    book = next;
    saving ??= setTimeout(save, 1000);
    if (lecturer) {
      publisher.now();
      drawSpeaker();
    } else {
      publisher.soon();
      soon();
    }
    overlay.render(shownQuestion(book));
  };
  addEventListener('pagehide', save);
  function moderate(action: ModerationAction): void {
    const before = book;
    set(reduce(book, action), true);
    if (action.type === 'setting') write(() => localStorage, SETTING_STORE, action.publishAtOnce);
    // The asker hears what became of their question.
    if ('id' in action && book !== before) {
      const from = book.questions.find((q) => q.id === action.id)?.from;
      if (from) link.reply(from, MINE, mine(book, from));
    }
  }

  const stops = [
    link.on('question', ({ from, text, slide }) => {
      const outcome = ask(book, { type: 'asked', from, text, slide, at: Date.now() });
      if (outcome.refusal) return link.reply(from, REFUSED, { reason: outcome.refusal });
      set(outcome.book, false);
      link.reply(from, MINE, mine(book, from));
    }),
    link.on('upvote', ({ from, question, up }) => set(reduce(book, { type: 'upvote', from, id: question, up }), false)),
    link.on('lost', ({ from, slide, lost: isLost }) => {
      const next = reduceLost(lost, { type: 'lost', from, slide, lost: isLost });
      if (next === lost) return;
      if (next.peaks !== lost.peaks) write(() => sessionStorage, PEAKS_STORE, next.peaks);
      lost = next;
      soon();
    }),
    link.onNews('followers', (count) => {
      following = count;
      soon();
    }),
    questionsSlide(link),
  ];
  const onMove = () => {
    const slide = deck.getCurrentSlide()?.id;
    if (!slide) return;
    const next = reduceLost(lost, { type: 'moved', slide });
    if (next !== lost) {
      lost = next;
      drawSpeaker();
    }
  };
  deck.on('slidechanged', onMove);

  // reveal.js's speaker view calls this window every second; the first call from a window without the list gets one.
  const onMessage = (event: MessageEvent) => {
    if (typeof event.data !== 'string' || !event.data.includes('"reveal-notes"')) return;
    const source = event.source as Window | null;
    if (!source || source === window || speaker?.window === source) return;
    let doc: Document;
    try {
      doc = source.document;
    } catch {
      return; // Not this deck's own speaker view.
    }
    const host = doc.getElementById('speaker-controls') ?? doc.body;
    if (!host) return;
    adoptStyles(doc);
    const root = doc.createElement('div');
    root.className = 'speaker-controls-questions';
    // Above the notes, where the lecturer's eye already is: the lost count at a glance, the list scrolling on its own.
    host.insertBefore(root, host.querySelector('.speaker-controls-notes'));
    speaker = { window: source, view: createSpeakerView(root, moderate) };
    drawSpeaker();
  };
  window.addEventListener('message', onMessage);

  publisher.now();
  overlay.render(shownQuestion(book));
  return () => {
    for (const stop of stops) stop();
    deck.off('slidechanged', onMove);
    window.removeEventListener('message', onMessage);
    document.removeEventListener('keydown', dismiss, true);
    removeEventListener('pagehide', save);
    if (saving) save();
    clearTimeout(frame);
    publisher.dispose();
    overlay.element.remove();
  };
}

/** The lost peaks this tab kept, checked: whole counts by slide id. */
function keptPeaks(): Record<string, number> {
  const value = read(() => sessionStorage, PEAKS_STORE);
  const peaks: Record<string, number> = {};
  if (value && typeof value === 'object')
    for (const [slide, peak] of Object.entries(value)) if (Number.isInteger(peak) && (peak as number) > 0) peaks[slide] = peak as number;
  return peaks;
}

/** What a phone keeps of its own questions and upvotes, by room, so that a reload still shows them. */
interface PhoneKept {
  mine: MineItem[];
  upvoted: string[];
}

/** A phone's side: "Ask" and "Lost", and the questions panel. */
function phoneQuestions(link: DeckRoomLink, bar: HTMLElement): () => void {
  adoptStyles(document);
  const kept = read(() => localStorage, PHONE_STORE) as Partial<PhoneKept> | null;
  let state: PhoneQuestions = {
    items: [],
    mine: asMine(kept?.mine),
    upvoted: Array.isArray(kept?.upvoted) ? kept.upvoted.filter((id): id is string => typeof id === 'string') : [],
  };
  let place: Place | undefined;
  let lostOn: string | undefined;

  const dialog = document.createElement('dialog');
  dialog.className = 'questions-dialog';
  dialog.setAttribute('aria-label', 'Questions');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'questions-close';
  close.textContent = 'Close';
  close.addEventListener('click', () => dialog.close());
  dialog.append(close);
  document.body.append(dialog);
  const view = createPhoneView(dialog, (action) => {
    if (action.type === 'ask') {
      link.send('ask', { text: action.text, slide: place?.slide ?? currentSlide() });
      render({ note: 'Sent: the lecturer sees it first.' });
      return;
    }
    const upvoted = action.up ? [...new Set([...state.upvoted, action.id])] : state.upvoted.filter((id) => id !== action.id);
    link.send('upvote', { question: action.id, up: action.up });
    render({ upvoted });
  });

  const askButton = document.createElement('button');
  askButton.type = 'button';
  askButton.className = 'room-ask';
  askButton.textContent = 'Ask';
  askButton.setAttribute('aria-haspopup', 'dialog');
  askButton.addEventListener('click', () => dialog.showModal());
  const lostButton = document.createElement('button');
  lostButton.type = 'button';
  lostButton.className = 'room-lost';
  lostButton.textContent = 'Lost';
  lostButton.setAttribute('aria-label', "I'm lost on this slide");
  lostButton.setAttribute('aria-pressed', 'false');
  lostButton.addEventListener('click', () => {
    const slide = place?.slide ?? currentSlide();
    if (!slide) return;
    const lost = lostOn !== slide;
    lostOn = lost ? slide : undefined;
    lostButton.setAttribute('aria-pressed', String(lost));
    link.send('lost', { slide, lost });
  });
  bar.append(askButton, lostButton);

  function render(change: Partial<PhoneQuestions>): void {
    state = { ...state, ...change };
    if ('mine' in change || 'upvoted' in change) write(() => localStorage, PHONE_STORE, { mine: state.mine, upvoted: state.upvoted });
    view.render(state);
    askButton.dataset.count = String(state.items.length);
  }

  const stops = [
    link.onState(QUESTIONS_KEY, (value) => {
      const { items, total } = asPublic(value);
      render({ items, total });
    }),
    link.onReply(MINE, (value) => render({ mine: asMine(value) })),
    link.onReply(REFUSED, (value) => {
      const reason = (value as { reason?: unknown } | null)?.reason;
      if (typeof reason === 'string') render({ note: reason });
    }),
    link.onRefused((refused) => {
      if (refused.event === 'ask' || refused.event === 'upvote' || refused.event === 'lost') render({ note: refused.reason });
      if (refused.event === 'lost') {
        lostOn = undefined;
        lostButton.setAttribute('aria-pressed', 'false');
      }
    }),
    // The mark clears itself when the presenter moves on.
    link.onNews('place', (next) => {
      if (place?.slide !== next.slide && lostOn !== undefined && lostOn !== next.slide) {
        lostOn = undefined;
        lostButton.setAttribute('aria-pressed', 'false');
      }
      place = next;
    }),
    questionsSlide(link),
  ];
  render({});
  return () => {
    for (const stop of stops) stop();
    askButton.remove();
    lostButton.remove();
    dialog.remove();
  };
}

function currentSlide(): string {
  return document.querySelector<HTMLElement>('.reveal .slides section.present:not(.stack)')?.id ?? '';
}

/** Starts the room's questions for this copy of the deck; returns the function that stops them. */
export function roomQuestions(link: DeckRoomLink, deck: RevealApi, bar: HTMLElement): () => void {
  return link.role === 'presenter' ? presenterQuestions(link, deck) : phoneQuestions(link, bar);
}
