/**
 * The text a person types into the room, made safe to show and count. A
 * question from a phone reaches the presenter's projector, where a string
 * that reverses the text after it (U+202E), hides characters (U+200B) or
 * spreads over twenty lines would mislead the hall; the relay normalises
 * every question before it passes it on, and the deck and the phone use the
 * same functions to count what the person typed and to say what is wrong
 * with it. Pure, with no Node imports: it runs in the browser too.
 *
 * It leaves markup alone: `<img src=x onerror=alert(1)>` stays those
 * characters, which whoever shows the text must set as text, never as HTML.
 */

/** The most characters a question may have, counted in code points (an emoji counts once, a flag or a family as the code points it is made of). */
export const QUESTION_MAX_CHARS = 280;

/**
 * Control characters (\p{Cc}, though newlines and tabs have become spaces
 * by then), format characters (\p{Cf}: bidirectional overrides and
 * isolates, zero-width spaces, the byte order mark, the soft hyphen) and lone
 * halves of surrogate pairs (\p{Cs}, which no font draws), except the
 * zero-width joiner U+200D, which joins emoji sequences such as 👩‍💻 and must
 * survive.
 */
const INVISIBLE = /(?!\u200d)[\p{Cc}\p{Cf}\p{Cs}]/gu;
/**
 * Every run of whitespace: tabs, line ends (U+0085 too), line and paragraph
 * separators, and the spaces of \p{Zs}, no-break ones included. Not `\s`,
 * which counts the byte order mark U+FEFF as a space where it is an
 * invisible character to remove.
 */
const WHITESPACE = /[\t\n\v\f\r\u0085\p{Zs}\p{Zl}\p{Zp}]+/gu;

/**
 * The text as it is passed on and shown: without control or invisible format
 * characters, each run of whitespace one space, trimmed, and in Unicode NFC
 * (so that "é" typed as e and a combining accent is the one character). The
 * whitespace goes to spaces before the invisible characters go, so that a
 * line break between two words leaves them apart; NFC comes last, so that an
 * accent that an invisible character kept from its letter joins it.
 */
export function normaliseText(raw: string): string {
  return raw.replace(WHITESPACE, ' ').replace(INVISIBLE, '').replace(WHITESPACE, ' ').normalize('NFC').trim();
}

/** The characters of a text as QUESTION_MAX_CHARS counts them: code points, so that an emoji outside the BMP counts once, not twice. */
export function charCount(text: string): number {
  return Array.from(text).length;
}

/** What is wrong with a question, already normalised, in a sentence for the person who typed it; undefined when nothing is. */
export function questionProblem(text: string): string | undefined {
  if (text.length === 0) return 'Your question is empty: write something first.';
  const count = charCount(text);
  if (count > QUESTION_MAX_CHARS) return `A question may be at most ${QUESTION_MAX_CHARS} characters; yours has ${count}.`;
  return undefined;
}
