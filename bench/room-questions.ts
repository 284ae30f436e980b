/**
 * The room asks, against the real presenter: the deck in Chromium presents
 * the `#questions` slide with reveal.js's speaker view open (S), where
 * src/deck/questions.ts draws the question book, and 1,000 phones
 * (socket.io-client in this process, each with the identity the relay issued
 * it) each ask one question, say "I'm lost" once and upvote five questions
 * taken from the list they were last sent, all within 30 s: the questions
 * in the first 10 s, the upvotes and the lost marks in the next 20. The
 * lecturer's setting "publish questions at once" is on (set in the presenter
 * window's localStorage before the deck loads), so that every question is
 * approved as it arrives and can be upvoted. The room's caps on questions,
 * upvotes and lost marks are lifted, as room-poll.ts lifts the cap on votes,
 * so that the presenter meets the worst a relay could let through (1,000
 * questions in 10 s is twice the default cap); the phones keep the
 * protocol's limits per phone.
 *
 * Measured:
 *
 * - questions asked, kept in the presenter's book (its sessionStorage) and
 *   counted in the last published `questions` state's `total`; upvotes sent
 *   and counted in the book (the published state lists the top 50 only);
 *   lost marks sent and shown in the speaker view (goal: nothing lost);
 * - the longest main-thread task in the presenter's window and in the
 *   speaker view's while the room acts, and how many passed 50 ms (goal:
 *   none; the Long Tasks API reports only tasks over 50 ms);
 * - from a phone's upvote to the first `questions` state it receives in
 *   which that question has more votes than the phone last saw, p50 and p95
 *   (goal: p95 ≤ 1 s);
 * - what the `questions` states cost a phone: states a second and their
 *   bytes a second, as JSON in UTF-8, measured on one phone (every phone is
 *   sent the same states).
 *
 * Not part of `npm test`; `npm run bench -- --room` runs it after
 * room-poll.ts. `node bench/room-questions.ts` alone measures the build in
 * dist/ (built with RELAY_URL=same-origin). Everything stops by itself.
 */
import { chromium, type Page } from '@playwright/test';
import { io } from 'socket.io-client';
import { chromiumArgs, findChromium } from '../scripts/chromium.ts';
import { serveHall } from '../tests/e2e/hall.ts';
import { mulberry32 } from '../src/lib/random.ts';
import type { PhoneReply, Refused, StateUpdate } from '../src/room/protocol.ts';
import { longTasks, recordLongTasks } from './long-tasks.ts';
import { BOOK_STORE, MINE_REPLY as MINE, QUESTIONS_KEY as STATE_KEY, SETTING_STORE } from '../src/questions/keys.ts';
import { quantile, round1, sleep, welcomed, type Client } from './room.ts';

const KEY = 'bench-room-questions-presenter-key-0001';
/** The slide the presenter shows, on which the phones ask and are lost. */
const SLIDE = 'questions';
/** Each phone's upvotes. */
const UPVOTES = 5;
/** How long the bench waits, after the crowd's last message, for the presenter's book and its last state. */
const SETTLE_MS = 15_000;
/** What people ask about this lecture; each phone's question is one of these with its number, so that every text differs. */
const STEMS = [
  'Why does ReLU work better than the sigmoid in the hidden layer?',
  'How do you choose the learning rate for RMSprop?',
  'Would a convolutional network do better on these digits, and by how much?',
  'What does the softmax do that taking the largest output would not?',
  'Is 512 units in the hidden layer a rule, or a guess that worked?',
  'How many epochs are enough before the network starts to overfit?',
  'Why is the batch 128 and not the whole training set?',
  'Could the same network read handwriting in other alphabets?',
];

export interface QuestionsBenchOptions {
  /** Phones in the hall (default 1,000). */
  phones?: number;
  /** The window in which the phones ask (default 10 s), and the one that follows it, in which they upvote and say they are lost (default 20 s). */
  askMs?: number;
  upvoteMs?: number;
  /** Lift the room's caps on questions, upvotes and lost marks (default true); with false, the relay's defaults refuse what is over them. */
  liftCaps?: boolean;
  log?: (line: string) => void;
}

