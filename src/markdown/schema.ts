/**
 * The frontmatter of a slide source file, as a zod schema.
 *
 * Every field carries a doc comment for the author, because the build quotes
 * the field's name when it is wrong. The schema is strict: a misspelt field
 * fails the build instead of being ignored.
 */
import { z } from 'astro/zod';
import { SlideError } from './errors.ts';
import { checkFields } from './fields.ts';

export const slideFileSchema = z
  .object({
    /** The name of this part of the lecture, e.g. "Context". The speaker view shows it. */
    title: z.string().trim().min(1),
    /** Rough speaking time for everything in this file, in minutes. The notes show it and the README sums it. */
    minutes: z.number().positive().max(240).optional(),
    /** Set to true to leave the file out of the built deck while it is being written. */
    draft: z.boolean().default(false),
  })
  .strict();

/** Frontmatter after validation. */
export type SlideFileData = z.output<typeof slideFileSchema>;

/**
 * Validates parsed frontmatter and reports every wrong field on its own line:
 * `slides/x.md:3: field "minuts" is not a known field (known fields: title, minutes, draft)`.
 *
 * @param data The parsed YAML, already known to be a mapping.
 * @param file The file's path as the author knows it, e.g. `slides/02-context.md`.
 * @param lineOf The line in the file where a field is written; fields that are
 *   missing are reported on the frontmatter's first line, which is the default.
 * @throws {SlideError} with one problem per wrong field, in the order of the file.
 */
export function parseFrontmatter(
  data: Record<string, unknown>,
  file: string,
  lineOf: (field: string) => number | undefined = () => 1,
): SlideFileData {
  const result = checkFields(slideFileSchema, data, Object.keys(slideFileSchema.shape), { noun: 'field', knownLabel: 'known fields' });
  if (result.success) return result.data;
  const problems = result.problems.map(({ field, message }) => ({ file, line: lineOf(field) ?? 1, message }));
  throw new SlideError(problems.sort((a, b) => a.line - b.line));
}
