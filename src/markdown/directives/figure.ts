/**
 * `::figure[Text alternative]{src="…" caption="…"}`: one of our SVG
 * figures from slides/figures/, inlined (so that it takes the deck's colours
 * and fonts) with its text alternative as its accessible name.
 */
import { z } from 'astro/zod';
import type { RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { SKIP } from 'unist-util-visit';
import { accessibleSvg } from '../checks/svg.ts';
import { classesOf, defineDirective } from './define.ts';

const NEEDS_SRC = '::figure needs a src, the name of an SVG in slides/figures/ without ".svg"';

const attributes = z.looseObject({
  /** The figure: `slides/figures/<src>.svg`. */
  src: z.string({ error: NEEDS_SRC }).min(1, { error: NEEDS_SRC }),
  /** A caption shown under the figure. */
  caption: z.string().nullish(),
  /** An id for the figure, written `#name`. */
  id: z.string().nullish(),
  /** Classes for the figure, written `.name`. */
  class: z.string().nullish(),
});

export const figure = defineDirective({
  name: 'figure',
  kinds: ['leafDirective'],
  attributes,
  readme: {
    write: '`::figure[What it shows]{src="training-loop" caption="…"}`',
    get: 'our SVG `figures/training-loop.svg`, inlined, with its text alternative',
  },
  render(node, { src: name, caption, id, class: className }, { options, fail }) {
    const svg = options.readFigure(name);
    if (svg === undefined) return fail(`::figure src="${name}": there is no slides/figures/${name}.svg`);
    const alt = toString(node).trim();
    if (!alt) return fail(`::figure{src="${name}"} needs a text alternative in brackets: ::figure[What the figure shows]{src="${name}"}`);
    const prepared = accessibleSvg(svg, name, alt);
    // The mistake is in the figure's file, not on a line of the slide.
    if (!prepared.ok) return fail(prepared.problem, 'slide');
    node.data = {
      hName: 'figure',
      hProperties: { className: ['figure', ...classesOf(className)], ...(id ? { id } : {}) },
    };
    node.children = [
      { type: 'html', value: prepared.svg },
      ...(caption
        ? [{ type: 'paragraph', data: { hName: 'figcaption' }, children: [{ type: 'text', value: caption }] } as RootContent]
        : []),
    ] as never;
    return SKIP;
  },
});
