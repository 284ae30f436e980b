/**
 * `:::columns` … `:::`: blocks side by side, one under another on phones;
 * each `:::column` inside is a column, or without them each block is one.
 * The layout is src/styles/deck.css's: here it is only a class.
 */
import { CLASS_ONLY, classesOf, defineDirective } from './define.ts';

export const columns = defineDirective({
  name: 'columns',
  kinds: ['containerDirective'],
  attributes: CLASS_ONLY,
  readme: {
    write: '`::::columns` around `:::column` … `:::` blocks',
    get: 'columns side by side (one under another on phones); without `:::column`, each block inside `:::columns` is a column. Nest containers by giving outer ones more colons (`:::::columns` › `::::column` › `:::fragments`)',
  },
  render(node, { class: className }) {
    node.data = { hName: 'div', hProperties: { className: ['columns', ...classesOf(className)] } };
    return;
  },
});
