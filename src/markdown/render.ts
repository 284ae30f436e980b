/**
 * Rendering one slide's Markdown to HTML at build time.
 *
 * Astro 7's default Markdown processor runs no remark or rehype plugins, and
 * slides must be split before they are rendered anyway, so the deck renders
 * slides with its own unified pipeline:
 *
 *   remark-parse → remark-gfm (tables) → remark-math ($…$, $$…$$)
 *   → our TeX check → remark-directive (::demo, ::poll, ::figure, ::slide,
 *   :::fragments, :::columns) → remark-rehype → rehype-raw (inline HTML and
 *   SVG) → rehype-katex → @shikijs/rehype (code) → our checks
 *   → rehype-stringify
 *
 * Everything that can be wrong in a slide (unknown demo, a wrong demo
 * parameter, missing figure, broken TeX, a resource from another origin, no
 * title) is raised here as a {@link SlideRenderError} with a line number, and
 * the caller adds the file.
 */
import rehypeShiki, { type RehypeShikiOptions } from '@shikijs/rehype';
import type { Element, Root as HastRoot } from 'hast';
import type { Heading, Root as MdastRoot, RootContent } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import katex from 'katex';
import { toString } from 'mdast-util-to-string';
import rehypeKatex from 'rehype-katex';
import rehypeRaw from 'rehype-raw';
import rehypeStringify from 'rehype-stringify';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { optimize } from 'svgo';
import { renderSVG } from 'uqr';
import { unified, type Processor } from 'unified';
import { visit, SKIP } from 'unist-util-visit';
import { toHtml } from 'hast-util-to-html';
import { VFile } from 'vfile';
import { assertDemoSpec, DECK_ATTRIBUTES, parseDemoParams, type DemoSpec } from './demo-params.ts';
import { parsePoll, pollAlternative, type AnswerSource } from './poll.ts';

export type { DemoSpec } from './demo-params.ts';

/** A mistake in a slide, located by its 1-based line within the slide's body. */
export class SlideRenderError extends Error {
  readonly line: number | undefined;
  /** One sentence per mistake found at that line (a directive can have several wrong parameters). */
  readonly messages: readonly string[];
  constructor(message: string | readonly string[], line: number | undefined) {
    const messages = typeof message === 'string' ? [message] : message;
    super(messages.join('\n'));
    this.name = 'SlideRenderError';
    this.line = line;
    this.messages = messages;
  }
}

/** What the renderer needs to know about the world outside the slide. */
export interface RenderOptions {
  /** The demos a slide may embed, by name. */
  demos: ReadonlyMap<string, DemoSpec>;
  /** Returns the SVG text of `slides/figures/<name>.svg`, or undefined when there is none. */
  readFigure: (name: string) => string | undefined;
  /** The deck's published address (site and base path), for `::qr`; without it the page draws the code from its own address. */
  siteUrl?: string | undefined;
}

/** One rendered slide body (or notes). */
export interface RenderedSlide {
  html: string;
  /** Text of the first heading, or the `title` given with `::slide{title="…"}`. */
  title: string | undefined;
  /** Attributes from `::slide{#id .class data-…=…}`. */
  attributes: Record<string, string>;
  /** Names of the demos the slide embeds, in order. */
  demos: string[];
  /** The slide's polls, for the checks that need the whole deck (deck.ts): unique ids, and answers from demos the deck shows. */
  polls: PollReference[];
  /** Ids the slide had before, from `::slide{formerly="old-id …"}`: links to them lead here. */
  formerly: string[];
  /**
   * The HTML as the reader's edition prints it: notes without the lecturer's
   * directions (`:lecturer[…]`), or with the reader's own version of one
   * (`:lecturer[Press T.]{reader="Press Train."}`).
   */
  readerHtml: string;
}

/** A poll as the deck checks it: its id, where its answer comes from, and its line in the slide. */
export interface PollReference {
  id: string;
  answerFrom: AnswerSource | undefined;
  line: number | undefined;
}

/** The demo every `::poll` is rendered as (src/demos/poll/). */
export const POLL_DEMO = 'poll';

