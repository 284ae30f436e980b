/**
 * The reader's version of the notes (RenderedSlide.readerHtml): the reader's
 * edition (`read/`) prints the speaker notes as prose, so each lecturer's
 * direction (directives/lecturer.ts) is replaced by its reader="…" text (as
 * `<span class="for-reader">`) or left out, and a paragraph left empty by
 * that is left out too. Where a direction is left out of a sentence, the
 * text around it is joined (closeGap): one space, not two; none before a
 * following full stop or comma; and the text after it begins a sentence with
 * a capital when the direction stood where a sentence begins, as in
 * "…just trained. :lecturer[Ask …, which follows the slides:] on this slide a
 * phone…", which the reader reads as "…just trained. On this slide a phone…".
 * The speaker view keeps the HTML with the directions.
 */
import type { Element, ElementContent, Root as HastRoot, Text } from 'hast';
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
      // An inline direction (`<em>`) left out of a sentence: join the text around it.
      if (typeof reader !== 'string' && node.tagName === 'em') closeGap(parent, index);
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

/** The inline elements through which the first word of the text after a direction is found (not code, not maths). */
const PHRASING = new Set(['em', 'strong', 'a', 'b', 'i']);

/** Elements in which a direction that comes first begins a sentence. */
const BLOCKS = new Set(['p', 'li', 'td', 'th', 'dd', 'dt', 'figcaption', 'blockquote', 'div']);

/** The text node that a run of inline content begins with, through emphasis and links, if any. */
function leadingText(node: ElementContent | undefined): Text | undefined {
  if (node?.type === 'text') return node;
  if (node?.type === 'element' && PHRASING.has(node.tagName)) return leadingText(node.children[0]);
  return undefined;
}

/**
 * Joins the text on either side of a direction that the reader's version left
 * out of `parent` at `index` (what followed it is now at `index`).
 */
function closeGap(parent: HastRoot | Element, index: number): void {
  const before = index > 0 ? parent.children[index - 1] : undefined;
  const next = parent.children[index];
  if (next?.type === 'text') {
    // "trained. " + " on" → "trained. on"; at the start of a paragraph, no space at all.
    if (before === undefined || (before.type === 'text' && /\s$/.test(before.value))) next.value = next.value.replace(/^\s+/, '');
    // "it learns " + ", then" → "it learns, then".
    if (before?.type === 'text' && /^[.,;:!?)]/.test(next.value)) before.value = before.value.replace(/\s+$/, '');
  }
  const startsSentence =
    before === undefined
      ? parent.type === 'element' && BLOCKS.has(parent.tagName)
      : before.type === 'text' && /[.!?…]["”’)]?\s*$/.test(before.value);
  if (!startsSentence) return;
  // The first word after it, past a space left on its own before emphasis.
  let at = index;
  while (parent.children[at]?.type === 'text' && (parent.children[at] as Text).value.trim() === '') at += 1;
  const first = leadingText(parent.children[at] as ElementContent | undefined);
  if (first) first.value = first.value.replace(/^(\s*)(\p{Ll})/u, (_, space: string, letter: string) => space + letter.toUpperCase());
}

function classNames(node: Element): string[] {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? (value as string).split(/\s+/) : [];
}
