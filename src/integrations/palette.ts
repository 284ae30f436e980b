/**
 * Every colour a figure paints comes from the palette (src/styles/tokens.css),
 * so that both themes colour it: a figure drawn in fixed colours reads in one
 * theme and vanishes in the other (black text on the dark theme's near-black
 * paper, a "black" point drawn white). The build fails on any mistake, one
 * line each, `file:line: what is wrong and what to do`.
 *
 * What is checked:
 * - our SVG figures (slides/figures/*.svg): every colour they write (fill,
 *   stroke, stop-color… as attributes or in style) must be `var(--token)`, a
 *   keyword (`none`, `currentColor`, `transparent`, `inherit`) or a gradient
 *   (`url(#…)`), and every text and mark must get its paint from itself or
 *   from an element around it: SVG's default fill is black, in both themes;
 * - the demos' stylesheets (src/demos/**\/*.css), and the deck's and the
 *   reader's: no literal colour in a colour property (shadows, which only
 *   darken, excepted), only tokens and mixes of tokens;
 * - the demos' code (src/demos/**\/*.ts): no literal colour in a string. A
 *   line may opt out with a comment `palette-exempt: <why>`, for pixels that
 *   are data rather than paint.
 *
 * A custom property defined in a checked stylesheet from tokens alone (such
 * as `--fig-grid: var(--faint)`) counts as a token too.
 */
import { globSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AstroIntegration } from 'astro';

/** One mistake: where, and a sentence saying what to do. */
export interface PaletteProblem {
  file: string;
  line: number;
  message: string;
}

/** The palette's tokens: every custom property that tokens.css defines. */
export function paletteTokens(tokensCss: string): Set<string> {
  return new Set([...stripComments(tokensCss).matchAll(/(--[a-z0-9-]+)\s*:/gi)].map((m) => m[1]!.toLowerCase()));
}

/** CSS's named colours (CSS Color 4), which a value may not use: they are one colour in every theme. */
const NAMED =
  'aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen'.split(
    ' ',
  );
const NAMED_PATTERN = new RegExp(`(^|[^a-z-])(${NAMED.join('|')})(?![a-z-])`, 'i');
const LITERAL_PATTERN = /#[0-9a-f]{3,8}\b|\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/i;

/** Why a colour value does not come from the palette, or undefined when it does. */
export function colourProblem(value: string, tokens: ReadonlySet<string>): string | undefined {
  const v = value.trim();
  if (/^(none|transparent|currentcolor|inherit|unset|initial)$/i.test(v) || /^url\(#[^)]+\)(\s+none)?$/i.test(v)) return undefined;
  // Each var() must name a token; its fallback is the theme-less colour an editor shows, so it is not read further.
  // Numbers inside calc() (a mix's share, a pixel's value) are not colours.
  const unknown: string[] = [];
  const rest = replaceVars(replaceCalls(v, 'calc'), (name) => {
    if (!tokens.has(name.toLowerCase())) unknown.push(name);
  });
  if (unknown.length > 0) return `${unknown.map((n) => `var(${n})`).join(', ')} is not a token of the palette (src/styles/tokens.css)`;
  const literal = LITERAL_PATTERN.exec(rest)?.[0] ?? NAMED_PATTERN.exec(rest)?.[2];
  if (literal) return `"${literal.replace(/\($/, '(…)')}" is one colour in both themes`;
  return undefined;
}

/** Replaces each call of `fn(…)` in `value`, with what it contains, by a space. */
function replaceCalls(value: string, fn: string): string {
  let out = value;
  for (let i = out.toLowerCase().indexOf(`${fn}(`); i !== -1; i = out.toLowerCase().indexOf(`${fn}(`)) {
    let depth = 0;
    let j = i + fn.length;
    for (; j < out.length; j++) {
      if (out[j] === '(') depth++;
      else if (out[j] === ')' && --depth === 0) break;
    }
    out = `${out.slice(0, i)} ${out.slice(j + 1)}`;
  }
  return out;
}

/** Replaces each `var(--name[, fallback])` in `value` by a space, reporting each name; nested vars included. */
function replaceVars(value: string, seen: (name: string) => void): string {
  let out = '';
  for (let i = 0; i < value.length;) {
    if (value.startsWith('var(', i) || value.startsWith('VAR(', i)) {
      let depth = 0;
      let j = i;
      for (; j < value.length; j++) {
        if (value[j] === '(') depth++;
        else if (value[j] === ')' && --depth === 0) break;
      }
      const inside = value.slice(i + 4, j);
      const name = /^\s*(--[\w-]+)/.exec(inside)?.[1];
      if (name) seen(name);
      out += ' ';
      i = j + 1;
    } else {
      out += value[i];
      i++;
    }
  }
  return out;
}

/** Blanks out comments, keeping every newline, so that line numbers stay true. */
function stripComments(text: string, pattern = /\/\*[\s\S]*?\*\//g): string {
  return text.replace(pattern, (comment) => comment.replace(/[^\n]/g, ' '));
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The SVG and CSS properties that paint. */
const PAINT = ['fill', 'stroke', 'stop-color', 'flood-color', 'lighting-color', 'color'];
/** Properties of a stylesheet that take a colour; shadows are left out (they only darken what is behind). */
const CSS_COLOUR =
  /^(color|fill|stroke|stop-color|flood-color|lighting-color|background|background-color|background-image|border|border-(top|right|bottom|left|block|inline)(-(start|end))?(-color)?|border-color|outline|outline-color|text-decoration|text-decoration-color|text-emphasis-color|caret-color|accent-color|column-rule|column-rule-color|-webkit-text-fill-color|-webkit-text-stroke|-webkit-text-stroke-color)$/i;

/** Custom properties that stylesheets define from tokens alone: tokens too, found by repeating until nothing changes. */
export function derivedTokens(stylesheets: string[], tokens: ReadonlySet<string>): Set<string> {
  const all = new Set(tokens);
  const definitions = stylesheets.flatMap((css) =>
    [...stripComments(css).matchAll(/(--[\w-]+)\s*:\s*([^;}]+)/g)].map((m) => [m[1]!.toLowerCase(), m[2]!] as const),
  );
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, value] of definitions) {
      if (all.has(name) || !/var\(/i.test(value)) continue;
      if (colourProblem(value, all) === undefined) {
        all.add(name);
        changed = true;
      }
    }
  }
  return all;
}