interface SlideData {
  attributes: Record<string, string>;
  title: string | undefined;
  demos: string[];
  polls: PollReference[];
  formerly: string[];
  /** Keys bound by the slide's demos so far (lower-cased), and which demo binds each. */
  keys: Map<string, string>;
}

const SHIKI_LANGS = ['python', 'typescript', 'javascript', 'bash', 'shell', 'json', 'yaml', 'markdown'] as const;

const SHIKI: RehypeShikiOptions = {
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
 * Creates a renderer. Building the processor loads Shiki's grammars, which
 * takes a moment, so one renderer serves a whole build.
 */
export function createRenderer(options: RenderOptions): (markdown: string, kind?: 'slide' | 'notes') => Promise<RenderedSlide> {
  for (const [name, spec] of options.demos) assertDemoSpec(name, spec);
  const processor = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkCheckMath)
    .use(remarkDirective)
    .use(remarkSlideDirectives, options)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRaw)
    .use(rehypeKatex, { output: 'htmlAndMathml' })
    .use(rehypeCheckCode)
    .use(rehypeShiki, SHIKI)
    .use(rehypeSameOrigin)
    .use(rehypeFocusableCode)
    .use(rehypeReaderVersion)
    .use(rehypeStringify) as unknown as Processor;

  return async (markdown, kind = 'slide') => {
    const file = await processor.process(new VFile({ value: markdown, data: { kind } })).catch((error: unknown) => {
      if (error instanceof SlideRenderError) throw error;
      // A parser's message about the Markdown (a VFileMessage, which has a
      // place) is the author's; anything else is a bug here and keeps its stack.
      const place = (error as { place?: { line?: number; start?: { line?: number } } } | null)?.place;
      if (!place) throw error;
      throw new SlideRenderError(String((error as Error).message ?? error), place.line ?? place.start?.line);
    });
    const mathError = file.messages.find((message) => message.source === 'rehype-katex');
    if (mathError) {
      const cause = mathError.cause instanceof Error ? mathError.cause.message : mathError.reason;
      throw new SlideRenderError(`KaTeX cannot render this math: ${cause}`, mathError.line ?? undefined);
    }
    const data = file.data as { slide?: SlideData; readerHtml?: string };
    const html = String(file);
    return {
      html,
      title: data.slide?.title,
      attributes: data.slide?.attributes ?? {},
      demos: data.slide?.demos ?? [],
      polls: data.slide?.polls ?? [],
      formerly: data.slide?.formerly ?? [],
      readerHtml: data.readerHtml ?? html,
    };
  };
}

type Directive = ContainerDirective | LeafDirective | TextDirective;

/**
 * Turns our directives into HTML and records slide metadata on the file.
 *
 * Unknown block directives are errors (they are almost always typos); unknown
 * inline directives are put back as the text they were, because prose such as
 * "ratio 3:a" can look like one.
 */
