import { describe, expect, it } from 'vitest';
import { extractFrontmatter, splitSlides } from '../../src/markdown/split.ts';

describe('splitSlides', () => {
  it('splits on a line that is exactly --- and keeps the line where each slide starts', () => {
    const stacks = splitSlides('# One\n\ntext\n\n---\n\n## Two\n', 5);
    expect(stacks).toEqual([
      { slides: [{ body: '# One\n\ntext', notes: '', line: 5 }] },
      { slides: [{ body: '## Two', notes: '', line: 11 }] },
    ]);
  });

  it('puts slides separated by -- into one vertical stack', () => {
    const stacks = splitSlides('## A\n--\n## A.1\n--\n## A.2\n---\n## B');
    expect(stacks.map((s) => s.slides.map((slide) => slide.body))).toEqual([['## A', '## A.1', '## A.2'], ['## B']]);
  });

  it('takes everything after a "Note:" line as the speaker notes of that slide', () => {
    const [stack] = splitSlides('## A\nshown\nNote:\nsaid aloud\n\nmore said\n---\n## B\nNotes: inline start');
    expect(stack!.slides[0]).toMatchObject({ body: '## A\nshown', notes: 'said aloud\n\nmore said' });
    expect(splitSlides('## B\nNotes: inline start')[0]!.slides[0]!.notes).toBe('inline start');
  });

  it('keeps the line where the notes start, so that mistakes in notes are found where they are', () => {
    const stacks = splitSlides('## A\nshown\nNote:\n\nsaid aloud\n---\n## B\nNotes: inline start', 4);
    expect(stacks.map((s) => s.slides[0]!.notesLine)).toEqual([8, 11]);
    expect(splitSlides('## C')[0]!.slides[0]!.notesLine).toBeUndefined();
  });

  it('ignores separators and notes markers inside fenced code blocks', () => {
    const source = '## Code\n\n```yaml\n---\ntitle: x\n--\nNote: not a note\n```\n\n~~~~\n---\n~~~~';
    const stacks = splitSlides(source);
    expect(stacks).toHaveLength(1);
    expect(stacks[0]!.slides[0]!.body).toBe(source);
    expect(stacks[0]!.slides[0]!.notes).toBe('');
  });

  it('does not close a fence on a shorter or different fence', () => {
    const stacks = splitSlides('## A\n````\n```\n---\n~~~\n````\n---\n## B');
    expect(stacks).toHaveLength(2);
  });

  it('accepts Windows line endings and a trailing separator', () => {
    expect(splitSlides('## A\r\n---\r\n## B\r\n---\r\n').map((s) => s.slides[0]!.body)).toEqual(['## A', '## B']);
  });

  it('refuses an empty slide between two separators and names the line', () => {
    expect(() => splitSlides('## A\n---\n\n---\n## B', 10)).toThrow(
      /slide that starts on line 12 is empty; remove the extra `---` on line 13/,
    );
  });

  it('refuses a vertical slide with nothing above it', () => {
    expect(() => splitSlides('--\n## A')).toThrow(/`--` on line 1 .* no slide above it/);
    expect(() => splitSlides('## A\n---\n--\n## B')).toThrow(/`--` on line 3/);
  });

  it('refuses notes with nothing to show', () => {
    expect(() => splitSlides('## A\n---\nNote: only notes')).toThrow(/has speaker notes but nothing to show/);
  });

  it('refuses a code block that is never closed', () => {
    expect(() => splitSlides('## A\n```python\nx = 1\n---\n## B')).toThrow(/never closed/);
  });
});

describe('extractFrontmatter', () => {
  it('separates YAML from the body and says on which line the body starts', () => {
    expect(extractFrontmatter('---\ntitle: A\nminutes: 3\n---\n# Hi\n')).toEqual({
      yaml: 'title: A\nminutes: 3',
      body: '# Hi\n',
      bodyLine: 5,
    });
  });

  it('returns the whole file as the body when there is no frontmatter', () => {
    expect(extractFrontmatter('# Hi')).toEqual({ yaml: '', body: '# Hi', bodyLine: 1 });
  });

  it('refuses frontmatter that is never closed', () => {
    expect(() => extractFrontmatter('---\ntitle: A\n# Hi')).toThrow(/never closed/);
  });
});
