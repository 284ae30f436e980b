/**
 * The presenter's key and the relay's secret (src/room/keys.ts): which keys
 * are refused as too easy to guess and what the refusal says, that the keys
 * it makes always pass, and how `npm start` keeps the room across restarts:
 * in a file of this user alone, written whole, replaced when corrupt.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKeptRoomFile, keptRoom, keyBits, keyProblem, MAKE_KEY, MIN_KEY_BITS, newKey, newSecret } from '../../src/room/keys.ts';

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keys-test-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const modeOf = (path: string) => statSync(path).mode & 0o777;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe("a key's strength", () => {
  it('is nothing for a key that repeats one character, however long', () => {
    expect(keyBits('')).toBe(0);
    expect(keyBits(' '.repeat(16))).toBe(0);
    expect(keyBits('a'.repeat(16))).toBe(0);
    expect(keyBits('a'.repeat(256))).toBe(0);
  });

  it('is its length times the smaller of the bits of its classes and of its own characters', () => {
    // Two characters, each half the time: one bit each, though the pool of lower case letters is worth 4.7.
    expect(keyBits('ab'.repeat(16))).toBeCloseTo(32, 6);
    // Four distinct digits: 2 bits of entropy each, less than the 3.32 of the pool of digits.
    expect(keyBits('0123')).toBeCloseTo(8, 6);
    // 32 distinct characters of lower, upper and digits: log2(62) = 5.95 bits of pool, 5 of entropy.
    expect(keyBits('abcdefghijKLMNOPQRSTUVWXYZ012345')).toBeCloseTo(160, 6);
    // One character of each class: log2(26 + 26 + 10 + 33) = 6.57, but entropy log2(4) = 2.
    expect(keyBits('aA0-')).toBeCloseTo(8, 6);
    // Characters beyond ASCII count 128 to the pool.
    expect(keyBits('éa')).toBeCloseTo(2, 6);
  });

  it('finds a key of words and a year far weaker than its sixteen characters suggest', () => {
    const bits = keyBits('lecture-2025-key');
    expect(bits).toBeGreaterThan(50);
    expect(bits).toBeLessThan(60);
  });
});

describe('the refusal of a key', () => {
  it('refuses keys that are easy to guess, saying how many bits they are worth and how to make a good one', () => {
    for (const key of [' '.repeat(16), 'a'.repeat(16), 'lecture-2025-key', 'a-key-of-sixteen', 'a'.repeat(200), '']) {
      const problem = keyProblem(key);
      expect(problem, JSON.stringify(key)).toMatch(
        /^DECK_PRESENTER_KEY is too easy to guess: it is worth about \d+ bits by a simple estimate/,
      );
      expect(problem).toContain(`at least ${MIN_KEY_BITS} are needed`);
      expect(problem).toContain(MAKE_KEY);
    }
    expect(keyProblem('lecture-2025-key')).toContain('about 55 bits');
    expect(keyProblem('a'.repeat(16), 'KEY')).toMatch(/^KEY is too easy to guess: it is worth about 0 bits/);
  });

  it('tells the command that makes a key, one that runs as it is written', () => {
    expect(MAKE_KEY).toBe(`node -e "console.log(require('node:crypto').randomBytes(24).toString('base64url'))"`);
  });

  it('refuses a key longer than 256 characters, or with characters beyond printable ASCII', () => {
    const long = Array.from({ length: 257 }, (_, i) => String.fromCharCode(33 + (i % 94))).join('');
    expect(keyProblem(long)).toMatch(/is 257 characters long, and may be at most 256/);
    const strong = newKey();
    expect(keyProblem(`${strong}é`)).toMatch(/only printable ASCII/);
    expect(keyProblem(`${strong}\n`)).toMatch(/only printable ASCII/);
    expect(keyProblem(`${strong}\t`)).toMatch(/only printable ASCII/);
    expect(keyProblem(`${strong} and some words`)).toBeUndefined();
  });

  it('accepts every key it makes: 2,000 of them, 32 base64url characters each, all different', () => {
    const keys = Array.from({ length: 2000 }, () => newKey());
    for (const key of keys) {
      expect(key).toMatch(BASE64URL);
      expect(key).toHaveLength(32);
      expect(keyProblem(key), key).toBeUndefined();
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('makes secrets of 32 random bytes', () => {
    const secret = newSecret();
    expect(secret).toMatch(BASE64URL);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(newSecret()).not.toBe(secret);
  });
});

describe('the kept room', () => {
  it('is made on first use, in a folder and a file of this user alone, and is the same at the next start', () => {
    const file = join(dir, 'first', 'state', 'room.json');
    const first = keptRoom(file, {});
    expect(first.warning).toBeUndefined();
    expect(keyProblem(first.key)).toBeUndefined();
    expect(readJson(file)).toEqual({ version: 1, key: first.key, secret: first.secret });
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(join(dir, 'first', 'state'))).toBe(0o700);
    expect(keptRoom(file, {})).toEqual({ key: first.key, secret: first.secret });
    // Written through a temporary file, which does not stay behind.
    expect(readdirSync(join(dir, 'first', 'state'))).toEqual(['room.json']);
  });

  it('is made afresh, key and secret, when asked', () => {
    const file = join(dir, 'fresh', 'room.json');
    const first = keptRoom(file, {});
    const fresh = keptRoom(file, { fresh: true });
    expect(fresh.key).not.toBe(first.key);
    expect(fresh.secret).not.toBe(first.secret);
    expect(readJson(file)).toEqual({ version: 1, key: fresh.key, secret: fresh.secret });
  });

  it('takes the given key (DECK_PRESENTER_KEY) and keeps it in place of the kept one, with the kept secret', () => {
    const file = join(dir, 'given', 'room.json');
    const first = keptRoom(file, {});
    const key = newKey();
    expect(keptRoom(file, { key })).toEqual({ key, secret: first.secret });
    expect(readJson(file)).toEqual({ version: 1, key, secret: first.secret });
    expect(keptRoom(file, {})).toEqual({ key, secret: first.secret });
  });

  it('replaces a corrupt file, and says so', () => {
    const file = join(dir, 'corrupt', 'room.json');
    mkdirSync(join(dir, 'corrupt'));
    for (const [text, why] of [
      ['{"version": 1, "key": ', 'it is not JSON'],
      ['{"version": 2, "key": "x", "secret": "y"}', 'it is not version 1 of a kept room'],
      [JSON.stringify({ version: 1, key: 'a'.repeat(32), secret: newSecret() }), 'its key is missing or too easy to guess'],
      [JSON.stringify({ version: 1, key: newKey(), secret: 'short' }), 'its secret is missing or too short'],
      ['null', 'it is not version 1 of a kept room'],
    ] as const) {
      writeFileSync(file, text);
      const room = keptRoom(file, {});
      expect(room.warning).toContain(`${file} held no usable room (${why})`);
      expect(room.warning).toContain('replaced with a new key');
      expect(readJson(file)).toEqual({ version: 1, key: room.key, secret: room.secret });
      expect(keptRoom(file, {}).warning).toBeUndefined();
    }
  });

  it('is readable by this user alone whatever the umask, and narrows a kept file that was left readable by others', () => {
    const file = join(dir, 'umask', 'room.json');
    const previous = process.umask(0o277);
    try {
      keptRoom(file, {});
    } finally {
      process.umask(previous);
    }
    expect(modeOf(file)).toBe(0o600);
    chmodSync(file, 0o644);
    keptRoom(file, {});
    expect(modeOf(file)).toBe(0o600);
  });

  it('throws, naming the file, when it cannot be written', () => {
    expect(() => keptRoom('/dev/null/state/room.json', {})).toThrow(
      /^Could not keep the presenter key in \/dev\/null\/state\/room\.json: /,
    );
  });

  it('lives in DECK_STATE_DIR, else in the XDG state folder, else in ~/.local/state', () => {
    expect(defaultKeptRoomFile({ DECK_STATE_DIR: '/srv/deck', XDG_STATE_HOME: '/x', HOME: '/home/me' })).toBe('/srv/deck/room.json');
    expect(defaultKeptRoomFile({ XDG_STATE_HOME: '/x/state', HOME: '/home/me' })).toBe('/x/state/intro-to-deep-learning/room.json');
    // The XDG specification says to ignore a relative path.
    expect(defaultKeptRoomFile({ XDG_STATE_HOME: 'state', HOME: '/home/me' })).toBe(
      '/home/me/.local/state/intro-to-deep-learning/room.json',
    );
    expect(defaultKeptRoomFile({ HOME: '/home/me' })).toBe('/home/me/.local/state/intro-to-deep-learning/room.json');
    expect(defaultKeptRoomFile({})).toBe(join(homedir(), '.local', 'state', 'intro-to-deep-learning', 'room.json'));
  });
});
