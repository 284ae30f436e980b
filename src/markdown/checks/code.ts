/**
 * Code blocks: the languages the deck highlights, Shiki's settings, the check
 * that a block names one of those languages (so that a typo is caught, not
 * shown as plain text), and keyboard access to a block that scrolls.
 */
import type { RehypeShikiOptions } from '@shikijs/rehype';
import type { Element, Root as HastRoot } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { report } from '../problems.ts';

const SHIKI_LANGS = ['python', 'typescript', 'javascript', 'bash', 'shell', 'json', 'yaml', 'markdown'] as const;

export const SHIKI: RehypeShikiOptions = {
  // The high-contrast variants: every token meets WCAG AA on the code background, in either theme.
  // Shiki writes the light colours and, as --shiki-dark, the dark ones (src/styles/deck.css picks).
  themes: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
  defaultColor: 'light',
  langs: [...SHIKI_LANGS],
  langAlias: { py: 'python', ts: 'typescript', js: 'javascript', sh: 'bash', md: 'markdown', yml: 'yaml', plaintext: 'text', txt: 'text' },
};

/** Languages a code block may name; anything else fails with a list of these. */
export const CODE_LANGUAGES: readonly string[] = [...SHIKI_LANGS, 'text', 'py', 'ts', 'js', 'sh', 'md', 'yml', 'plaintext', 'txt'];

/**
 * Records each code block whose language is not highlighted, and takes the
 * language off it, so that Shiki shows it as plain text rather than failing.
 */
export function rehypeCheckCode() {
  return (tree: HastRoot, file: VFile) => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName !== 'code') return;
      const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : [];
      const language = classes.find((c) => c.startsWith('language-'))?.slice('language-'.length);
      if (language && language !== 'math' && !CODE_LANGUAGES.includes(language)) {
        report(
          file,
          'code',
          `code block language "${language}" is not highlighted; use one of ${CODE_LANGUAGES.join(', ')}`,
          node.position ?? undefined,
        );
        node.properties.className = classes.filter((c) => c !== `language-${language}`);
      }
    });
  };
}

/** A code block that scrolls must be reachable by keyboard, to scroll it without a mouse. */
export function rehypeFocusableCode() {
  return (tree: HastRoot) => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName !== 'pre') return;
      // Shiki may already have written it, as a lower-case property: one attribute, not two.
      delete node.properties.tabindex;
      node.properties.tabIndex = 0;
    });
  };
}
