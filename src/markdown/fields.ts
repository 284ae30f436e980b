/**
 * One wording for every wrong field an author can write: frontmatter fields
 * at build time, demo parameters at build time and, in the browser, demo
 * parameters that arrive in a link. Nothing here touches Node or the DOM.
 *
 * A schema's own messages win (zod asks the schema first), so a schema can
 * still say something more specific; the wording below covers zod's built-in
 * checks, whose default messages ("Invalid input: expected number, received
 * NaN") speak to programmers, not to lecturers.
 */
import type { z } from 'astro/zod';

/** One wrong field. */
export interface FieldProblem {
  /** The field's name as the author writes it, e.g. `minutes`. */
  field: string;
  /** A sentence that starts with `field "<name>"` and says what it must be. */
  message: string;
}

/** How a kind of field is named in messages. */
export interface FieldWording {
  /** What an unknown name is not: `field` in `is not a known field`, `parameter` in `is not a known parameter`. */
  noun: string;
  /** What introduces the list of names that do exist: `known fields`, or just `known`. */
  knownLabel: string;
}

/** The result of {@link checkFields}: the schema's output, or every problem. */
export type FieldCheck<T> = { success: true; data: T } | { success: false; problems: FieldProblem[] };

/**
 * Validates `input` against an object schema and describes every wrong field
 * in the deck's wording, e.g.
 * `field "minuts" is not a known field (known fields: title, minutes, draft)` or
 * `field "preset" must be one of "small", "good", "large", not "huge"`.
 *
 * @param schema A zod object; unknown keys are reported only if it is strict.
 * @param input The fields as the author wrote them (parsed YAML, or attribute strings).
 * @param known The names to list when a name is unknown, in the order to show them.
 */
export function checkFields<S extends z.ZodType>(
  schema: S,
  input: Record<string, unknown>,
  known: readonly string[],
  wording: FieldWording,
): FieldCheck<z.output<S>> {
  const original = (path: readonly PropertyKey[]): unknown =>
    path.reduce<unknown>(
      (value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
      input,
    );

  const result = schema.safeParse(input, { error: (issue) => describeIssue(issue, original(issue.path ?? [])) });
  if (result.success) return { success: true, data: result.data };

  const problems = result.error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      const list = known.length > 0 ? known.join(', ') : 'none';
      return issue.keys.map((key) => ({
        field: key,
        message: `field "${key}" is not a known ${wording.noun} (${wording.knownLabel}: ${list})`,
      }));
    }
    const field = issue.path.map(String).join('.');
    const missing = original(issue.path) === undefined && issue.path.length > 0;
    return [{ field, message: `field "${field}" ${missing ? 'is required' : issue.message}` }];
  });
  return { success: false, problems };
}

/** Our message for one of zod's built-in issues, or undefined to keep zod's own. */
function describeIssue(issue: z.core.$ZodRawIssue, given: unknown): string | undefined {
  const not = `, not ${show(given)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}${not}`;
    case 'invalid_value': {
      if ((issue as { expected?: string }).expected === 'stringbool') return `must be "true" or "false"${not}`;
      const values = issue.values.map(show);
      return values.length === 1 ? `must be ${values[0]}${not}` : `must be one of ${values.join(', ')}${not}`;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = Number(small ? issue.minimum : issue.maximum);
      if (issue.origin === 'string') {
        if (small && limit === 1) return 'must not be empty';
        return `must be ${small ? 'at least' : 'at most'} ${limit} characters long${not}`;
      }
      if (issue.origin === 'array' || issue.origin === 'set') return `must have ${small ? 'at least' : 'at most'} ${limit} items`;
      const bound = issue.inclusive ? (small ? 'at least' : 'at most') : small ? 'more than' : 'less than';
      return `must be ${bound} ${limit}${not}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}${not}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `must match ${String(issue.pattern)}${not}`
        : `must be a valid ${issue.format}${not}`;
    default:
      return undefined;
  }
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a group of fields',
  date: 'a date',
};

/** How a value the author wrote is quoted back: strings in quotes, so that `"5"` and `5` differ. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'empty';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a group of fields';
  return String(value);
}
