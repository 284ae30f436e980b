/**
 * The reader's version of the notes (RenderedSlide.readerHtml): the reader's
 * edition (`read/`) prints the speaker notes as prose, so each lecturer's
 * direction (directives/lecturer.ts) is replaced by its reader="…" text (as
 * `<span class="for-reader">`) or left out, and a paragraph left empty by
 * that is left out too. The speaker view keeps the HTML with the directions.
 */
import type { Element, Root as HastRoot } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

/** Writes the reader's HTML to `file.data.readerHtml`, when the notes hold a direction at all. */
export function rehypeReaderVersion() {
  return (tree: HastRoot, file: VFile) => {
    let marked = false;
    visit(tree, 'element', (node: Element) => {
      if (classNames(node).includes('lecturer')) marked = true;
    });
    if (!marked) return;
    const copy = structuredClone(tree);
    visit(copy, 'element', (node: Element, index, parent) => {
      if (!parent || index === undefined || !classNames(node).includes('lecturer')) return;
      const reader = node.properties.dataReader;
      const own: Element = {
        type: 'element',
        tagName: 'span',
        properties: { className: ['for-reader'] },
        children: [{ type: 'text', value: String(reader) }],
      };
      parent.children.splice(index, 1, ...(typeof reader === 'string' ? [own] : []));
      return [SKIP, index];
    });
    visit(copy, 'element', (node: Element, index, parent) => {
      if (!parent || index === undefined || node.tagName !== 'p') return;
      if (node.children.length === 0 || node.children.every((child) => child.type === 'text' && child.value.trim() === '')) {
        parent.children.splice(index, 1);
        return [SKIP, index];
      }
      // A sentence that began with a direction starts with the space after it.
      const head = node.children[0];
      if (head?.type === 'text') head.value = head.value.replace(/^\s+/, '');
      return;
    });
    (file.data as { readerHtml?: string }).readerHtml = toHtml(copy, { allowDangerousHtml: true });
  };
}

function classNames(node: Element): string[] {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? (value as string).split(/\s+/) : [];
}
