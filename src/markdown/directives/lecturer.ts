/**
 * `:lecturer[Press T.]{reader="Press Train."}` inline, or `:::lecturer` …
 * `:::` around blocks: a direction for the lecturer in the speaker notes (a
 * key to press, a question put to the room). The speaker view shows it in
 * italics; the reader's edition (../reader.ts) leaves it out, or prints its
 * `reader="…"` version. checks/directions.ts finds directions left unmarked.
 */
import { SKIP } from 'unist-util-visit';
import { ANY_ATTRIBUTES, defineDirective } from './define.ts';

const attributes = ANY_ATTRIBUTES.superRefine((written, context) => {
  for (const key of Object.keys(written)) {
    if (key !== 'reader') context.addIssue(`:lecturer takes only reader="…", the reader's own version of the direction, not "${key}"`);
  }
});

export const lecturer = defineDirective({
  name: 'lecturer',
  kinds: ['textDirective', 'leafDirective', 'containerDirective'],
  attributes,
  notesOnly: `:lecturer marks a direction in the speaker notes; on the slide itself, write the text without it (or move it after "Note:")`,
  readme: {
    write: '`:lecturer[Press T.]{reader="Press Train."}`, or `:::lecturer` … `:::` around blocks',
    get: "in the speaker notes only: a direction for the lecturer, in italics in the speaker view; the reader's edition leaves it out, or prints its `reader` version (see [the lecturer's directions](#the-lecturers-directions-in-the-notes))",
  },
  render(node, { reader }) {
    const inline = node.type === 'textDirective';
    node.data = {
      hName: inline ? 'em' : 'div',
      hProperties: { className: ['lecturer'], ...(reader ? { dataReader: reader } : {}) },
    };
    return inline ? SKIP : undefined;
  },
});
