/**
 * "The room asks": phones' anonymous questions, their upvotes and their "I'm
 * lost" through the relay (src/room/relay/handlers.ts), in one process. The
 * presenter's deck keeps the questions and decides what phones see; the
 * relay only checks, limits and passes on, so what is checked here is that a
 * question reaches the active presenter alone, normalised and under the
 * phone's anonymous id; that an empty or long one is refused without costing
 * the phone its turn; that a phone's pace and its five questions hold across
 * its reconnects; and that no one can speak for another phone or send what
 * is not theirs to send.
 *
 * Absence is shown with barriers, never by waiting: a connection's messages
 * are handled in order, so once a later message's answer arrives, anything
 * the earlier one would have caused has arrived before it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Place } from '../../src/room/protocol.ts';
import { cleanUp, client, collect, KEY, next, phone, presenter, startRelay, until, welcomed, type Client } from './room-helpers.ts';

afterEach(cleanUp);

const place = (slide: string): Place => ({ slide, h: 2, v: 0, f: -1 });
/** Sends an event as a hand-made client would, whatever the protocol's types say. */
const send = (socket: Client, event: string, payload: unknown) =>
  (socket.emit as (event: string, ...args: unknown[]) => void)(event, payload);
/** A rate that never stops a test's questions: the tests of the quota and the room's cap lift the phone's one a minute. */
const LIFTED = { tokens: 1000, everyMs: 1000, burst: 1000 };

