/**
 * Speaker directions: what the lecturer does or asks the room to do ("Press
 * V", "ask the room", "pause here"). In the notes they must be marked
 * `:lecturer[…]` (or `:::lecturer` … `:::`), so that the reader's edition can
 * leave them out of its prose (slides/README.md). This check finds the ones
 * left unmarked: each pattern is a phrase no reader's sentence needs, and the
 * message quotes what was found.
 */
import type { Root as MdastRoot } from 'mdast';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { report } from '../problems.ts';

export const DIRECTIONS: readonly RegExp[] = [
  /\bpress(?:es|ing)?\s+(?:[A-Z0-9?.](?![\w'’-])|space\b|escape\b|esc\b|shift\b|alt\b|(?:the\s+)?(?:arrow|right|left|down|up|[A-Z])\s+key)/i,
  /\b(?:ask|tell|invite|poll)\s+(?:the\s+)?(?:room|audience|class|students|everyone|everybody|people)\b/i,
  /\bpause\s+(?:here|briefly|for)\b/i,
  /\bclick\s+(?:through|once|again|to\s+(?:show|reveal|bring|highlight|advance))\b/i,
  /\b(?:show|raise)\s+of\s+hands\b|\bhands\s+up\b/i,
  /\bgive\s+the\s+room\b/i,
];

/**
 * Records each speaker direction in the notes that is not marked as the
 * lecturer's, at its line, with the phrase. Runs before the directives are
 * rendered, while `:lecturer` is still a directive; on a slide's own text it
 * does nothing.
 */
export function remarkCheckDirections() {
  return (tree: MdastRoot, file: VFile) => {
    if ((file.data as { kind?: string }).kind !== 'notes') return;
    visit(tree, (node) => {
      if ((node.type === 'textDirective' || node.type === 'containerDirective') && node.name === 'lecturer') return SKIP;
      if (node.type !== 'text') return;
      for (const pattern of DIRECTIONS) {
        const phrase = pattern.exec(node.value)?.[0];
        if (phrase === undefined) continue;
        report(
          file,
          'lecturer-direction',
          `the notes say "${phrase}", a direction for the lecturer; mark it as theirs, :lecturer[${phrase} …], so that the reader's edition leaves it out (or gives the reader's version: :lecturer[…]{reader="…"})`,
          node.position,
        );
      }
      return;
    });
  };
}
