/**
 * `:::fragments` … `:::`: what is inside appears one piece at a time as the
 * presenter clicks: each item of a list, and each other block.
 */
import { addClass, CLASS_ONLY, classesOf, defineDirective } from './define.ts';

export const fragments = defineDirective({
  name: 'fragments',
  kinds: ['containerDirective'],
  attributes: CLASS_ONLY,
  readme: {
    write: '`:::fragments` … `:::` around a list',
    get: 'list items that appear one by one as the presenter clicks (other blocks inside appear one by one too)',
  },
  render(node, { class: className }) {
    if (node.type !== 'containerDirective') return;
    for (const child of node.children) {
      if (child.type === 'list') {
        for (const item of child.children) addClass(item, 'fragment');
      } else {
        addClass(child, 'fragment');
      }
    }
    node.data = { hName: 'div', hProperties: { className: ['fragments', ...classesOf(className)] } };
    return;
  },
});