function remarkSlideDirectives(options: RenderOptions) {
  return (tree: MdastRoot, file: VFile) => {
    const slide: SlideData = { attributes: {}, title: undefined, demos: [], polls: [], formerly: [], keys: new Map() };
    const notes = (file.data as { kind?: string }).kind === 'notes';
    if (notes) checkDirections(tree);

    /** Keys are global while a slide is on screen, so two demos on one slide must not share one. */
    const bindKeys = (name: string, keys: readonly string[], line: number | undefined, written = `::demo{name="${name}"}`) => {
      for (const key of keys) {
        const other = slide.keys.get(key.toLowerCase());
        if (other !== undefined) {
          throw new SlideRenderError(
            `${written} binds the key "${key}", which ${other === name ? 'another ' : ''}${other === POLL_DEMO ? '::poll' : `::demo{name="${other}"}`} on this slide binds too; put one of them on a slide of its own`,
            line,
          );
        }
      }
      for (const key of keys) slide.keys.set(key.toLowerCase(), name);
    };
    file.data = { ...file.data, slide };

    visit(tree, (node, index, parent) => {
      if (node.type !== 'containerDirective' && node.type !== 'leafDirective' && node.type !== 'textDirective') return;
      const directive = node as Directive;
      const line = directive.position?.start.line;
      const attrs = directive.attributes ?? {};

      if (directive.name === 'lecturer') {
        if (!notes)
          throw new SlideRenderError(
            `:lecturer marks a direction in the speaker notes; on the slide itself, write the text without it (or move it after "Note:")`,
            line,
          );
        for (const key of Object.keys(attrs)) {
          if (key !== 'reader')
            throw new SlideRenderError(`:lecturer takes only reader="…", the reader's own version of the direction, not "${key}"`, line);
        }
        const inline = directive.type === 'textDirective';
        directive.data = {
          hName: inline ? 'em' : 'div',
          hProperties: { className: ['lecturer'], ...(attrs.reader ? { dataReader: attrs.reader } : {}) },
        };
        return inline ? SKIP : undefined;
      }

      if (directive.type === 'textDirective') {
        if (parent && index !== undefined) {
          const label = toString(directive);
          parent.children.splice(index, 1, { type: 'text', value: `:${directive.name}${label ? `[${label}]` : ''}` } as never);
        }
        return SKIP;
      }

      switch (`${directive.type}:${directive.name}`) {
        case 'leafDirective:slide': {
          for (const [key, value] of Object.entries(attrs)) {
            if (value == null) continue;
            if (key === 'title') slide.title = value;
            else if (key === 'formerly') slide.formerly = value.split(/\s+/).filter(Boolean);
            else if (key === 'id' || key === 'class' || key.startsWith('data-')) slide.attributes[key] = value;
            else
              throw new SlideRenderError(
                `::slide does not take "${key}"; it takes #id, .class, title="…", formerly="old-id …" and data-… attributes`,
                line,
              );
          }
          if (parent && index !== undefined) parent.children.splice(index, 1);
          return [SKIP, index];
        }
        case 'leafDirective:demo': {
          const name = attrs.name;
          if (!name) throw new SlideRenderError('::demo needs a name, e.g. ::demo[What it shows]{name="gradient-descent-1d"}', line);
          if (name === POLL_DEMO)
            throw new SlideRenderError(
              '::demo{name="poll"} is written as ::poll[The question?]{id="…" options="a:First|b:Second"}, which checks the poll',
              line,
            );
          const spec = options.demos.get(name);
          if (!spec) {
            throw new SlideRenderError(
              `there is no demo "${name}"; known demos: ${[...options.demos.keys()].sort().join(', ') || '(none)'}`,
              line,
            );
          }
          const alt = toString(directive).trim();
          if (!alt)
            throw new SlideRenderError(
              `::demo{name="${name}"} needs a text alternative in brackets: ::demo[What the figure shows]{name="${name}"}`,
              line,
            );
          const steps = attrs.steps === undefined ? 0 : Number(attrs.steps);
          if (!Number.isInteger(steps) || steps < 0 || steps > 50)
            throw new SlideRenderError(`::demo steps must be a whole number from 0 to 50, not "${attrs.steps}"`, line);
          const given: Record<string, string> = {};
          for (const [key, value] of Object.entries(attrs)) {
            if (!DECK_ATTRIBUTES.includes(key) && value != null) given[key] = value;
          }
          const params = parseDemoParams(spec.params, given);
          if (!params.success)
            throw new SlideRenderError(
              params.problems.map((problem) => `::demo{name="${name}"}: ${problem.message}`),
              line,
            );
          bindKeys(name, spec.keys, line);
          slide.demos.push(name);
          directive.data = {
            hName: 'figure',
            // Checked and defaulted here, so the browser trusts them as they are.
            hProperties: { className: ['demo'], dataDemo: name, dataDemoState: 'pending', dataParams: JSON.stringify(params.data) },
            hChildren: [
              { type: 'element', tagName: 'div', properties: { className: ['demo-stage'] }, children: [] },
              { type: 'element', tagName: 'figcaption', properties: { className: ['demo-alt'] }, children: [{ type: 'text', value: alt }] },
              ...Array.from({ length: steps }, (_, i): Element => ({
                type: 'element',
                tagName: 'span',
                properties: { className: ['fragment', 'demo-step'], dataDemoStep: String(i + 1), ariaHidden: 'true' },
                children: [],
              })),
            ],
          };
          return SKIP;
        }
        case 'leafDirective:poll': {
          const poll = parsePoll(toString(directive), attrs, options.demos);
          if (!poll.ok) throw new SlideRenderError(poll.problems, line);
          const { data } = poll;
          bindKeys(POLL_DEMO, options.demos.get(POLL_DEMO)?.keys ?? [], line, `::poll{id="${data.id}"}`);
          slide.demos.push(POLL_DEMO);
          slide.polls.push({ id: data.id, answerFrom: data.answerFrom, line });
          directive.data = {
            hName: 'figure',
            // A demo like any other, so the lifecycle mounts it; data-poll lets a test or the room find one poll.
            hProperties: {
              className: ['demo', 'poll'],
              dataDemo: POLL_DEMO,
              dataDemoState: 'pending',
              dataPoll: data.id,
              dataParams: JSON.stringify(data),
            },
            hChildren: [
              { type: 'element', tagName: 'div', properties: { className: ['demo-stage'] }, children: [] },
              {
                type: 'element',
                tagName: 'figcaption',
                properties: { className: ['demo-alt'] },
                children: [{ type: 'text', value: pollAlternative(data) }],
              },
            ],
          };
          return SKIP;
        }
        case 'leafDirective:label': {
          // A short label above a block, e.g. which language a listing is in.
          const text = toString(directive).trim();
          if (!text) throw new SlideRenderError('::label needs its text in brackets: ::label[Keras (Python)]', line);
          directive.data = { hName: 'p', hProperties: { className: ['label', ...classesOf(attrs)] } };
          directive.children = [{ type: 'text', value: text }] as never;
          return SKIP;
        }
        case 'leafDirective:qr': {
          const url = options.siteUrl;
          if (!url) {
            // No public address at build time: the page draws the code from where it is served (src/deck/qr.ts).
            directive.data = { hName: 'figure', hProperties: { className: ['qr'], dataQrAuto: '' } };
            directive.children = [
              {
                type: 'html',
                value: '<div class="qr-code" role="img" aria-label="QR code of the deck\'s address (drawn when the page loads)"></div>',
              },
              {
                type: 'paragraph',
                data: { hName: 'figcaption' },
                children: [{ type: 'link', url: './', children: [{ type: 'text', value: 'this deck' }] }],
              },
            ] as never;
            return SKIP;
          }
          directive.data = { hName: 'figure', hProperties: { className: ['qr'], dataAddress: url } };
          directive.children = [
            {
              type: 'html',
              value: `<div class="qr-code">${accessibleSvg(renderSVG(url, { border: 2 }), 'qr', `QR code of the deck's address, ${url}`)}</div>`,
            },
            {
              type: 'paragraph',
              data: { hName: 'figcaption' },
              children: [{ type: 'link', url, children: [{ type: 'text', value: url }] }],
            },
          ] as never;
          return SKIP;
        }
        case 'leafDirective:figure': {
          const name = attrs.src;
          if (!name) throw new SlideRenderError('::figure needs a src, the name of an SVG in slides/figures/ without ".svg"', line);
          const svg = options.readFigure(name);
          if (svg === undefined) throw new SlideRenderError(`::figure src="${name}": there is no slides/figures/${name}.svg`, line);
          const alt = toString(directive).trim();
          if (!alt)
            throw new SlideRenderError(
              `::figure{src="${name}"} needs a text alternative in brackets: ::figure[What the figure shows]{src="${name}"}`,
              line,
            );
          const caption = attrs.caption;
          directive.data = {
            hName: 'figure',
            hProperties: { className: ['figure', ...classesOf(attrs)], ...(attrs.id ? { id: attrs.id } : {}) },
          };
          directive.children = [
            { type: 'html', value: accessibleSvg(svg, name, alt) },
            ...(caption
              ? [{ type: 'paragraph', data: { hName: 'figcaption' }, children: [{ type: 'text', value: caption }] } as RootContent]
              : []),
          ] as never;
          return SKIP;
        }
        case 'containerDirective:fragments': {
          for (const child of directive.children) {
            if (child.type === 'list') {
              for (const item of child.children) addClass(item, 'fragment');
            } else {
              addClass(child, 'fragment');
            }
          }
          directive.data = { hName: 'div', hProperties: { className: ['fragments', ...classesOf(attrs)] } };
          return;
        }
        case 'containerDirective:fragment':
        case 'containerDirective:small':
        case 'containerDirective:columns':
        case 'containerDirective:column': {
          directive.data = { hName: 'div', hProperties: { className: [directive.name, ...classesOf(attrs)] } };
          return;
        }
        default:
          throw new SlideRenderError(
            `unknown directive "${directive.type === 'leafDirective' ? '::' : ':::'}${directive.name}"; known: ::slide, ::demo, ::poll, ::figure, ::qr, ::label, :::fragments, :::fragment, :::small, :::columns, :::column, and in notes :::lecturer`,
            line,
          );
      }
    });

    const heading = tree.children.find((node): node is Heading => node.type === 'heading');
    if (heading) {
      slide.title ??= toString(heading).trim();
    } else if (slide.title) {
      // A slide without a visible heading still needs one for screen readers and the overview.
      tree.children.unshift({
        type: 'heading',
        depth: 2,
        data: { hProperties: { className: ['sr-only'] } },
        children: [{ type: 'text', value: slide.title }],
      });
    }
  };
}