describe("phones' questions", () => {
  it("reaches the active presenter alone, normalised, with the phone's anonymous id", async () => {
    const { url, relay } = await startRelay();
    const { socket: deck } = await presenter(url);
    const standby = client(url, { role: 'presenter', key: KEY });
    expect((await welcomed(standby)).role).toBe('standby');
    const asker = await phone(url);
    const bystander = await phone(url);
    const seenByStandby = collect(standby, 'question');
    const seenByBystander = collect(bystander.socket, 'question');
    const arriving = next(deck, 'question');
    asker.socket.emit('ask', { text: '  Why does\n\nthe loss \u202ego up\u202c at e\u0301poch 3?\u200b ', slide: 'gradient-descent' });
    expect(await arriving).toEqual({
      from: asker.welcome.phone,
      text: 'Why does the loss go up at \u00e9poch 3?',
      slide: 'gradient-descent',
    });
    expect(asker.welcome.phone).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // A barrier: a question passed on to the standby window or another phone would have reached it before this move.
    const barriers = [next(standby, 'place'), next(bystander.socket, 'place')];
    deck.emit('place', place('barrier'));
    await Promise.all(barriers);
    expect(seenByStandby).toEqual([]);
    expect(seenByBystander).toEqual([]);
    expect(relay.stats().forwarded).toBeGreaterThanOrEqual(1);
  });

  it('passes markup on as the characters it is, for the deck to set as text', async () => {
    const { url } = await startRelay();
    const { socket: deck } = await presenter(url);
    const { socket } = await phone(url);
    const arriving = next(deck, 'question');
    socket.emit('ask', { text: '<img src=x onerror=alert(1)>', slide: 'intro' });
    expect((await arriving).text).toBe('<img src=x onerror=alert(1)>');
  });

  it('refuses an empty, a blank and a 281-character question with the reason, without costing the phone its turn or a question', async () => {
    // One question a minute and one question in all: a refused question that cost either would keep the last one out.
    const { url, relay } = await startRelay({ limits: { questionsPerPhone: 1 } });
    const { socket: deck } = await presenter(url);
    const forwarded = collect(deck, 'question');
    const { socket } = await phone(url);
    const refusals = collect(socket, 'refused');
    socket.emit('ask', { text: '', slide: 'intro' });
    socket.emit('ask', { text: ' \n\t\u00a0\u200b\u202e ', slide: 'intro' });
    socket.emit('ask', { text: '\u{1F914}'.repeat(281), slide: 'intro' });
    await until(() => refusals.length === 3);
    expect(refusals).toEqual([
      { event: 'ask', reason: 'Your question is empty: write something first.' },
      { event: 'ask', reason: 'Your question is empty: write something first.' },
      { event: 'ask', reason: 'A question may be at most 280 characters; yours has 281.' },
    ]);
    expect(relay.stats().dropped).toMatchObject({ invalid: 3, limited: 0 });
    const arriving = next(deck, 'question');
    socket.emit('ask', { text: '\u{1F914}'.repeat(280), slide: 'intro' });
    expect((await arriving).text).toBe('\u{1F914}'.repeat(280));
    expect(forwarded).toHaveLength(1);
  });

  it('refuses a second question within the minute, on any connection of the phone, with the seconds to wait, and passes it after', async () => {
    let clock = 1_000_000;
    // The presenter's lease runs on the same clock: ticks of a minute keep it while the clock jumps.
    const { url, relay } = await startRelay({ now: () => clock, limits: { tickMs: 60_000 } });
    const { socket: deck } = await presenter(url);
    const forwarded = collect(deck, 'question');
    const first = await phone(url);
    first.socket.emit('ask', { text: 'first', slide: 'intro' });
    await until(() => forwarded.length === 1);
    clock += 20_000;
    const refused = next(first.socket, 'refused');
    first.socket.emit('ask', { text: 'too soon', slide: 'intro' });
    expect(await refused).toEqual({ event: 'ask', reason: 'One question a minute: wait 40 s and ask again.' });
    // The same phone in a second tab, or back after a reconnect, waits as long.
    const again = await phone(url, { token: first.token });
    const refusedAgain = next(again.socket, 'refused');
    again.socket.emit('ask', { text: 'from the other tab', slide: 'intro' });
    expect(await refusedAgain).toEqual({ event: 'ask', reason: 'One question a minute: wait 40 s and ask again.' });
    // Another phone is not held back.
    const other = await phone(url);
    other.socket.emit('ask', { text: 'another phone', slide: 'intro' });
    await until(() => forwarded.length === 2);
    clock += 40_000;
    again.socket.emit('ask', { text: 'a minute later', slide: 'intro' });
    await until(() => forwarded.length === 3);
    expect(forwarded.map(({ text }) => text)).toEqual(['first', 'another phone', 'a minute later']);
    expect(forwarded[2]!.from).toBe(first.welcome.phone);
    expect(relay.stats().dropped.limited).toBe(2);
  });

  it("refuses a phone's sixth question, also when it reconnects with its token", async () => {
    const { url } = await startRelay({ limits: { phoneQuestionRate: LIFTED } });
    const { socket: deck } = await presenter(url);
    const forwarded = collect(deck, 'question');
    let current = await phone(url);
    const token = current.token;
    for (let i = 0; i < 5; i++) {
      if (i === 3) {
        current.socket.disconnect();
        current = await phone(url, { token });
      }
      current.socket.emit('ask', { text: `question ${i + 1}`, slide: 'intro' });
      await until(() => forwarded.length === i + 1);
    }
    current.socket.disconnect();
    const back = await phone(url, { token });
    expect(back.welcome.phone).toBe(current.welcome.phone);
    const refused = next(back.socket, 'refused');
    back.socket.emit('ask', { text: 'question 6', slide: 'intro' });
    expect(await refused).toEqual({
      event: 'ask',
      reason: 'That is 5 questions from this phone, the most one phone may ask in this lecture.',
    });
    const other = await phone(url);
    other.socket.emit('ask', { text: 'from another phone', slide: 'intro' });
    await until(() => forwarded.length === 6);
    expect(forwarded.filter(({ from }) => from === back.welcome.phone)).toHaveLength(5);
    expect(forwarded.at(-1)).toMatchObject({ from: other.welcome.phone, text: 'from another phone' });
  });

  it('caps the questions a room passes on, and a phone refused by the cap keeps its own turn', async () => {
    let clock = 1_000_000;
    const { url } = await startRelay({
      now: () => clock,
      limits: { tickMs: 60_000, roomQuestions: { tokens: 2, everyMs: 60_000, burst: 2 } },
    });
    const { socket: deck } = await presenter(url);
    const forwarded = collect(deck, 'question');
    const phones = await Promise.all(Array.from({ length: 3 }, () => phone(url)));
    const refusals = phones.map(({ socket }) => collect(socket, 'refused'));
    for (const [i, { socket }] of phones.entries()) socket.emit('ask', { text: `from phone ${i}`, slide: 'intro' });
    await until(() => forwarded.length + refusals.flat().length === 3);
    expect(forwarded).toHaveLength(2);
    expect(refusals.flat()).toEqual([{ event: 'ask', reason: 'Too many questions are arriving at once: wait a second and ask again.' }]);
    // Half a minute later the room has room for one more, and the refused phone, which has not asked yet, may.
    clock += 30_000;
    const refused = phones[refusals.findIndex((seen) => seen.length === 1)]!;
    refused.socket.emit('ask', { text: 'again', slide: 'intro' });
    await until(() => forwarded.length === 3);
    expect(forwarded[2]).toEqual({ from: refused.welcome.phone, text: 'again', slide: 'intro' });
  });

  it('refuses a question while no presenter is connected, saying so', async () => {
    const { url } = await startRelay();
    const { socket } = await phone(url);
    const refusals = collect(socket, 'refused');
    socket.emit('ask', { text: 'anyone there?', slide: 'intro' });
    socket.emit('upvote', { question: 'q1', up: true });
    socket.emit('lost', { slide: 'intro', lost: true });
    await until(() => refusals.length === 3);
    expect(refusals).toEqual([
      { event: 'ask', reason: "The presenter's deck is not connected, so your question was not received; ask again in a moment." },
      { event: 'upvote', reason: "The presenter's deck is not connected, so your upvote was not counted; try again in a moment." },
      { event: 'lost', reason: "The presenter's deck is not connected, so it cannot see that you are lost; try again in a moment." },
    ]);
    // Nothing was spent while the presenter was away: the question passes as soon as the deck is back.
    const { socket: deck } = await presenter(url);
    const arriving = next(deck, 'question');
    socket.emit('ask', { text: 'anyone there?', slide: 'intro' });
    expect(await arriving).toMatchObject({ text: 'anyone there?' });
  });
});

