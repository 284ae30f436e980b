/**
 * The check of the slides' TeX. Every formula is checked with KaTeX before it
 * is rendered, because only here, in the Markdown tree, does a formula still
 * know the lines it spans: rehype-katex would report a display formula at the
 * slide's first line. What rehype-katex still finds later (it renders with
 * other settings) is reported too, by {@link rehypeKatexProblems}.
 */
import katex from 'katex';
import type { Root as MdastRoot } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { report } from '../problems.ts';

const RULE = 'tex';

/**
 * Records each formula KaTeX cannot parse, at the line of the mistake, and
 * shows that formula as code instead, so that rehype-katex does not report it
 * a second time.
 */
export function remarkCheckMath() {
  return (tree: MdastRoot, file: VFile) => {
    visit(tree, (node, index, parent) => {
      if (node.type !== 'math' && node.type !== 'inlineMath') return;
      const display = node.type === 'math';
      try {
        // Warnings (strict mode) are rehype-katex's to give; only errors stop the build.
        katex.renderToString(node.value, { displayMode: display, throwOnError: true, output: 'mathml', strict: 'ignore' });
        return;
      } catch (error) {
        if (!(error instanceof katex.ParseError)) throw error;
        const start = node.position?.start.line;
        // A display formula's TeX starts on the line after its opening `$$`.
        const first = start === undefined ? undefined : display ? start + 1 : start;
        const before = node.value.slice(0, error.position ?? 0);
        const line = first === undefined ? undefined : first + (before.match(/\n/g)?.length ?? 0);
        report(
          file,
          RULE,
          `KaTeX cannot render this math: ${error.rawMessage} in ${display ? '$$…$$' : '$…$'} "${excerpt(node.value, error.position)}"; correct the TeX (what KaTeX supports: https://katex.org/docs/supported.html)`,
          line === undefined ? undefined : { line, column: 1 },
        );
        if (parent && index !== undefined)
          parent.children.splice(
            index,
            1,
            (display ? { type: 'code', value: node.value } : { type: 'inlineCode', value: node.value }) as never,
          );
        return;
      }
    });
  };
}

/** Reports rehype-katex's own failures (it records them as warnings) as mistakes in the slide. */
export function rehypeKatexProblems() {
  return (_tree: unknown, file: VFile) => {
    for (const message of file.messages.filter((m) => m.source === 'rehype-katex')) {
      const cause = message.cause instanceof Error ? message.cause.message : message.reason;
      report(file, RULE, `KaTeX cannot render this math: ${cause}`, message.place ?? undefined);
    }
  };
}

/** The line of a formula that holds a mistake, cut to a width that reads well in a terminal. */
function excerpt(tex: string, position: number | undefined): string {
  const at = Math.min(position ?? 0, tex.length);
  const start = tex.lastIndexOf('\n', at - 1) + 1;
  const newline = tex.indexOf('\n', at);
  const end = newline === -1 ? tex.length : newline;
  const width = 60;
  const from = end - start > width ? Math.max(start, Math.min(at - width / 2, end - width)) : start;
  const to = Math.min(end, from + width);
  return `${from > start ? '…' : ''}${tex.slice(from, to).trim()}${to < end ? '…' : ''}`;
}