/**
 * Speaker directions: what the lecturer does or asks the room to do ("Press V",
 * "ask the room", "pause here"). In the notes they must be marked
 * `:lecturer[…]` (or `:::lecturer` … `:::`), so that the reader's edition can
 * leave them out of its prose (slides/README.md). Each pattern is a phrase no
 * reader's sentence needs; the message quotes what was found.
 */
export const DIRECTIONS: readonly RegExp[] = [
  /\bpress(?:es|ing)?\s+(?:[A-Z0-9?.](?![\w'’-])|space\b|escape\b|esc\b|shift\b|alt\b|(?:the\s+)?(?:arrow|right|left|down|up|[A-Z])\s+key)/i,
  /\b(?:ask|tell|invite|poll)\s+(?:the\s+)?(?:room|audience|class|students|everyone|everybody|people)\b/i,
  /\bpause\s+(?:here|briefly|for)\b/i,
  /\bclick\s+(?:through|once|again|to\s+(?:show|reveal|bring|highlight|advance))\b/i,
  /\b(?:show|raise)\s+of\s+hands\b|\bhands\s+up\b/i,
  /\bgive\s+the\s+room\b/i,
];

/** Fails on a speaker direction in the notes that is not marked as the lecturer's, with its line and the phrase. */
function checkDirections(tree: MdastRoot): void {
  const found: { line: number | undefined; phrase: string }[] = [];
  visit(tree, (node) => {
    if ((node.type === 'textDirective' || node.type === 'containerDirective') && (node as Directive).name === 'lecturer') return SKIP;
    if (node.type !== 'text') return;
    for (const pattern of DIRECTIONS) {
      const match = pattern.exec(node.value);
      if (match) found.push({ line: node.position?.start.line, phrase: match[0] });
    }
    return;
  });
  const first = found[0];
  if (first)
    throw new SlideRenderError(
      found
        .filter((f) => f.line === first.line)
        .map(
          (f) =>
            `the notes say "${f.phrase}", a direction for the lecturer; mark it as theirs, :lecturer[${f.phrase} …], so that the reader's edition leaves it out (or gives the reader's version: :lecturer[…]{reader="…"})`,
        ),
      first.line,
    );
}

/**
 * The reader's version of the same HTML (RenderedSlide.readerHtml): each
 * lecturer's direction replaced by its reader="…" text (as
 * `<span class="for-reader">`) or left out, and a paragraph left empty by
 * that left out too.
 */
function rehypeReaderVersion() {
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

function classesOf(attrs: Record<string, string | null | undefined>): string[] {
  return attrs.class ? attrs.class.split(/\s+/).filter(Boolean) : [];
}

function addClass(node: { data?: { hProperties?: Record<string, unknown> } }, className: string): void {
  node.data ??= {};
  node.data.hProperties ??= {};
  const existing = node.data.hProperties.className;
  node.data.hProperties.className = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), className];
}

/**
 * Minifies a figure's SVG, makes its ids unique to the figure (several figures
 * share one page) and gives it an accessible name.
 */
function accessibleSvg(svg: string, name: string, alt: string): string {
  const { data } = optimizeFigure(svg, name);
  const escaped = alt.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return data.replace(/^<svg\b/, `<svg role="img" aria-label="${escaped}" focusable="false"`);
}

function optimizeFigure(svg: string, name: string): ReturnType<typeof optimize> {
  try {
    return optimizeSvg(svg, name);
  } catch (error) {
    // A figure that does not parse is the author's mistake, not ours: say which file.
    throw new SlideRenderError(
      `slides/figures/${name}.svg is not valid SVG: ${(error as Error).message.split('\n')[0]}; open it in an editor and fix or re-export it`,
      undefined,
    );
  }
}

function optimizeSvg(svg: string, name: string): ReturnType<typeof optimize> {
  return optimize(svg, {
    multipass: true,
    plugins: ['preset-default', { name: 'prefixIds', params: { prefix: `fig-${name}` } }, 'removeTitle', 'removeDimensions'],
  });
}

/** A code block that scrolls must be reachable by keyboard, to scroll it without a mouse. */
function rehypeFocusableCode() {
  return (tree: HastRoot) => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName !== 'pre') return;
      // Shiki may already have written it, as a lower-case property: one attribute, not two.
      delete node.properties.tabindex;
      node.properties.tabIndex = 0;
    });
  };
}

