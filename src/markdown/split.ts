/**
 * Splitting one slide source file into slides.
 *
 * A file in `slides/` holds one part of the lecture. Inside it:
 *
 * - a line that is exactly `---` starts the next slide (to the right);
 * - a line that is exactly `--` starts the next slide of a vertical stack
 *   (below the current one);
 * - a line that starts with `Note:` (or `Notes:`) begins the speaker notes,
 *   which run to the end of that slide.
 *
 * Separators and notes markers inside fenced code blocks are left alone, so a
 * slide may show YAML or Markdown that itself contains `---`. This is the
 * convention of reveal.js's own Markdown plugin, which lecturers already know.
 *
 * Everything here is pure string work with no file system, so it is tested
 * exhaustively in tests/unit/split.test.ts.
 */

/** One slide as written: its Markdown body, its speaker notes and where it starts. */
export interface RawSlide {
  /** Markdown of what the audience sees. */
  body: string;
  /** Markdown of the speaker notes, or an empty string. */
  notes: string;
  /** 1-based line in the file where the slide's first line stands (for error messages). */
  line: number;
  /** 1-based line in the file where the notes' first line stands; undefined when there are no notes. */
  notesLine?: number | undefined;
}

/** Slides that share one horizontal position; a stack of one is an ordinary slide. */
export interface RawStack {
  slides: RawSlide[];
}

/** A mistake in a slide source, located by its 1-based line. */
export class SlideSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = 'SlideSyntaxError';
    this.line = line;
  }
}

const HORIZONTAL = /^---[ \t]*$/;
const VERTICAL = /^--[ \t]*$/;
const NOTES = /^notes?:[ \t]?(.*)$/i;
const FENCE = /^[ ]{0,3}(`{3,}|~{3,})/;

interface Frontmatter {
  /** The YAML between the opening and closing `---`, without them. */
  yaml: string;
  /** The rest of the file. */
  body: string;
  /** 1-based line of the body's first line in the original file. */
  bodyLine: number;
}

/**
 * Separates a leading YAML frontmatter block from the body.
 *
 * Returns `yaml: ''` when the file has no frontmatter. An opening `---` with no
 * closing one is a mistake that would otherwise swallow the whole file, so it
 * throws.
 */
export function extractFrontmatter(source: string): Frontmatter {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  if (!HORIZONTAL.test(lines[0] ?? '')) return { yaml: '', body: text, bodyLine: 1 };
  const end = lines.findIndex((line, i) => i > 0 && /^(---|\.\.\.)[ \t]*$/.test(line));
  if (end === -1) {
    throw new SlideSyntaxError('the frontmatter that opens on line 1 with `---` is never closed; add a line `---` after the last field', 1);
  }
  return {
    yaml: lines.slice(1, end).join('\n'),
    body: lines.slice(end + 1).join('\n'),
    bodyLine: end + 2,
  };
}

/**
 * Splits a file body (frontmatter already removed) into stacks of slides.
 *
 * @param body Markdown text of the file after its frontmatter.
 * @param firstLine The line number of `body`'s first line in the file, so that
 *   the line numbers of the slides point into the real file.
 */
export function splitSlides(body: string, firstLine = 1): RawStack[] {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const stacks: RawStack[] = [];
  let stack: RawSlide[] = [];
  let current: { body: string[]; notes: string[] | null; line: number; notesLine: number } = {
    body: [],
    notes: null,
    line: firstLine,
    notesLine: 0,
  };
  let fence: { char: string; length: number } | null = null;

  const finishSlide = (endLine: number, separator: string | null) => {
    const bodyText = trimBlankLines(current.body.join('\n'));
    const notesText = current.notes ? trimBlankLines(current.notes.join('\n')) : '';
    if (bodyText === '' && notesText === '') {
      // Blank text before the first slide or after a trailing separator is
      // harmless; an empty slide between two separators is a mistake.
      if (separator !== null && (stacks.length > 0 || stack.length > 0)) {
        throw new SlideSyntaxError(
          `the slide that starts on line ${current.line} is empty; remove the extra \`${separator}\` on line ${endLine}`,
          current.line,
        );
      }
      return false;
    }
    if (bodyText === '') {
      throw new SlideSyntaxError(
        `the slide that starts on line ${current.line} has speaker notes but nothing to show; add its content above \`Note:\``,
        current.line,
      );
    }
    stack.push({
      body: bodyText,
      notes: notesText,
      line: firstNonBlank(current.body, current.line),
      notesLine: notesText ? firstNonBlank(current.notes!, current.notesLine) : undefined,
    });
    return true;
  };

  const finishStack = () => {
    if (stack.length > 0) stacks.push({ slides: stack });
    stack = [];
  };

  lines.forEach((line, index) => {
    const lineNo = firstLine + index;
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1]![0] === fence.char && fenceMatch[1]!.length >= fence.length && line.trim() === fenceMatch[1]) {
        fence = null;
      }
      (current.notes ?? current.body).push(line);
      return;
    }
    if (fenceMatch) {
      fence = { char: fenceMatch[1]![0]!, length: fenceMatch[1]!.length };
      (current.notes ?? current.body).push(line);
      return;
    }
    if (HORIZONTAL.test(line)) {
      finishSlide(lineNo, '---');
      finishStack();
      current = { body: [], notes: null, line: lineNo + 1, notesLine: 0 };
      return;
    }
    if (VERTICAL.test(line)) {
      if (stack.length === 0 && trimBlankLines(current.body.join('\n')) === '') {
        throw new SlideSyntaxError(
          `\`--\` on line ${lineNo} starts a slide below another, but there is no slide above it; use \`---\` or add a slide first`,
          lineNo,
        );
      }
      finishSlide(lineNo, '--');
      current = { body: [], notes: null, line: lineNo + 1, notesLine: 0 };
      return;
    }
    const notesMatch = NOTES.exec(line);
    if (notesMatch && current.notes === null) {
      current.notes = notesMatch[1] ? [notesMatch[1]] : [];
      current.notesLine = notesMatch[1] ? lineNo : lineNo + 1;
      return;
    }
    (current.notes ?? current.body).push(line);
  });

  if (fence) {
    const open: { char: string; length: number } = fence;
    throw new SlideSyntaxError(
      `a code block opened with \`${open.char.repeat(open.length)}\` is never closed; close it before the next slide`,
      firstLine + lines.length - 1,
    );
  }
  finishSlide(firstLine + lines.length - 1, null);
  finishStack();
  return stacks;
}

function trimBlankLines(text: string): string {
  return text
    .replace(/^(?:[ \t]*\n)+/, '')
    .replace(/(?:\n[ \t]*)+$/, '')
    .replace(/^[ \t]+$/, '');
}

function firstNonBlank(lines: string[], start: number): number {
  const offset = lines.findIndex((line) => line.trim() !== '');
  return offset === -1 ? start : start + offset;
}
