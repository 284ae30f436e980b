/**
 * The text a phone types into the room (src/room/text.ts): what reaches the
 * projector is one line of visible characters in NFC, markup stays text, and
 * a question's length is counted as a person counts characters, so that an
 * emoji is not two.
 */
import { describe, expect, it } from 'vitest';
import { charCount, normaliseText, QUESTION_MAX_CHARS, questionProblem } from '../../src/room/text.ts';

describe('normaliseText', () => {
  it('composes to NFC, so that e and a combining accent become é', () => {
    expect(normaliseText('caf\u0065\u0301?')).toBe('café?');
    expect(normaliseText('e\u0301')).toBe('\u00e9');
    // An invisible character between a letter and its accent is gone before the two are composed.
    expect(normaliseText('e\u200b\u0301')).toBe('\u00e9');
  });

  it('removes control characters, bidirectional overrides and isolates, and zero-width spaces', () => {
    expect(normaliseText('a\u0000b\u0007c\u001bd\u007fe\u009bf')).toBe('abcdef');
    expect(normaliseText('why \u202eevil\u202c?')).toBe('why evil?');
    expect(normaliseText('\u2066is\u2067 \u2068this\u2069 ok')).toBe('is this ok');
    expect(normaliseText('zero\u200bwidth\ufeff\u00ad\u2060')).toBe('zerowidth');
    expect(normaliseText('lone \ud800 half')).toBe('lone half');
  });

  it('keeps the zero-width joiner, so that emoji sequences survive', () => {
    const coder = '\u{1F469}\u200d\u{1F4BB}';
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    expect(normaliseText(`${coder} and ${family}`)).toBe(`${coder} and ${family}`);
    expect(normaliseText('\u{1F1EB}\u{1F1F7} \u2764\ufe0f')).toBe('\u{1F1EB}\u{1F1F7} \u2764\ufe0f');
  });

  it('turns every run of whitespace into one space, and trims', () => {
    expect(normaliseText('  what\n\n\tis\r\na\u00a0\u00a0gradient\u2028\u2029\u3000?  ')).toBe('what is a gradient ?');
    expect(normaliseText('line\u0085break')).toBe('line break');
    expect(normaliseText('two \u200b words')).toBe('two words');
    expect(normaliseText(' \n\t\u00a0\u200b ')).toBe('');
  });

  it('leaves markup as the characters it is', () => {
    const markup = '<img src=x onerror=alert(1)>';
    expect(normaliseText(markup)).toBe(markup);
    expect(normaliseText('a &amp; <b>b</b>')).toBe('a &amp; <b>b</b>');
  });
});

describe('questionProblem and charCount', () => {
  it('refuses an empty question', () => {
    expect(questionProblem('')).toBe('Your question is empty: write something first.');
    expect(questionProblem(normaliseText(' \n \u200b '))).toBe('Your question is empty: write something first.');
  });

  it(`takes ${QUESTION_MAX_CHARS} characters counted as code points, and refuses one more`, () => {
    expect(QUESTION_MAX_CHARS).toBe(280);
    // 140 emoji outside the BMP are 280 UTF-16 units but 140 characters.
    const astral = '\u{1F600}'.repeat(140);
    expect(astral.length).toBe(280);
    expect(charCount(astral)).toBe(140);
    const full = '\u{1F914}'.repeat(200) + 'x'.repeat(80);
    expect(charCount(full)).toBe(280);
    expect(questionProblem(full)).toBeUndefined();
    const over = `${full}\u{1F600}`;
    expect(charCount(over)).toBe(281);
    expect(questionProblem(over)).toBe('A question may be at most 280 characters; yours has 281.');
    expect(questionProblem('a'.repeat(281))).toBe('A question may be at most 280 characters; yours has 281.');
    expect(questionProblem('Why does the loss go up?')).toBeUndefined();
  });
});
