/**
 * The presenter's key and the relay's secret, as `npm start` makes, checks
 * and keeps them (Node only).
 *
 * The key opens the room: whoever has it can present, so a key that is easy
 * to guess is a room that anyone in the hall can take over. keyProblem refuses
 * such a key with a simple estimate of its entropy, and says how to make a
 * good one.
 *
 * The secret signs phones' tokens and turns keys into room ids
 * (src/room/identity.ts). Both must survive a restart of `npm start`, or the
 * phones in the room are stranded, following a room that no longer exists:
 * keptRoom keeps them in a small JSON file readable by this user alone, in
 * the user's state folder (defaultKeptRoomFile), outside any built folder
 * that the server would send to anyone who asks.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  chmodSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/** The entropy, in bits by keyBits's estimate, below which a presenter key is refused. */
export const MIN_KEY_BITS = 96;
/** The longest presenter key accepted, as the relay's handshake accepts it (src/room/protocol.ts). */
export const MAX_KEY_LENGTH = 256;

/** The command that prints a good key, as the messages suggest it. */
export const MAKE_KEY = `node -e "console.log(require('node:crypto').randomBytes(24).toString('base64url'))"`;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The size of each class of characters a key may draw from; a key's pool is the sum over the classes it uses. */
const CLASSES: [RegExp, number][] = [
  [/[a-z]/, 26],
  [/[A-Z]/, 26],
  [/[0-9]/, 10],
  // The other printable ASCII characters: punctuation and the space.
  [/[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/, 33],
  [/[^\x20-\x7e]/, 128],
];

/**
 * A simple estimate of how hard a key is to guess, in bits: its length times
 * the smaller of two numbers of bits per character.
 *
 * - log2 of the size of the pool of character classes it uses (lower case 26,
 *   upper case 26, digits 10, other printable ASCII 33, anything else 128),
 *   what a guesser who knows the classes must try for each character;
 * - the Shannon entropy of the key's own characters (their frequencies in the
 *   key), which is low for a key that repeats itself.
 *
 * So 16 spaces and 'aaaaaaaaaaaaaaaa' are worth 0 bits, and a key of words and
 * a year far less than its length suggests. It is an estimate, not a proof:
 * it cannot see that a key is a well-known phrase, so it only refuses the
 * obviously weak. A key made by MAKE_KEY (192 random bits) is worth about 145
 * bits by this estimate, and never less than 120 in 200,000 tries.
 */
export function keyBits(key: string): number {
  const characters = [...key];
  if (characters.length === 0) return 0;
  const pool = CLASSES.reduce((sum, [pattern, size]) => (pattern.test(key) ? sum + size : sum), 0);
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let shannon = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    shannon -= p * Math.log2(p);
  }
  return characters.length * Math.max(0, Math.min(Math.log2(pool), shannon));
}

/**
 * What is wrong with a presenter key, as a sentence for the person who set
 * it (`name` is where it came from), or undefined when it is fine: long
 * enough to be hard to guess by keyBits's estimate, at most MAX_KEY_LENGTH
 * characters, all of them printable ASCII, which travels unchanged in a link.
 */
export function keyProblem(key: string, name = 'DECK_PRESENTER_KEY'): string | undefined {
  if (key.length > MAX_KEY_LENGTH)
    return `${name} is ${key.length} characters long, and may be at most ${MAX_KEY_LENGTH}. Make a good one with: ${MAKE_KEY}`;
  if (!PRINTABLE_ASCII.test(key))
    return `${name} may hold only printable ASCII characters (letters, digits, punctuation and spaces). Make a good one with: ${MAKE_KEY}`;
  const bits = keyBits(key);
  if (bits < MIN_KEY_BITS)
    return `${name} is too easy to guess: it is worth about ${Math.floor(bits)} bits by a simple estimate, and at least ${MIN_KEY_BITS} are needed. Make a good one with: ${MAKE_KEY}`;
  return undefined;
}

