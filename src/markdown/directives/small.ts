/**
 * `:::small` … `:::`: smaller, quieter text for sources and asides, so that
 * the slide shows what it is about first.
 */
import { CLASS_ONLY, classesOf, defineDirective } from './define.ts';

export const small = defineDirective({
  name: 'small',
  kinds: ['containerDirective'],
  attributes: CLASS_ONLY,
  readme: {
    write: '`:::small` … `:::`',
    get: 'smaller, quieter text: sources, asides',
  },
  render(node, { class: className }) {
    node.data = { hName: 'div', hProperties: { className: ['small', ...classesOf(className)] } };
    return;
  },
});
