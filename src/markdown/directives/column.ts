/**
 * `:::column` … `:::`: one column of a `:::columns`, for a column of several
 * blocks; `.wide` makes it half as wide again.
 */
import { CLASS_ONLY, classesOf, defineDirective } from './define.ts';

export const column = defineDirective({
  name: 'column',
  kinds: ['containerDirective'],
  attributes: CLASS_ONLY,
  readme: {
    write: '`:::column` … `:::` inside `:::columns`',
    get: 'one column; `:::column{.wide}` is half as wide again',
  },
  render(node, { class: className }) {
    node.data = { hName: 'div', hProperties: { className: ['column', ...classesOf(className)] } };
    return;
  },
});