/** A new presenter key: 24 random bytes as 32 base64url characters, as MAKE_KEY prints it. */
export function newKey(): string {
  return randomBytes(24).toString('base64url');
}

/** A new secret for the relay: 32 random bytes as base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The room `npm start` opens: its presenter's key and the relay's secret. */
export interface KeptRoom {
  key: string;
  secret: string;
  /** Why the kept file was replaced, when it held nothing usable, for the person starting the server. */
  warning?: string;
}

/** What a secret in the kept file must look like: newSecret's, or at least as long. */
const SECRET = /^[A-Za-z0-9_-]{43,512}$/;

/** The kept room in `file`, undefined when there is no file, or why it cannot be used. */
function readKept(file: string): { room: KeptRoom } | { problem: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return { problem: `it could not be read (${code ?? String(error)})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: 'it is not JSON' };
  }
  const { version, key, secret } = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (version !== 1) return { problem: 'it is not version 1 of a kept room' };
  if (typeof key !== 'string' || keyProblem(key) !== undefined) return { problem: 'its key is missing or too easy to guess' };
  if (typeof secret !== 'string' || !SECRET.test(secret)) return { problem: 'its secret is missing or too short' };
  return { room: { key, secret } };
}

/**
 * Writes the room to `file` so that nobody else can read it, and so that the
 * file is either the old one or the new one whole, never half written: into
 * a temporary file of mode 0600 beside it, flushed to the disk, then renamed
 * over it. The folder is made, with mode 0700, if it does not exist. Throws
 * an Error that names the file when that fails.
 */
function writeKept(file: string, room: KeptRoom): void {
  const folder = dirname(file);
  const temporary = join(folder, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      // The mode given to open is narrowed by the umask; fchmod sets it exactly, whatever the umask.
      fchmodSync(fd, 0o600);
      writeSync(fd, `${JSON.stringify({ version: 1, key: room.key, secret: room.secret }, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // There was no folder to write it in.
    }
    throw new Error(`Could not keep the presenter key in ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/**
 * The room kept in `file`: the presenter key and the relay's secret of the
 * last start, so that phones find their room again after a restart. When
 * the file is missing, unreadable or corrupt, or `fresh` asks for it, a new
 * key and secret are made and written there; a file that was there but held
 * nothing usable is replaced, and `warning` says so. `key` (from
 * DECK_PRESENTER_KEY) is used instead of the kept key and kept in its place,
 * with the kept secret. The file stays readable by this user only. Throws
 * when the file cannot be written.
 */
export function keptRoom(file: string, options: { fresh?: boolean; key?: string } = {}): KeptRoom {
  const read = options.fresh ? undefined : readKept(file);
  const kept = read !== undefined && 'room' in read ? read.room : undefined;
  const room: KeptRoom = { key: options.key ?? kept?.key ?? newKey(), secret: kept?.secret ?? newSecret() };
  if (kept === undefined || kept.key !== room.key) writeKept(file, room);
  // A file kept by hand, or copied with a looser mode, is narrowed to this user again.
  else if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  if (read !== undefined && 'problem' in read)
    room.warning = `${file} held no usable room (${read.problem}), so it was replaced with a new key: phones that followed the old one must open the deck's address again.`;
  return room;
}

/**
 * Where `npm start` keeps its room: `$DECK_STATE_DIR/room.json` if set, else
 * `$XDG_STATE_HOME/intro-to-deep-learning/room.json` (an absolute
 * XDG_STATE_HOME only, as the XDG specification asks), else
 * `~/.local/state/intro-to-deep-learning/room.json`. All of them are outside
 * the repository and its built folders unless someone points
 * DECK_STATE_DIR there (scripts/serve.ts refuses a file inside the folder it
 * serves).
 */
export function defaultKeptRoomFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DECK_STATE_DIR) return join(resolve(env.DECK_STATE_DIR), 'room.json');
  if (env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)) return join(env.XDG_STATE_HOME, 'intro-to-deep-learning', 'room.json');
  return join(env.HOME || homedir(), '.local', 'state', 'intro-to-deep-learning', 'room.json');
}
