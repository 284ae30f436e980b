/**
 * `::demo[Text alternative]{name="…" steps="…" …}`: an interactive figure
 * from src/demos/. `name` and `steps` belong to the deck; every other
 * attribute is one of the demo's parameters, checked against the demo's own
 * schema (demo-params.ts), so the browser receives checked, defaulted values.
 */
import { z } from 'astro/zod';
import type { Element } from 'hast';
import { toString } from 'mdast-util-to-string';
import { SKIP } from 'unist-util-visit';
import { DECK_ATTRIBUTES, parseDemoParams } from '../demo-params.ts';
import { POLL_DEMO } from '../poll.ts';
import { defineDirective } from './define.ts';

const NEEDS_NAME = '::demo needs a name, e.g. ::demo[What it shows]{name="gradient-descent-1d"}';

const attributes = z.looseObject({
  /** The demo: its folder under src/demos/. */
  name: z.string({ error: NEEDS_NAME }).min(1, { error: NEEDS_NAME }),
  /** How many clicks the demo takes before the slide moves on: step fragments, 0 to 50. */
  steps: z
    .string()
    .nullish()
    .transform((written, context) => {
      const steps = written === undefined ? 0 : Number(written);
      if (!Number.isInteger(steps) || steps < 0 || steps > 50)
        context.addIssue(`::demo steps must be a whole number from 0 to 50, not "${written}"`);
      return steps;
    }),
});

export const demo = defineDirective({
  name: 'demo',
  kinds: ['leafDirective'],
  attributes,
  readme: {
    write: '`::demo[What it shows]{name="gradient-descent-1d" steps="5" preset="good"}`',
    get: "an interactive demo (see src/demos/README.md); `steps` lets the clicker advance the demo before the slide; other attributes are the demo's parameters (below)",
  },
  render(node, { name, steps, ...written }, { options, slide, fail, bindKeys }) {
    if (name === POLL_DEMO)
      return fail('::demo{name="poll"} is written as ::poll[The question?]{id="…" options="a:First|b:Second"}, which checks the poll');
    const spec = options.demos.get(name);
    if (!spec) return fail(`there is no demo "${name}"; known demos: ${[...options.demos.keys()].sort().join(', ') || '(none)'}`);
    const alt = toString(node).trim();
    if (!alt) return fail(`::demo{name="${name}"} needs a text alternative in brackets: ::demo[What the figure shows]{name="${name}"}`);
    const given: Record<string, string> = {};
    for (const [key, value] of Object.entries(written)) {
      if (!DECK_ATTRIBUTES.includes(key) && typeof value === 'string') given[key] = value;
    }
    const params = parseDemoParams(spec.params, given);
    if (!params.success) return fail(params.problems.map((problem) => `::demo{name="${name}"}: ${problem.message}`));
    if (!bindKeys(name, spec.keys)) return SKIP;
    slide.demos.push(name);
    node.data = {
      hName: 'figure',
      // Checked and defaulted here, so the browser trusts them as they are.
      hProperties: { className: ['demo'], dataDemo: name, dataDemoState: 'pending', dataParams: JSON.stringify(params.data) },
      hChildren: [
        { type: 'element', tagName: 'div', properties: { className: ['demo-stage'] }, children: [] },
        { type: 'element', tagName: 'figcaption', properties: { className: ['demo-alt'] }, children: [{ type: 'text', value: alt }] },
        ...Array.from({ length: steps }, (_, i): Element => ({
          type: 'element',
          tagName: 'span',
          properties: { className: ['fragment', 'demo-step'], dataDemoStep: String(i + 1), ariaHidden: 'true' },
          children: [],
        })),
      ],
    };
    return SKIP;
  },
});
