import { describe, expect, it } from 'vitest';
import { parseFrontmatter } from '../../src/markdown/schema.ts';

const lines: Record<string, number> = { title: 2, minutes: 3, minuts: 3, draft: 4 };
const lineOf = (field: string) => lines[field];

describe('parseFrontmatter', () => {
  it('accepts a title, minutes and draft, and defaults draft to false', () => {
    expect(parseFrontmatter({ title: 'Context', minutes: 6 }, 'slides/02-context.md')).toEqual({
      title: 'Context',
      minutes: 6,
      draft: false,
    });
  });

  it('names the file, the line and the field when a field has the wrong type, quoting what was written', () => {
    expect(() => parseFrontmatter({ title: 'Context', minutes: 'six' }, 'slides/02-context.md', lineOf)).toThrowErrorMatchingInlineSnapshot(
      `[SlideError: slides/02-context.md:3: field "minutes" must be a number, not "six"]`,
    );
  });

  it('says a required field is missing, on the line where the frontmatter opens', () => {
    expect(() => parseFrontmatter({}, 'slides/03-x.md')).toThrowErrorMatchingInlineSnapshot(
      `[SlideError: slides/03-x.md:1: field "title" is required]`,
    );
  });

  it('refuses a misspelt field on its line and lists the known ones', () => {
    expect(() => parseFrontmatter({ title: 'A', minuts: 3 }, 'slides/04-y.md', lineOf)).toThrowErrorMatchingInlineSnapshot(
      `[SlideError: slides/04-y.md:3: field "minuts" is not a known field (known fields: title, minutes, draft)]`,
    );
  });

  it('refuses an empty title and a time out of range, one line per field in the order of the file', () => {
    expect(() => parseFrontmatter({ title: ' ', minutes: 0, draft: 'yes' }, 'slides/05.md', lineOf)).toThrowErrorMatchingInlineSnapshot(`
      [SlideError: slides/05.md:2: field "title" must not be empty
      slides/05.md:3: field "minutes" must be more than 0, not 0
      slides/05.md:4: field "draft" must be true or false, not "yes"]
    `);
    expect(() => parseFrontmatter({ title: 'A', minutes: 300 }, 'slides/05.md', lineOf)).toThrow(
      'slides/05.md:3: field "minutes" must be at most 240, not 300',
    );
  });
});
