/**
 * What the build knows about a demo, and the check of its slide parameters.
 *
 * A slide embeds a demo with
 *
 *     ::demo[Text alternative]{name="gradient-descent-1d" steps="5" preset="good"}
 *
 * `name` and `steps` belong to the deck; every other attribute is one of the
 * demo's parameters and is checked against the demo's schema when the site is
 * built. The browser receives the checked, defaulted values as JSON and needs
 * no schema of its own, except for parameters that arrive in a link, which it
 * checks with {@link parseDemoParams} so that the wording is the same.
 *
 * Browser-safe: this module imports nothing but zod's types.
 */
import type { z } from 'astro/zod';
import { checkFields, type FieldCheck } from './fields.ts';

/** What the build needs to know about one demo. */
export interface DemoSpec {
  /** The demo's slide parameters: a zod object whose fields have doc comments. Inputs are the attribute strings. */
  params: z.ZodObject;
  /** The keys the demo binds while its slide is on screen, e.g. ["T", "R"]. */
  keys: readonly string[];
  /** The data- attributes the demo reports on its figure, without `data-`: what a `::poll{answer-from="<demo>.<report>"}` may read. */
  reports?: readonly string[];
}

/** Attributes of `::demo` that belong to the deck, not to the demo; a demo's schema may not use them. */
export const DECK_ATTRIBUTES: readonly string[] = ['name', 'steps'];

const strictSchemas = new WeakMap<z.ZodObject, z.ZodObject>();

/**
 * Checks a demo's parameters and applies the schema's defaults.
 *
 * Unknown names are always refused, even if the demo's schema is not strict:
 * a misspelt parameter that is silently dropped is the mistake this check
 * exists to catch.
 *
 * @param params The demo's schema ({@link DemoSpec.params}).
 * @param input Parameters as strings: the directive's attributes, or a link's query.
 * @param options `partial: true` checks only the parameters given (for a link
 *   that overrides some of the slide's) and applies no defaults.
 * @returns The schema's output (JSON data), or one problem per wrong
 *   parameter, each a sentence such as
 *   `field "preset" must be one of "small", "good", "large", not "huge"`.
 */
export function parseDemoParams(
  params: z.ZodObject,
  input: Readonly<Record<string, string>>,
  options: { partial?: boolean } = {},
): FieldCheck<Record<string, unknown>> {
  let strict = strictSchemas.get(params);
  if (!strict) {
    strict = params.strict();
    strictSchemas.set(params, strict);
  }
  const known = Object.keys(params.shape);
  const given = Object.keys(input).filter((key) => known.includes(key));
  const schema = options.partial ? strict.pick(Object.fromEntries(given.map((key) => [key, true])) as Record<string, true>) : strict;
  return checkFields(schema, { ...input }, known, { noun: 'parameter', knownLabel: 'known' }) as FieldCheck<Record<string, unknown>>;
}

/**
 * Refuses a demo spec that the deck could never satisfy: a parameter named
 * like a deck attribute would never reach the demo.
 *
 * @throws {Error} naming the demo and the parameter; this is a mistake in a demo's manifest, not in a slide.
 */
export function assertDemoSpec(name: string, spec: DemoSpec): void {
  for (const key of DECK_ATTRIBUTES) {
    if (key in spec.params.shape) {
      throw new Error(
        `demo "${name}": its parameters may not include "${key}", which ::demo keeps for the deck; rename the parameter in the demo's manifest`,
      );
    }
  }
}
