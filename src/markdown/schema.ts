/**
 * The frontmatter of a slide source file, as a zod schema.
 *
 * Every field carries a doc comment for the author, because the build quotes
 * the field's name when it is wrong. The schema is strict: a misspelt field
 * fails the build instead of being ignored.
 */
import { z } from 'astro/zod';

export const slideFileSchema = z
  .object({
    /** The name of this part of the lecture, e.g. "Context". The speaker view shows it. */
    title: z.string().trim().min(1, 'must not be empty'),
    /** Rough speaking time for everything in this file, in minutes. The notes show it and the README sums it. */
    minutes: z.number().positive('must be more than 0').max(240, 'must be at most 240').optional(),
    /** Set to true to leave the file out of the built deck while it is being written. */
    draft: z.boolean().default(false),
  })
  .strict();

/** Frontmatter after validation. */
export type SlideFileData = z.output<typeof slideFileSchema>;

/**
 * Validates parsed frontmatter and turns zod's issues into one sentence per
 * field that names the file and the field.
 *
 * @param data The parsed YAML (any shape).
 * @param file The file's path as the author knows it, e.g. `slides/02-context.md`.
 * @throws {Error} with a message listing every wrong field.
 */
export function parseFrontmatter(data: unknown, file: string): SlideFileData {
  const result = slideFileSchema.safeParse(data ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(slideFileSchema.shape).join(', ');
      return issue.keys.map((key) => `  field "${key}" is not a known field (known fields: ${known})`).join('\n');
    }
    const field = issue.path.length > 0 ? issue.path.join('.') : '(frontmatter)';
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
    return `  field "${field}" ${missing ? 'is required' : issue.message.replace(/^Invalid input: /, 'is invalid: ')}`;
  });
  return fail(file, lines);
}

function fail(file: string, lines: string[]): never {
  throw new Error(`${file}: the frontmatter is wrong:\n${lines.join('\n')}`);
}
