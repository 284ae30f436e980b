import { describe, expect, it } from 'vitest';
import { parseFrontmatter } from '../../src/markdown/schema.ts';

describe('parseFrontmatter', () => {
  it('accepts a title, minutes and draft, and defaults draft to false', () => {
    expect(parseFrontmatter({ title: 'Context', minutes: 6 }, 'slides/02-context.md')).toEqual({ title: 'Context', minutes: 6, draft: false });
  });

  it('names the file and the field when a field has the wrong type', () => {
    expect(() => parseFrontmatter({ title: 'Context', minutes: 'six' }, 'slides/02-context.md')).toThrowErrorMatchingInlineSnapshot(`
      [Error: slides/02-context.md: the frontmatter is wrong:
        field "minutes" is invalid: expected number, received string]
    `);
  });

  it('says a required field is missing', () => {
    expect(() => parseFrontmatter({}, 'slides/03-x.md')).toThrow(/slides\/03-x\.md: .*\n {2}field "title" is required/);
  });

  it('refuses a misspelt field and lists the known ones', () => {
    expect(() => parseFrontmatter({ title: 'A', minuts: 3 }, 'slides/04-y.md')).toThrow(
      /slides\/04-y\.md: .*field "minuts" is not a known field \(known fields: title, minutes, draft\)/s,
    );
  });

  it('refuses a non-positive time', () => {
    expect(() => parseFrontmatter({ title: 'A', minutes: 0 }, 'slides/05.md')).toThrow(/field "minutes" must be more than 0/);
  });
});
