/**
 * The room's protocol (src/room/protocol.ts): the table's schemas let
 * through what the deck and the phones send (questions, upvotes and "I'm
 * lost" among it) and nothing else, the sizes are
 * measured as the wire carries them, and a room's id names its presenter's
 * key without giving it away.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGES, measureJson, PHONE_ID, QUESTION_ID, QUESTIONS_PER_PHONE, roomPath, validate } from '../../src/room/protocol.ts';
import { issuePhoneToken, phoneIdFor, readPhoneToken, roomIdFor } from '../../src/room/identity.ts';

const pixels = () => Array.from({ length: 784 }, (_, i) => (i % 7) / 6);

describe("the room's messages", () => {
  it('accepts a digit of 784 pixels from 0 to 1 and a label from 0 to 9', () => {
    expect(validate('digit', { pixels: pixels(), label: 0 })).toMatchObject({ ok: true });
    expect(validate('digit', { pixels: pixels(), label: 9 })).toMatchObject({ ok: true, value: { label: 9 } });
  });

  it('refuses a digit of 785 pixels, a label of 11, a pixel that is NaN, above 1 or a string, or an extra field', () => {
    const refused = [
      { pixels: [...pixels(), 0], label: 1 },
      { pixels: pixels().slice(1), label: 1 },
      { pixels: pixels(), label: 11 },
      { pixels: pixels(), label: 2.5 },
      { pixels: pixels(), label: '3' },
      { pixels: [Number.NaN, ...pixels().slice(1)], label: 1 },
      { pixels: [Number.POSITIVE_INFINITY, ...pixels().slice(1)], label: 1 },
      { pixels: [1.01, ...pixels().slice(1)], label: 1 },
      { pixels: ['0.5', ...pixels().slice(1)], label: 1 },
      { pixels: pixels(), label: 1, from: 'someone-else' },
      'a digit',
      null,
      undefined,
    ];
    for (const payload of refused) expect(validate('digit', payload).ok, JSON.stringify(payload)).toBe(false);
  });

  it('accepts a place on a slide with its fragment, and refuses an id that is not a slide id or an index out of range', () => {
    expect(validate('place', { slide: 'gradient-descent', h: 12, v: 0, f: -1 }).ok).toBe(true);
    for (const payload of [
      { slide: 'Gradient', h: 0, v: 0, f: 0 },
      { slide: '<script>', h: 0, v: 0, f: 0 },
      { slide: 'intro', h: -1, v: 0, f: 0 },
      { slide: 'intro', h: 0, v: 1000, f: 0 },
      { slide: 'intro', h: 0, v: 0, f: -2 },
      { slide: 'intro', h: 0, v: 0 },
    ])
      expect(validate('place', payload).ok, JSON.stringify(payload)).toBe(false);
  });

  it('accepts a state of plain JSON up to 64 KiB, null to forget it, and refuses more, binary data or deep nesting', () => {
    expect(validate('state', { key: 'poll:activation', value: { counts: [1, 2, 3], open: true } }).ok).toBe(true);
    expect(validate('state', { key: 'wall', value: null }).ok).toBe(true);
    expect(validate('state', { key: 'wall', value: 'x'.repeat(64 * 1024 - 2) }).ok).toBe(true);
    const big = validate('state', { key: 'wall', value: 'x'.repeat(64 * 1024) });
    expect(big).toMatchObject({ ok: false, reason: expect.stringMatching(/larger than/) });
    expect(validate('state', { key: 'wall', value: 'é'.repeat(40 * 1024) }).ok).toBe(false);
    expect(validate('state', { key: 'wall', value: new Uint8Array(8) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/binary/),
    });
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(validate('state', { key: 'wall', value: deep })).toMatchObject({ ok: false, reason: expect.stringMatching(/nested/) });
    expect(validate('state', { key: 'Wall', value: 1 }).ok).toBe(false);
    expect(validate('state', { key: 'wall' }).ok).toBe(false);
  });

  it('refuses a payload larger than its event allows before its schema is tried, and says it was too large', () => {
    const result = validate('vote', { poll: 'p', option: 1, padding: 'x'.repeat(1000) });
    expect(result).toMatchObject({ ok: false, oversize: true });
    expect(validate('vote', { poll: 'p', option: 1, padding: 'x' })).toMatchObject({ ok: false, oversize: false });
  });

  it('accepts a vote in a poll with an option from 0 to 15, and a reply to a phone', () => {
    expect(validate('vote', { poll: 'activation', option: 15 }).ok).toBe(true);
    expect(validate('vote', { poll: 'activation', option: 16 }).ok).toBe(false);
    expect(validate('reply', { to: 'AbCdEfGh12345678', kind: 'probabilities', value: [0.1, 0.9] }).ok).toBe(true);
    expect(validate('reply', { to: 'short', kind: 'probabilities', value: [] }).ok).toBe(false);
    expect(validate('reply', { to: 'AbCdEfGh12345678', kind: 'x', value: 'y'.repeat(9000) }).ok).toBe(false);
    expect(validate('take-over', {}).ok).toBe(true);
    expect(validate('take-over', { key: 'x' }).ok).toBe(false);
  });

  it('declares each event for the presenter or for the phones, with a limit that lets something through', () => {
    const senders = Object.fromEntries(Object.entries(MESSAGES).map(([event, spec]) => [event, spec.from]));
    expect(senders).toEqual({
      place: 'presenter',
      state: 'presenter',
      reply: 'presenter',
      'take-over': 'presenter',
      digit: 'follower',
      vote: 'follower',
      ask: 'follower',
      upvote: 'follower',
      lost: 'follower',
    });
    for (const spec of Object.values(MESSAGES)) expect(spec.limit.burst).toBeGreaterThanOrEqual(1);
    expect(MESSAGES.digit.limit).toEqual({ tokens: 1, everyMs: 3000, burst: 1 });
    expect(MESSAGES.ask.limit).toEqual({ tokens: 1, everyMs: 60_000, burst: 1 });
    expect(QUESTIONS_PER_PHONE).toBe(5);
  });

  it('accepts a question of up to 2000 UTF-16 units on a slide, and refuses a longer one, a bad slide, a number or a `from` of its own', () => {
    expect(validate('ask', { text: 'Why does the loss go up?', slide: 'gradient-descent' })).toEqual({
      ok: true,
      value: { text: 'Why does the loss go up?', slide: 'gradient-descent' },
    });
    // The schema takes the text raw: the relay normalises it and holds it to 280 characters after.
    expect(validate('ask', { text: '', slide: 'intro' }).ok).toBe(true);
    expect(validate('ask', { text: ' \u202e<b>x</b>\n', slide: 'intro' }).ok).toBe(true);
    expect(validate('ask', { text: 'x'.repeat(2000), slide: 'intro' }).ok).toBe(true);
    expect(validate('ask', { text: '\u{1F600}'.repeat(1000), slide: 'intro' }).ok).toBe(true);
    expect(validate('ask', { text: 'x'.repeat(2001), slide: 'intro' })).toMatchObject({ ok: false, oversize: false });
    for (const payload of [
      { text: 'hello', slide: 'Intro' },
      { text: 'hello', slide: '<script>' },
      { text: 'hello' },
      { slide: 'intro' },
      { text: 42, slide: 'intro' },
      { text: ['hello'], slide: 'intro' },
      { text: 'hello', slide: 'intro', from: 'AbCdEfGh12345678' },
      'hello',
      null,
    ])
      expect(validate('ask', payload).ok, JSON.stringify(payload)).toBe(false);
    // Far past its 8 KiB, a question is dropped before its schema is tried.
    expect(validate('ask', { text: 'x'.repeat(9000), slide: 'intro' })).toMatchObject({ ok: false, oversize: true });
  });

  it('accepts an upvote of a question id and "I\'m lost" on a slide, both either way, and refuses other shapes', () => {
    expect(QUESTION_ID.test('q1')).toBe(true);
    expect(validate('upvote', { question: 'q7k2', up: true })).toEqual({ ok: true, value: { question: 'q7k2', up: true } });
    expect(validate('upvote', { question: 'qabcdefghijkl', up: false }).ok).toBe(true);
    for (const payload of [
      { question: 'q', up: true },
      { question: 'Q1', up: true },
      { question: 'x1', up: true },
      { question: 'qabcdefghijklm', up: true },
      { question: 'q-1', up: true },
      { question: 'q1', up: 'yes' },
      { question: 'q1', up: 1 },
      { question: 'q1' },
      { question: 'q1', up: true, from: 'AbCdEfGh12345678' },
    ])
      expect(validate('upvote', payload).ok, JSON.stringify(payload)).toBe(false);
    expect(validate('lost', { slide: 'backprop', lost: true })).toEqual({ ok: true, value: { slide: 'backprop', lost: true } });
    expect(validate('lost', { slide: 'backprop', lost: false }).ok).toBe(true);
    for (const payload of [
      { slide: 'backprop' },
      { slide: 'Backprop', lost: true },
      { slide: 'backprop', lost: 'true' },
      { slide: 'backprop', lost: true, from: 'AbCdEfGh12345678' },
      { lost: true },
    ])
      expect(validate('lost', payload).ok, JSON.stringify(payload)).toBe(false);
  });

  it('measures JSON as the wire carries it, in UTF-8 with quotes and commas', () => {
    for (const value of [
      null,
      true,
      12.5,
      'é"\n\u0001\\',
      '😀 \ud800',
      [],
      {},
      [1, 'two', { three: [3] }],
      { a: null, 'b"': [true, false] },
    ])
      expect(measureJson(value, 1e6), JSON.stringify(value)).toEqual({
        ok: true,
        bytes: new TextEncoder().encode(JSON.stringify(value)).length,
      });
  });
});

describe('room ids and paths', () => {
  it('names a room by an HMAC of its key under the relay’s secret, which says nothing of the key without the secret', () => {
    const key = 'lecture-key-0123456789abcdef';
    const secret = 'relay-secret-for-this-test';
    expect(roomIdFor(secret, key)).toBe(roomIdFor(secret, key));
    expect(roomIdFor(secret, key)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(roomIdFor(secret, key)).not.toBe(roomIdFor(secret, `${key}x`));
    expect(roomIdFor(secret, key)).not.toBe(roomIdFor(`${secret}x`, key));
    for (let i = 0; i + 4 <= key.length; i++) expect(roomIdFor(secret, key)).not.toContain(key.slice(i, i + 4));
    // base64url(HMAC-SHA256(secret, "deck-room:abc")), as openssl computes it:
    // printf 'deck-room:abc' | openssl dgst -sha256 -hmac s -binary | base64. No longer the unsalted SHA-256 of the key
    // ('s4sDdzFcDjoeeZLn' for "abc"), which anyone could test guesses against.
    expect(roomIdFor('s', 'abc')).toBe('kc5lLDzIjMdqW8Cn');
    expect(roomIdFor('s', 'abc')).not.toBe('s4sDdzFcDjoeeZLn');
  });

  it('issues phone tokens that it alone can sign, and reads back only its own', () => {
    const token = issuePhoneToken('secret-one');
    const id = readPhoneToken('secret-one', token);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(token.startsWith(`${id}.`)).toBe(true);
    expect(issuePhoneToken('secret-one')).not.toBe(token);
    // Another relay's token, a forged signature, a made-up id: none is read.
    expect(readPhoneToken('secret-two', token)).toBeUndefined();
    expect(readPhoneToken('secret-one', `${id}.${'A'.repeat(22)}`)).toBeUndefined();
    expect(readPhoneToken('secret-one', 'my-own-phone-id-123')).toBeUndefined();
    expect(readPhoneToken('secret-one', 42)).toBeUndefined();
  });

  it('gives a phone an anonymous id in each room that differs from its own and is a valid phone id for replies', () => {
    const anonymous = phoneIdFor('room-one-0123456', 'my-phone-secret');
    expect(anonymous).toMatch(PHONE_ID);
    expect(anonymous).not.toContain('my-phone-secret');
    expect(phoneIdFor('room-two-0123456', 'my-phone-secret')).not.toBe(anonymous);
    expect(phoneIdFor('room-one-0123456', 'my-phone-secret')).toBe(anonymous);
  });

  it('puts the room under the base path with one slash on each side', () => {
    expect(roomPath('/')).toBe('/__room/');
    expect(roomPath('')).toBe('/__room/');
    expect(roomPath('/intro-to-deep-learning/')).toBe('/intro-to-deep-learning/__room/');
    expect(roomPath('intro-to-deep-learning')).toBe('/intro-to-deep-learning/__room/');
  });
});