/** Checks a stylesheet's colour properties. */
export function checkStylesheet(css: string, file: string, tokens: ReadonlySet<string>): PaletteProblem[] {
  const text = stripComments(css);
  const problems: PaletteProblem[] = [];
  for (const m of text.matchAll(/(?<=[{;\s])([-a-z]+)\s*:\s*([^;{}]+?)\s*(?:!important\s*)?(?=;|})/gi)) {
    const [, property, value] = m;
    if (!CSS_COLOUR.test(property!)) continue;
    const why = colourProblem(value!, tokens);
    if (why) problems.push({ file, line: lineAt(text, m.index), message: `${property}: ${value}: ${why}; use a token, e.g. var(--ink)` });
  }
  return problems;
}

/** A tag of an SVG, as far as the check needs it. */
interface Tag {
  name: string;
  attributes: Map<string, string>;
  line: number;
  /** Whether it contains text of its own (for text and tspan). */
  hasText: boolean;
  children: Tag[];
  parent?: Tag;
}

/** Reads an SVG's elements, with their attributes and lines: figures are small, hand-written XML. */
function parseSvg(svg: string): Tag {
  const root: Tag = { name: '#document', attributes: new Map(), line: 1, hasText: false, children: [] };
  let current = root;
  const text = stripComments(svg, /<!--[\s\S]*?-->/g);
  const pattern = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  for (const m of text.matchAll(pattern)) {
    const [, closing, name, attrs, selfClosing, content] = m;
    if (content !== undefined) {
      if (content.trim()) current.hasText = true;
      continue;
    }
    if (closing) {
      current = current.parent ?? root;
      continue;
    }
    const attributes = new Map<string, string>();
    for (const a of attrs!.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attributes.set(a[1]!, a[2] ?? a[3] ?? '');
    const tag: Tag = { name: name!, attributes, line: lineAt(text, m.index), hasText: false, children: [], parent: current };
    current.children.push(tag);
    if (!selfClosing) current = tag;
  }
  return root;
}

/** The paint a tag sets itself, property by property, from its attributes and its style. */
function ownPaint(tag: Tag): Map<string, string> {
  const paint = new Map<string, string>();
  for (const property of PAINT) {
    const value = tag.attributes.get(property);
    if (value !== undefined) paint.set(property, value);
  }
  for (const declaration of (tag.attributes.get('style') ?? '').split(';')) {
    const [property, ...value] = declaration.split(':');
    const name = property?.trim().toLowerCase();
    if (name && PAINT.includes(name)) paint.set(name, value.join(':').trim());
  }
  return paint;
}

const MARKS = new Set(['path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon']);
const TEXTS = new Set(['text', 'tspan', 'textPath']);

/** Checks one of our SVG figures. */
export function checkFigure(svg: string, file: string, tokens: ReadonlySet<string>): PaletteProblem[] {
  const problems: PaletteProblem[] = [];
  const visit = (tag: Tag) => {
    for (const [property, value] of ownPaint(tag)) {
      const why = colourProblem(value, tokens);
      if (why)
        problems.push({
          file,
          line: tag.line,
          message: `<${tag.name}> ${property}="${value}": ${why}; write var(--ink), var(--accent)… instead`,
        });
    }
    if (tag.name === 'style') {
      problems.push({
        file,
        line: tag.line,
        message: '<style> inside a figure: colour its elements with fill="var(--…)" attributes instead',
      });
    }
    const paints = (property: 'fill' | 'stroke') => {
      for (let t: Tag | undefined = tag; t && t.name !== '#document'; t = t.parent) {
        const value = ownPaint(t).get(property);
        if (value !== undefined) return !/^none$/i.test(value.trim());
      }
      return undefined;
    };
    const isText = TEXTS.has(tag.name) && tag.hasText;
    if (isText && paints('fill') === undefined)
      problems.push({
        file,
        line: tag.line,
        message: `<${tag.name}> has no fill of its own and inherits none, so it is drawn black in both themes; give it (or a group around it) fill="var(--ink)"`,
      });
    if (MARKS.has(tag.name) && paints('fill') === undefined && !paints('stroke'))
      problems.push({
        file,
        line: tag.line,
        message: `<${tag.name}> has no fill of its own and inherits none, so it is drawn black in both themes; give it (or a group around it) fill="var(--ink)", or fill="none" and a stroke`,
      });
    for (const child of tag.children) visit(child);
  };
  visit(parseSvg(svg));
  return problems;
}

/** Checks the code of a demo: no literal colour in a string, unless the line says why it is exempt. */
export function checkViewSource(source: string, file: string): PaletteProblem[] {
  const problems: PaletteProblem[] = [];
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    if (/palette-exempt:/.test(line) || /palette-exempt:/.test(lines[i - 1] ?? '') || /^\s*(\*|\/\/)/.test(line)) return;
    // A named colour only counts where the line paints: a class called "grey" is not a colour.
    const paints = /fill|stroke|colou?r|background|Style\b/.test(line);
    for (const m of line.matchAll(/(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g)) {
      const value = m[2]!;
      const named = paints && new RegExp(`^(${NAMED.join('|')})$`, 'i').test(value.trim());
      const literal = LITERAL_PATTERN.exec(value)?.[0] ?? (named ? value : undefined);
      if (literal)
        problems.push({
          file,
          line: i + 1,
          message: `the string "${value.slice(0, 40)}" is one colour in both themes; use a class whose stylesheet uses a token, or 'var(--ink)'`,
        });
    }
  });
  return problems;
}