describe('upvotes and "I\'m lost"', () => {
  it("passes them on to the presenter with the phone's anonymous id", async () => {
    const { url } = await startRelay();
    const { socket: deck } = await presenter(url);
    const { socket, welcome } = await phone(url);
    const upvotes = collect(deck, 'upvote');
    const signals = collect(deck, 'lost');
    socket.emit('upvote', { question: 'q7k2', up: true });
    socket.emit('upvote', { question: 'q7k2', up: false });
    socket.emit('lost', { slide: 'backprop', lost: true });
    socket.emit('lost', { slide: 'backprop', lost: false });
    await until(() => upvotes.length === 2 && signals.length === 2);
    expect(upvotes).toEqual([
      { from: welcome.phone, question: 'q7k2', up: true },
      { from: welcome.phone, question: 'q7k2', up: false },
    ]);
    expect(signals).toEqual([
      { from: welcome.phone, slide: 'backprop', lost: true },
      { from: welcome.phone, slide: 'backprop', lost: false },
    ]);
  });

  it('refuses more upvotes or signals than a connection may send in a second, and more than the room passes on', async () => {
    const clock = 1_000_000;
    const { url } = await startRelay({
      now: () => clock,
      limits: { roomLost: { tokens: 1, everyMs: 60_000, burst: 3 } },
    });
    const { socket: deck } = await presenter(url);
    const upvotes = collect(deck, 'upvote');
    const signals = collect(deck, 'lost');
    const { socket } = await phone(url);
    const refusals = collect(socket, 'refused');
    // A connection's burst is 8 upvotes; the clock stands still, so none comes back.
    for (let i = 0; i < 9; i++) socket.emit('upvote', { question: `q${i}`, up: true });
    await until(() => upvotes.length + refusals.length === 9);
    expect(upvotes).toHaveLength(8);
    expect(refusals).toEqual([{ event: 'upvote', reason: 'At most 4 upvotes a second: wait a moment and try again.' }]);
    // The room passes on three signals; four phones send one each.
    const others = await Promise.all(Array.from({ length: 4 }, () => phone(url)));
    const othersRefused = others.map(({ socket: other }) => collect(other, 'refused'));
    for (const { socket: other } of others) other.emit('lost', { slide: 'intro', lost: true });
    await until(() => signals.length + othersRefused.flat().length === 4);
    expect(signals).toHaveLength(3);
    expect(othersRefused.flat()).toEqual([
      { event: 'lost', reason: 'Too many phones are signalling at once: wait a second and try again.' },
    ]);
  });

  it('caps the upvotes a room passes on, whatever the number of phones', async () => {
    const { url } = await startRelay({ limits: { roomUpvotes: { tokens: 2, everyMs: 60_000, burst: 2 } } });
    const { socket: deck } = await presenter(url);
    const upvotes = collect(deck, 'upvote');
    const phones = await Promise.all(Array.from({ length: 3 }, () => phone(url)));
    const refusals = phones.map(({ socket }) => collect(socket, 'refused'));
    for (const { socket } of phones) socket.emit('upvote', { question: 'q1', up: true });
    await until(() => upvotes.length + refusals.flat().length === 3);
    expect(upvotes).toHaveLength(2);
    expect(refusals.flat()).toEqual([{ event: 'upvote', reason: 'Too many upvotes are arriving at once: wait a second and try again.' }]);
  });
});