export interface QuestionsBenchResult {
  phones: number;
  /** The crowd's windows as planned: the asks, then the upvotes and lost marks (s); and the whole as the phones' process kept it. */
  askSeconds: number;
  upvoteSeconds: number;
  seconds: number;
  /** Whether the room's caps on questions, upvotes and lost marks were lifted (the phones keep the protocol's limits per phone). */
  capsLifted: boolean;
  /** Questions sent; kept in the presenter's book; the last published state's `total`; askers answered with their own question. */
  asked: number;
  received: number;
  publishedTotal: number;
  answeredAskers: number;
  /** Upvotes each phone meant to send, to distinct questions; sent; counted in the book; and the votes in the last published items (the top 50 only). */
  upvotesPerPhone: number;
  upvotesSent: number;
  upvotesCounted: number;
  publishedVotes: number;
  /** Upvotes a phone could not send because its list held no question it had not upvoted. */
  upvotesSkipped: number;
  /** Lost marks sent, and the lost count the speaker view showed at the end; the questions it listed. */
  lostSent: number;
  lostShown: number;
  speakerListed: number;
  /** Messages the phones had refused, by event; and messages the relay dropped beyond those (the presenter's, over its own limits). */
  refused: Record<string, number>;
  presenterDropped: number;
  /** Every question and upvote kept, every lost mark shown, and nothing refused. */
  exact: boolean;
  /** The presenter's window and the speaker view's, while the room acted (ms). */
  longestTaskMs: number;
  tasksOver50: number;
  speakerLongestTaskMs: number;
  speakerTasksOver50: number;
  /** From an upvote to the first state its phone received with that question's votes higher (ms); upvotes so seen, of those sent. */
  upvoteP50: number;
  upvoteP95: number;
  upvoteMax: number;
  upvotesSeen: number;
  /** The `questions` states one phone received, a second, and their bytes a second as JSON in UTF-8; the largest state (bytes). */
  statesPerSecond: number;
  bytesPerPhonePerSecond: number;
  largestStateBytes: number;
}

/** What phones see of a question: src/questions/model.ts's PublicItem, as far as this bench reads it. */
interface SeenItem {
  id: string;
  votes: number;
}

/** One phone: its socket, the list it was last sent, what it upvoted, and its upvotes not yet seen counted. */
interface Phone {
  socket: Client;
  items: readonly SeenItem[];
  upvoted: Set<string>;
  waiting: { id: string; before: number; at: number }[];
  answered: boolean;
}

/** Something one phone does at a time after the start (ms). */
interface Action {
  at: number;
  phone: number;
  kind: 'ask' | 'upvote' | 'lost';
}

/** The items of a `questions` state, as far as this bench reads them (the deck checks the shape; the bench trusts its own deck). */
function seenItems(value: unknown): SeenItem[] {
  const items = (value as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as SeenItem[]) : [];
}

function publishedTotal(value: unknown): number {
  const total = (value as { total?: unknown } | null)?.total;
  return typeof total === 'number' ? total : 0;
}

/**
 * The crowd's plan, in time order: phone i asks at its share of the first
 * window; in the second, the phones upvote in turns (each phone's upvotes
 * `upvoteMs / UPVOTES` apart, far under the protocol's four a second) and
 * each says once that it is lost.
 */
function plan(phones: number, askMs: number, upvoteMs: number): Action[] {
  const actions: Action[] = [];
  for (let phone = 0; phone < phones; phone++) {
    actions.push({ at: ((phone + 0.5) / phones) * askMs, phone, kind: 'ask' });
    actions.push({ at: askMs + ((phone + 0.5) / phones) * upvoteMs, phone, kind: 'lost' });
    for (let k = 0; k < UPVOTES; k++)
      actions.push({ at: askMs + ((k * phones + phone + 0.5) / (UPVOTES * phones)) * upvoteMs, phone, kind: 'upvote' });
  }
  return actions.sort((a, b) => a.at - b.at);
}

/** The presenter's book as its sessionStorage keeps it: its questions and the upvotes counted. */
async function book(page: Page): Promise<{ questions: number; upvotes: number }> {
  const kept = await page.evaluate((key) => sessionStorage.getItem(key), BOOK_STORE);
  const parsed = JSON.parse(kept ?? 'null') as { questions?: { voters?: unknown[] }[] } | null;
  const questions = parsed?.questions ?? [];
  return { questions: questions.length, upvotes: questions.reduce((n, q) => n + (q.voters?.length ?? 0), 0) };
}