/** Code blocks must name a language we highlight, so a typo is caught, not shown as plain text. */
function rehypeCheckCode() {
  return (tree: HastRoot) => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName !== 'code') return;
      const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : [];
      const language = classes.find((c) => c.startsWith('language-'))?.slice('language-'.length);
      if (language && language !== 'math' && !CODE_LANGUAGES.includes(language)) {
        throw new SlideRenderError(
          `code block language "${language}" is not highlighted; use one of ${CODE_LANGUAGES.join(', ')}`,
          node.position?.start.line,
        );
      }
    });
  };
}

/**
 * Checks every formula with KaTeX before it is rendered, because only here,
 * in the Markdown tree, does a formula still know the lines it spans:
 * rehype-katex would report a display formula at the slide's first line.
 */
function remarkCheckMath() {
  return (tree: MdastRoot) => {
    visit(tree, (node) => {
      if (node.type !== 'math' && node.type !== 'inlineMath') return;
      const display = node.type === 'math';
      try {
        // Warnings (strict mode) are rehype-katex's to give; only errors stop the build.
        katex.renderToString(node.value, { displayMode: display, throwOnError: true, output: 'mathml', strict: 'ignore' });
      } catch (error) {
        if (!(error instanceof katex.ParseError)) throw error;
        const start = node.position?.start.line;
        // A display formula's TeX starts on the line after its opening `$$`.
        const first = start === undefined ? undefined : display ? start + 1 : start;
        const before = node.value.slice(0, error.position ?? 0);
        const line = first === undefined ? undefined : first + (before.match(/\n/g)?.length ?? 0);
        throw new SlideRenderError(
          `KaTeX cannot render this math: ${error.rawMessage} in ${display ? '$$…$$' : '$…$'} "${excerpt(node.value, error.position)}"; correct the TeX (what KaTeX supports: https://katex.org/docs/supported.html)`,
          line,
        );
      }
    });
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

const REMOTE = /^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i;

/**
 * Attributes whose URL the browser fetches, or goes to, without anyone
 * following a link: hast's property name, then the name an author writes.
 */
const URL_ATTRIBUTES: Readonly<Record<string, string>> = {
  src: 'src',
  poster: 'poster',
  data: 'data',
  background: 'background',
  href: 'href',
  xLinkHref: 'xlink:href',
  action: 'action',
  formAction: 'formaction',
  codeBase: 'codebase',
  manifest: 'manifest',
};

/** Attributes holding comma-separated `url width` candidates. */
const SRCSET_ATTRIBUTES: Readonly<Record<string, string>> = { srcSet: 'srcset', imageSrcSet: 'imagesrcset' };

/** Attributes whose value is CSS, where `url(…)` is fetched: `style` and SVG's presentation attributes. */
const CSS_ATTRIBUTES: Readonly<Record<string, string>> = {
  style: 'style',
  fill: 'fill',
  stroke: 'stroke',
  filter: 'filter',
  mask: 'mask',
  clipPath: 'clip-path',
  markerStart: 'marker-start',
  markerMid: 'marker-mid',
  markerEnd: 'marker-end',
  cursor: 'cursor',
};

/** Elements whose href is a link: nothing is fetched until someone follows it. */
const LINK_ELEMENTS = new Set(['a', 'area']);

/** Attributes that navigate or submit rather than load. */
const NAVIGATING = new Set(['action', 'formAction']);

/**
 * Refuses anything that a browser would fetch from another origin: the deck
 * must work offline and must not leak its audience to third parties. Links
 * (`<a href>`) are fine: nothing is fetched until someone follows them.
 */
function rehypeSameOrigin() {
  return (tree: HastRoot) => {
    visit(tree, 'element', (node: Element) => {
      const line = node.position?.start.line;
      const refuse = (what: string, url: string, navigates = false, at = line): never => {
        throw new SlideRenderError(
          navigates
            ? `${what} would go to ${url}, on another origin, without anyone following a link; link to it with <a href="${url}"> instead`
            : `${what} would load ${url} from another origin; save the file under public/ (or draw it in slides/figures/) and refer to it by path, or link to it with <a href>`,
          at,
        );
      };

      for (const [property, value] of Object.entries(node.properties)) {
        if (value == null || value === false) continue;
        const attribute = URL_ATTRIBUTES[property];
        if (attribute && !((property === 'href' || property === 'xLinkHref') && LINK_ELEMENTS.has(node.tagName))) {
          const url = String(value);
          if (REMOTE.test(url)) refuse(`<${node.tagName} ${attribute}>`, url.trim(), NAVIGATING.has(property));
        }
        const srcset = SRCSET_ATTRIBUTES[property];
        if (srcset) {
          const candidates = Array.isArray(value) ? value.map(String) : String(value).split(',');
          const url = candidates.map((candidate) => candidate.trim().split(/\s+/)[0] ?? '').find((candidate) => REMOTE.test(candidate));
          if (url) refuse(`<${node.tagName} ${srcset}>`, url);
        }
        const css = CSS_ATTRIBUTES[property];
        if (css && typeof value === 'string') {
          const found = remoteInCss(value);
          if (found) refuse(`<${node.tagName} ${css}> with ${found.via}`, found.url);
        }
      }

      if (
        node.tagName === 'meta' &&
        String(node.properties.httpEquiv ?? '')
          .toLowerCase()
          .includes('refresh')
      ) {
        const url = /url\s*=\s*['"]?([^'"\s;]+)/i.exec(String(node.properties.content ?? ''))?.[1];
        if (url && REMOTE.test(url)) refuse('<meta http-equiv="refresh">', url, true);
      }

      if (node.tagName === 'style') {
        for (const child of node.children) {
          if (child.type !== 'text') continue;
          const found = remoteInCss(child.value);
          const start = child.position?.start.line ?? line;
          if (found)
            refuse(
              `<style> with ${found.via}`,
              found.url,
              false,
              start === undefined ? undefined : start + countLines(child.value.slice(0, found.index)),
            );
        }
      }
    });
  };
}

/** The first URL from another origin that a piece of CSS would fetch, where it is and how it is written. */
function remoteInCss(css: string): { url: string; index: number; via: string } | undefined {
  // Comments fetch nothing; blank them but keep their line breaks, so indices still give lines.
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '));
  const patterns: [RegExp, string][] = [
    [/@import\s+(?:url\(\s*)?(['"]?)([^'"()\s;]+)\1/gi, '@import'],
    [/url\(\s*(['"]?)([^'"()\s]+)\1/gi, 'url()'],
    [/image-set\([^)]*?(['"])([^'"]+)\1/gi, 'image-set()'],
  ];
  let first: { url: string; index: number; via: string } | undefined;
  for (const [pattern, via] of patterns) {
    for (const match of text.matchAll(pattern)) {
      const url = match[2]!;
      if (REMOTE.test(url) && (first === undefined || match.index < first.index)) first = { url, index: match.index, via };
    }
  }
  return first;
}

function countLines(text: string): number {
  return text.match(/\n/g)?.length ?? 0;
}
