/**
 * The few parts of css-tree (svgo's CSS parser, which the deck uses to find
 * the URLs in a slide's CSS) that css-urls.ts calls. css-tree ships no types
 * of its own, so they are declared here, as narrowly as they are used.
 */
declare module 'css-tree' {
  interface CssPosition {
    offset: number;
    line: number;
    column: number;
  }

  /** A node of css-tree's syntax tree; only the fields css-urls.ts reads. */
  export interface CssNode {
    type: string;
    loc?: { start: CssPosition; end: CssPosition } | null;
    /** An at-rule's or a function's name. */
    name?: string;
    /** A Url's or a String's decoded value; a Raw node's text. */
    value?: unknown;
  }

  /** What the walker knows about where a node is: `this` in the callback. */
  export interface WalkContext {
    atrule: CssNode | null;
    atrulePrelude: CssNode | null;
    function: CssNode | null;
  }

  export interface ParseOptions {
    context?: 'stylesheet' | 'declarationList' | 'value';
    positions?: boolean;
    parseCustomProperty?: boolean;
    onParseError?: (error: Error) => void;
  }

  export function parse(source: string, options?: ParseOptions): CssNode;
  export function walk(ast: CssNode, enter: (this: WalkContext, node: CssNode) => void): void;
  export function tokenize(source: string, onToken: (type: number, start: number, end: number) => void): void;
  export const tokenTypes: Readonly<
    Record<'Function' | 'AtKeyword' | 'String' | 'Url' | 'LeftParenthesis' | 'RightParenthesis' | 'WhiteSpace' | 'Comment', number>
  >;
  export const url: { decode(token: string): string };
  export const string: { decode(token: string): string };
}