export async function questionsBench(options: QuestionsBenchOptions = {}): Promise<QuestionsBenchResult> {
  const phoneCount = options.phones ?? 1000;
  const askMs = options.askMs ?? 10_000;
  const upvoteMs = options.upvoteMs ?? 20_000;
  const liftCaps = options.liftCaps ?? true;
  const log = options.log ?? (() => {});
  const lifted = { tokens: 100_000, everyMs: 1000, burst: 100_000 };
  // Every phone comes from this one loopback address: the limits per address, meant for one address among a hall's, are lifted;
  // so are the room's caps on questions, upvotes and lost marks, unless asked otherwise.
  const server = await serveHall(KEY, {
    relayLimits: {
      connectionsPerAddress: 100_000,
      newPhonesPerAddress: lifted,
      ...(liftCaps ? { roomQuestions: lifted, roomUpvotes: lifted, roomLost: lifted } : {}),
    },
  });
  const relay = server.relay;
  if (!relay) throw new Error('the server has no relay');
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs() });
  const phones: Phone[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    // The lecturer's setting, before the deck reads it: every question is approved as it arrives.
    await page.addInitScript((key) => localStorage.setItem(key, 'true'), SETTING_STORE);
    await page.goto(`${server.local}?presenter=${KEY}#/${SLIDE}`);
    await page.waitForSelector('html[data-room="presenting"]', { timeout: 30_000 });
    const [speaker] = await Promise.all([page.waitForEvent('popup', { timeout: 30_000 }), page.keyboard.press('s')]);
    // The deck finds the speaker view by its heartbeat, once a second, and draws the list into it.
    await speaker.waitForSelector('.questions-speaker [data-questions]', { state: 'attached', timeout: 30_000 });
    if (!(await speaker.locator('.questions-speaker input[type="checkbox"]').isChecked()))
      throw new Error(`the presenter does not publish questions at once: localStorage's ${SETTING_STORE} was not read`);
    // The speaker view's two previews are the deck again, on the same main thread: they start before the measurement does.
    // (The speaker view's own document is written by reveal.js and never closed, so it never fires `load`.)
    await speaker.waitForSelector('#current-slide iframe', { state: 'attached', timeout: 30_000 });
    await speaker.waitForSelector('#upcoming-slide iframe', { state: 'attached', timeout: 30_000 });
    const previews = speaker.frames().filter((frame) => frame !== speaker.mainFrame());
    await Promise.all(
      previews.map((frame) =>
        frame
          .waitForSelector('.reveal.ready', { state: 'attached', timeout: 30_000 })
          .catch(() => log('a speaker-view preview was not ready within 30 s; measuring anyway')),
      ),
    );
    await sleep(3000);
    log('the presenter shows the questions slide, with the speaker view open');

    const origin = new URL(server.local).origin;
    const refused: Record<string, number> = {};
    const latencies: number[] = [];
    let states = 0;
    let bytes = 0;
    let largest = 0;
    let lastState = 0;
    let last: unknown;
    let measuring = false;
    for (let i = 0; i < phoneCount; i++) {
      const socket: Client = io(origin, {
        path: '/__room/',
        auth: { role: 'follower' },
        transports: ['websocket'],
        extraHeaders: { origin },
        reconnection: false,
        forceNew: true,
      });
      const phone: Phone = { socket, items: [], upvoted: new Set(), waiting: [], answered: false };
      socket.on('welcome', (welcome) => (phone.items = seenItems(welcome.states[STATE_KEY])));
      socket.on('state', ({ key, value }: StateUpdate) => {
        if (key !== STATE_KEY) return;
        const now = performance.now();
        phone.items = seenItems(value);
        if (phone.waiting.length > 0) {
          phone.waiting = phone.waiting.filter((w) => {
            const item = phone.items.find((q) => q.id === w.id);
            if (!item || item.votes <= w.before) return true;
            latencies.push(now - w.at);
            return false;
          });
        }
        // One phone measures what the states cost: every phone is sent the same ones.
        if (i === 0 && measuring) {
          states++;
          const size = Buffer.byteLength(JSON.stringify(value));
          bytes += size;
          largest = Math.max(largest, size);
          lastState = now;
        }
        if (i === 0) last = value;
      });
      socket.on('reply', ({ kind, value }: PhoneReply) => {
        if (kind === MINE && Array.isArray(value) && value.length > 0) phone.answered = true;
      });
      socket.on('refused', ({ event }: Refused) => (refused[event] = (refused[event] ?? 0) + 1));
      phones.push(phone);
    }
    await Promise.all(phones.map((phone) => welcomed(phone.socket)));
    log(
      `${phoneCount} phones connected; each asks once within ${askMs / 1000} s, then upvotes ${UPVOTES} questions within ${upvoteMs / 1000} s`,
    );

    await page.evaluate(recordLongTasks);
    await speaker.evaluate(recordLongTasks);
    const droppedBefore = relay.stats().dropped.limited;
    const random = mulberry32(20_240_601);
    let asked = 0;
    let upvotesSent = 0;
    let upvotesSkipped = 0;
    let lostSent = 0;
    const actions = plan(phoneCount, askMs, upvoteMs);
    measuring = true;
    const started = performance.now();
    for (let next = 0; next < actions.length;) {
      const now = performance.now() - started;
      for (; next < actions.length && actions[next]!.at <= now; next++) {
        const { phone: i, kind } = actions[next]!;
        const phone = phones[i]!;
        if (kind === 'ask') {
          phone.socket.emit('ask', { text: `${STEMS[i % STEMS.length]} (${i + 1})`, slide: SLIDE });
          asked++;
        } else if (kind === 'lost') {
          phone.socket.emit('lost', { slide: SLIDE, lost: true });
          lostSent++;
        } else {
          // A question from the list this phone was last sent, at random among those it has not upvoted.
          const choices = phone.items.filter((q) => !phone.upvoted.has(q.id));
          const choice = choices[Math.floor(random() * choices.length)];
          if (!choice) {
            upvotesSkipped++;
            continue;
          }
          phone.upvoted.add(choice.id);
          phone.waiting.push({ id: choice.id, before: choice.votes, at: performance.now() });
          phone.socket.emit('upvote', { question: choice.id, up: true });
          upvotesSent++;
        }
      }
      await sleep(10);
    }
    const crowdSeconds = (performance.now() - started) / 1000;
    log(`the crowd is done in ${round1(crowdSeconds)} s; waiting for the presenter's last state`);
    // Until every upvote that was not refused has been seen counted and the last state counts every question, or SETTLE_MS.
    const unseen = () => phones.reduce((n, p) => n + p.waiting.length, 0);
    const settled = () => unseen() <= (refused.upvote ?? 0) && publishedTotal(last) === asked - (refused.ask ?? 0);
    for (const deadline = performance.now() + SETTLE_MS; !settled() && performance.now() < deadline;) await sleep(100);
    // The speaker view redraws at most four times a second: one more turn, then read it.
    await sleep(600);
    measuring = false;
    const tasks = await longTasks(page);
    const speakerTasks = await longTasks(speaker);
    const kept = await book(page);
    const indicator = speaker.locator('.questions-speaker [data-lost-indicator]');
    const lostShown = Number((await indicator.getAttribute('data-lost')) ?? Number.NaN);
    const speakerListed = Number((await speaker.locator('.questions-speaker [data-questions]').getAttribute('data-count')) ?? Number.NaN);
    const phoneRefusals = Object.values(refused).reduce((a, b) => a + b, 0);
    // The phones' refusals here are all for limits, which the relay counts as dropped too; the rest of its drops are the presenter's.
    const presenterDropped = Math.max(0, relay.stats().dropped.limited - droppedBefore - phoneRefusals);
    const upvotesCounted = kept.upvotes;
    const stateSeconds = Math.max(0.001, (lastState - started) / 1000);
    latencies.sort((a, b) => a - b);
    return {
      phones: phoneCount,
      askSeconds: round1(askMs / 1000),
      upvoteSeconds: round1(upvoteMs / 1000),
      seconds: round1(crowdSeconds),
      capsLifted: liftCaps,
      asked,
      received: kept.questions,
      publishedTotal: publishedTotal(last),
      answeredAskers: phones.filter((p) => p.answered).length,
      upvotesPerPhone: UPVOTES,
      upvotesSent,
      upvotesCounted,
      publishedVotes: seenItems(last).reduce((n, q) => n + q.votes, 0),
      upvotesSkipped,
      lostSent,
      lostShown,
      speakerListed,
      refused,
      presenterDropped,
      exact:
        phoneRefusals === 0 &&
        kept.questions === asked &&
        publishedTotal(last) === asked &&
        upvotesCounted === upvotesSent &&
        lostShown === lostSent &&
        speakerListed === asked,
      longestTaskMs: Math.round(Math.max(0, ...tasks)),
      tasksOver50: tasks.filter((t) => t > 50).length,
      speakerLongestTaskMs: Math.round(Math.max(0, ...speakerTasks)),
      speakerTasksOver50: speakerTasks.filter((t) => t > 50).length,
      upvoteP50: Math.round(quantile(latencies, 0.5)),
      upvoteP95: Math.round(quantile(latencies, 0.95)),
      upvoteMax: Math.round(latencies.at(-1) ?? Number.NaN),
      upvotesSeen: latencies.length,
      statesPerSecond: round1(states / stateSeconds),
      bytesPerPhonePerSecond: Math.round(bytes / stateSeconds),
      largestStateBytes: largest,
    };
  } finally {
    for (const phone of phones) phone.socket.close();
    await browser.close();
    await server.close();
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await questionsBench({ log: (line) => console.log(line) }), null, 2));
  process.exit(0);
}
