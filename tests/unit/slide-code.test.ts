/**
 * The deck's JavaScript listings are JavaScript: a reader can paste one into
 * a browser's console (which allows a top-level `await`) and it runs. A
 * TypeScript cast or annotation left in one (`as tf.Scalar[]`) makes that
 * paste fail, so every ```js / ```javascript block in slides/ must parse as
 * JavaScript, checked with esbuild's JavaScript loader, which rejects
 * TypeScript syntax. The TensorFlow.js listings, the ones labelled
 * "TensorFlow.js", are tagged as JavaScript so that this check covers them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Code, Root } from 'mdast';
import { transformSync } from 'esbuild';
import remarkDirective from 'remark-directive';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';

const SLIDES = new URL('../../slides/', import.meta.url);
const JS = new Set(['js', 'javascript']);

interface Block {
  file: string;
  line: number;
  lang: string | null | undefined;
  value: string;
  /** The text of the `::label[…]` just before the block, if any. */
  label: string | undefined;
}

/** Every fenced code block of the slides' Markdown, with the label above it. */
function codeBlocks(): Block[] {
  const files = readdirSync(SLIDES)
    .filter((name) => name.endsWith('.md') && name !== 'README.md')
    .sort();
  const parser = unified().use(remarkParse).use(remarkDirective);
  return files.flatMap((file) => {
    const tree = parser.parse(readFileSync(new URL(file, SLIDES), 'utf8')) as Root;
    const blocks: Block[] = [];
    visit(tree, 'code', (node: Code, index, parent) => {
      const before = index !== undefined && parent ? parent.children[index - 1] : undefined;
      const label =
        before?.type === 'leafDirective' && before.name === 'label'
          ? before.children.map((child) => ('value' in child ? child.value : '')).join('')
          : undefined;
      blocks.push({ file, line: node.position?.start.line ?? 0, lang: node.lang, value: node.value, label });
    });
    return blocks;
  });
}

describe("the slides' JavaScript listings", () => {
  const blocks = codeBlocks();
  const js = blocks.filter((block) => block.lang && JS.has(block.lang));

  it('are found (the check is not vacuous)', () => {
    expect(js.length).toBeGreaterThan(0);
  });

  it.each(js.map((block) => [`${block.file}:${block.line}`, block] as const))('%s parses as JavaScript', (_, block) => {
    expect(() => transformSync(block.value, { loader: 'js', format: 'esm', logLevel: 'silent' })).not.toThrow();
  });

  it('include every TensorFlow.js listing', () => {
    const tfjs = blocks.filter((block) => block.label?.includes('TensorFlow.js'));
    expect(tfjs.length).toBeGreaterThan(0);
    expect(tfjs.filter((block) => !block.lang || !JS.has(block.lang)).map((b) => `${b.file}:${b.line} (${b.lang})`)).toEqual([]);
  });

  it('reject TypeScript syntax, so that the check means something', () => {
    expect(() => transformSync('const [, a] = f() as tf.Scalar[];', { loader: 'js', format: 'esm', logLevel: 'silent' })).toThrow();
  });
});
