/**
 * `:::fragment` … `:::`: one block that appears on the next click, as a
 * whole (`:::fragments` makes each of its blocks a fragment of its own).
 */
import { CLASS_ONLY, classesOf, defineDirective } from './define.ts';

export const fragment = defineDirective({
  name: 'fragment',
  kinds: ['containerDirective'],
  attributes: CLASS_ONLY,
  readme: {
    write: '`:::fragment` … `:::`',
    get: 'one block that appears on the next click',
  },
  render(node, { class: className }) {
    node.data = { hName: 'div', hProperties: { className: ['fragment', ...classesOf(className)] } };
    return;
  },
});
