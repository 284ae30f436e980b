/**
 * Every URL that a piece of CSS would fetch, found with css-tree (a CSS
 * parser, svgo's) rather than by patterns: comments, escapes and quotes are
 * the parser's to understand. The same-origin check (same-origin.ts) asks this
 * of each `<style>`, `style="…"` and SVG presentation attribute.
 *
 * What the parser cannot read it keeps as raw text, which is then read token
 * by token with css-tree's tokenizer: a browser may understand CSS that the
 * parser does not, so a `url(…)` there still counts.
 */
import { parse, string, tokenize, tokenTypes, url as cssUrl, walk, type CssNode } from 'css-tree';

/** One URL in CSS: its 1-based line in the CSS text, and how it is written. */
export interface CssUrl {
  url: string;
  line: number;
  /** `@import`, `url()` or `image-set()`: what a message quotes. */
  via: string;
  offset: number;
}

/** What a piece of CSS is: a style sheet (`<style>`), declarations (`style="…"`), or one value (`fill="…"`). */
export type CssKind = 'stylesheet' | 'declarationList' | 'value';

const IMAGE_SET = new Set(['image-set', '-webkit-image-set']);

/** The URLs a piece of CSS would fetch, in the order they are written. */
export function urlsInCss(css: string, kind: CssKind): CssUrl[] {
  const found: CssUrl[] = [];
  let ast: CssNode;
  try {
    ast = parse(css, { context: kind, positions: true, parseCustomProperty: true, onParseError: () => {} });
  } catch {
    // A single value that does not parse at all: read all of it as tokens.
    scanTokens(css, 0, 1, found);
    return found;
  }
  walk(ast, function (node) {
    const start = node.loc?.start ?? { offset: 0, line: 1 };
    const at = (value: unknown, via: string) => found.push({ url: String(value), line: start.line, via, offset: start.offset });
    const inImport = this.atrulePrelude !== null && this.atrule?.name?.toLowerCase() === 'import';
    if (node.type === 'Url') at(node.value, inImport ? '@import' : 'url()');
    else if (node.type === 'String' && inImport) at(node.value, '@import');
    else if (node.type === 'String' && IMAGE_SET.has(this.function?.name?.toLowerCase() ?? '')) at(node.value, 'image-set()');
    else if (node.type === 'Raw') scanTokens(String(node.value), start.offset, start.line, found);
  });
  return found.sort((a, b) => a.offset - b.offset);
}

/**
 * Reads CSS that did not parse token by token: a url token, `url("…")`,
 * `@import "…"` and the strings of an `image-set(…)`.
 *
 * @param offset Where `css` starts in the whole text, and `line` the line it starts on.
 */
function scanTokens(css: string, offset: number, line: number, found: CssUrl[]): void {
  const open: string[] = [];
  let previous: { type: number; text: string } | undefined;
  tokenize(css, (type, start, end) => {
    if (type === tokenTypes.WhiteSpace || type === tokenTypes.Comment) return;
    const text = css.slice(start, end);
    const at = (value: string, via: string) =>
      found.push({ url: value, via, offset: offset + start, line: line + (css.slice(0, start).match(/\n/g)?.length ?? 0) });
    const afterImport = previous?.type === tokenTypes.AtKeyword && previous.text.toLowerCase() === '@import';
    if (type === tokenTypes.Url) at(cssUrl.decode(text), afterImport ? '@import' : 'url()');
    else if (type === tokenTypes.String) {
      if (afterImport) at(string.decode(text), '@import');
      else if (previous?.type === tokenTypes.Function && previous.text.toLowerCase() === 'url(') at(string.decode(text), 'url()');
      else if (IMAGE_SET.has(open.at(-1) ?? '')) at(string.decode(text), 'image-set()');
    } else if (type === tokenTypes.Function) open.push(text.slice(0, -1).toLowerCase());
    else if (type === tokenTypes.LeftParenthesis) open.push('');
    else if (type === tokenTypes.RightParenthesis) open.pop();
    previous = { type, text };
  });
}