describe('who may ask', () => {
  it('refuses a question, an upvote or a signal that names its own sender, and passes nothing of them on', async () => {
    const { url, relay } = await startRelay();
    const { socket: deck } = await presenter(url);
    const seen = { question: collect(deck, 'question'), upvote: collect(deck, 'upvote'), lost: collect(deck, 'lost') };
    const victim = await phone(url);
    const { socket } = await phone(url);
    const refusals = collect(socket, 'refused');
    send(socket, 'ask', { text: 'not mine', slide: 'intro', from: victim.welcome.phone });
    send(socket, 'upvote', { question: 'q1', up: true, from: victim.welcome.phone });
    send(socket, 'lost', { slide: 'intro', lost: true, from: victim.welcome.phone });
    await until(() => refusals.length === 3);
    expect(refusals.map(({ event }) => event)).toEqual(['ask', 'upvote', 'lost']);
    for (const { reason } of refusals) expect(reason).toMatch(/is not in the expected shape/);
    expect(relay.stats().dropped.invalid).toBe(3);
    // A barrier: the phone's own question comes after, under its own id, and alone.
    const arriving = next(deck, 'question');
    socket.emit('ask', { text: 'mine', slide: 'intro' });
    expect((await arriving).from).not.toBe(victim.welcome.phone);
    expect(seen).toEqual({ question: [expect.objectContaining({ text: 'mine' })], upvote: [], lost: [] });
  });

  it("drops a phone's presenter events and server events, and a presenter's questions, upvotes and signals", async () => {
    const { url, relay } = await startRelay();
    const { socket: deck } = await presenter(url);
    const { socket, welcome } = await phone(url);
    const watcher = await phone(url);
    const seen = {
      place: collect(watcher.socket, 'place'),
      question: collect(deck, 'question'),
      upvote: collect(deck, 'upvote'),
      lost: collect(deck, 'lost'),
    };
    send(socket, 'place', place('hijacked'));
    send(socket, 'question', { from: welcome.phone, text: 'made up', slide: 'intro' });
    send(socket, 'reply', { to: watcher.welcome.phone, kind: 'question', value: 'made up' });
    send(deck, 'ask', { text: 'from the deck', slide: 'intro' });
    send(deck, 'upvote', { question: 'q1', up: true });
    send(deck, 'lost', { slide: 'intro', lost: true });
    await until(() => relay.stats().dropped.unknown === 6, 2000, 'six dropped messages');
    // A barrier: anything the relay had passed on would have arrived before the presenter's next move and the phone's next question.
    const moved = next(watcher.socket, 'place');
    const asked = next(deck, 'question');
    deck.emit('place', place('barrier'));
    socket.emit('ask', { text: 'a real question', slide: 'intro' });
    await Promise.all([moved, asked]);
    expect(seen).toEqual({
      place: [place('barrier')],
      question: [{ from: welcome.phone, text: 'a real question', slide: 'intro' }],
      upvote: [],
      lost: [],
    });
  });
});
