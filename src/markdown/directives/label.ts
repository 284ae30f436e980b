/**
 * `::label[Keras (Python)]`: a short label above a block, such as the
 * language of the listing below it.
 */
import { toString } from 'mdast-util-to-string';
import { SKIP } from 'unist-util-visit';
import { CLASS_ONLY, classesOf, defineDirective } from './define.ts';

export const label = defineDirective({
  name: 'label',
  kinds: ['leafDirective'],
  attributes: CLASS_ONLY,
  readme: {
    write: '`::label[Keras (Python)]`',
    get: 'a short label above a block, such as the language of the listing below it',
  },
  render(node, { class: className }, { fail }) {
    const text = toString(node).trim();
    if (!text) return fail('::label needs its text in brackets: ::label[Keras (Python)]');
    node.data = { hName: 'p', hProperties: { className: ['label', ...classesOf(className)] } };
    node.children = [{ type: 'text', value: text }] as never;
    return SKIP;
  },
});