/** Every file the check reads, relative to the project. */
export const CHECKED = {
  tokens: 'src/styles/tokens.css',
  figures: 'slides/figures/*.svg',
  stylesheets: ['src/demos/**/*.css', 'src/questions/*.css', 'src/styles/deck.css', 'src/reader/*.css'],
  views: 'src/demos/**/*.ts',
};

/** The colours of highlighted code, which Shiki sets per token in a light and a dark theme. */
const CODE_THEME = ['--shiki-light', '--shiki-dark'];

/** Checks the whole project under `root`. */
export function checkPalette(root: string): PaletteProblem[] {
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  const files = (pattern: string) => globSync(pattern, { cwd: root }).sort();
  const stylesheets = CHECKED.stylesheets.flatMap(files);
  // Shiki writes each token of code in its light and its dark theme's colour, as these two properties.
  const tokens = derivedTokens(
    stylesheets.map((file) => read(file)),
    new Set([...paletteTokens(read(CHECKED.tokens)), ...CODE_THEME]),
  );
  return [
    ...files(CHECKED.figures).flatMap((file) => checkFigure(read(file), file, tokens)),
    ...stylesheets.flatMap((file) => checkStylesheet(read(file), file, tokens)),
    ...files(CHECKED.views).flatMap((file) => checkViewSource(read(file), file)),
  ];
}

/** One line per mistake, as the slides' own mistakes are printed. */
export function formatProblems(problems: PaletteProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n');
}

/** The build step: fails the build on any colour that does not come from the palette. */
export function palette(): AstroIntegration {
  return {
    name: 'palette',
    hooks: {
      'astro:config:setup': ({ config, logger }) => {
        const root = decodeURIComponent(config.root.pathname);
        const problems = checkPalette(root);
        if (problems.length > 0) {
          const error = new Error(`colours outside the palette:\n${formatProblems(problems)}`);
          error.stack = error.message;
          throw error;
        }
        logger.info(`every colour of the figures, demos and styles comes from ${relative(root, join(root, CHECKED.tokens))}`);
      },
    },
  };
}
