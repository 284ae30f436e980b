/**
 * Rendering one slide's Markdown to HTML at build time.
 *
 * Astro 7's default Markdown processor runs no remark or rehype plugins, and
 * slides must be split before they are rendered anyway, so the deck renders
 * slides with its own unified pipeline:
 *
 *   remark-parse → remark-gfm (tables) → remark-math ($…$, $$…$$)
 *   → remark-directive (::demo, ::figure, ::slide, :::fragments, :::columns)
 *   → remark-rehype → rehype-raw (inline HTML and SVG) → rehype-katex
 *   → @shikijs/rehype (code) → our checks → rehype-stringify
 *
 * Everything that can be wrong in a slide (unknown demo, missing figure,
 * broken TeX, a resource from another origin, no title) is raised here as a
 * {@link SlideRenderError} with a line number, and the caller adds the file.
 */
import rehypeShiki, { type RehypeShikiOptions } from '@shikijs/rehype';
import type { Element, Root as HastRoot } from 'hast';
import type { Heading, Root as MdastRoot, RootContent } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
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
import type { VFile } from 'vfile';

/** A mistake in a slide, located by its 1-based line within the slide's body. */
export class SlideRenderError extends Error {
  readonly line: number | undefined;
  constructor(message: string, line: number | undefined) {
    super(message);
    this.name = 'SlideRenderError';
    this.line = line;
  }
}

/** What the renderer needs to know about the world outside the slide. */
export interface RenderOptions {
  /** The names that `::demo{name="…"}` may use. */
  demoNames: readonly string[];
  /** Returns the SVG text of `slides/figures/<name>.svg`, or undefined when there is none. */
  readFigure: (name: string) => string | undefined;
  /** The deck's published address (site and base path), for `::qr`. */
  siteUrl?: string;
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
}

interface SlideData {
  attributes: Record<string, string>;
  title: string | undefined;
  demos: string[];
}

const SHIKI_LANGS = ['python', 'typescript', 'javascript', 'bash', 'shell', 'json', 'yaml', 'markdown'] as const;

const SHIKI: RehypeShikiOptions = {
  // The high-contrast variant: every token meets WCAG AA on the white code background.
  theme: 'github-light-high-contrast',
  langs: [...SHIKI_LANGS],
  langAlias: { py: 'python', ts: 'typescript', js: 'javascript', sh: 'bash', md: 'markdown', yml: 'yaml', plaintext: 'text', txt: 'text' },
};

/** Languages a code block may name; anything else fails with a list of these. */
export const CODE_LANGUAGES: readonly string[] = [...SHIKI_LANGS, 'text', 'py', 'ts', 'js', 'sh', 'md', 'yml', 'plaintext', 'txt'];

/**
 * Creates a renderer. Building the processor loads Shiki's grammars, which
 * takes a moment, so one renderer serves a whole build.
 */
export function createRenderer(options: RenderOptions): (markdown: string) => Promise<RenderedSlide> {
  const processor = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkDirective)
    .use(remarkSlideDirectives, options)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRaw)
    .use(rehypeKatex, { output: 'htmlAndMathml' })
    .use(rehypeCheckCode)
    .use(rehypeShiki, SHIKI)
    .use(rehypeSameOrigin)
    .use(rehypeFocusableCode)
    .use(rehypeStringify) as unknown as Processor;

  return async (markdown) => {
    const file = await processor.process(markdown).catch((error: unknown) => {
      if (error instanceof SlideRenderError) throw error;
      const place = (error as { place?: { line?: number }; line?: number }).place;
      throw new SlideRenderError(String((error as Error).message ?? error), place?.line);
    });
    const mathError = file.messages.find((message) => message.source === 'rehype-katex');
    if (mathError) {
      const cause = mathError.cause instanceof Error ? mathError.cause.message : mathError.reason;
      throw new SlideRenderError(`KaTeX cannot render this math: ${cause}`, mathError.line ?? undefined);
    }
    const data = file.data as { slide?: SlideData };
    return {
      html: String(file),
      title: data.slide?.title,
      attributes: data.slide?.attributes ?? {},
      demos: data.slide?.demos ?? [],
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
    const slide: SlideData = { attributes: {}, title: undefined, demos: [] };
    file.data = { ...file.data, slide };

    visit(tree, (node, index, parent) => {
      if (node.type !== 'containerDirective' && node.type !== 'leafDirective' && node.type !== 'textDirective') return;
      const directive = node as Directive;
      const line = directive.position?.start.line;
      const attrs = directive.attributes ?? {};

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
            else if (key === 'id' || key === 'class' || key.startsWith('data-')) slide.attributes[key] = value;
            else throw new SlideRenderError(`::slide does not take "${key}"; it takes #id, .class, title="…" and data-… attributes`, line);
          }
          if (parent && index !== undefined) parent.children.splice(index, 1);
          return [SKIP, index];
        }
        case 'leafDirective:demo': {
          const name = attrs.name;
          if (!name) throw new SlideRenderError('::demo needs a name, e.g. ::demo[What it shows]{name="gradient-descent-1d"}', line);
          if (!options.demoNames.includes(name)) {
            throw new SlideRenderError(`there is no demo "${name}"; known demos: ${options.demoNames.join(', ') || '(none)'}`, line);
          }
          const alt = toString(directive).trim();
          if (!alt) throw new SlideRenderError(`::demo{name="${name}"} needs a text alternative in brackets: ::demo[What the figure shows]{name="${name}"}`, line);
          const steps = attrs.steps === undefined ? 0 : Number(attrs.steps);
          if (!Number.isInteger(steps) || steps < 0 || steps > 50) throw new SlideRenderError(`::demo steps must be a whole number from 0 to 50, not "${attrs.steps}"`, line);
          const params: Record<string, string> = {};
          for (const [key, value] of Object.entries(attrs)) {
            if (key === 'name' || key === 'steps' || value == null) continue;
            if (!/^[a-z][a-z0-9-]*$/.test(key)) throw new SlideRenderError(`::demo attribute "${key}" must be lower-case letters, digits and dashes`, line);
            params[`data-${key}`] = value;
          }
          slide.demos.push(name);
          directive.data = {
            hName: 'figure',
            hProperties: { className: ['demo'], dataDemo: name, dataDemoState: 'pending', ...params },
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
        case 'leafDirective:qr': {
          const url = options.siteUrl;
          if (!url) throw new SlideRenderError('::qr needs the site address; set SITE_URL (and BASE_PATH) when building', line);
          directive.data = { hName: 'figure', hProperties: { className: ['qr'] } };
          directive.children = [
            { type: 'html', value: accessibleSvg(renderSVG(url, { border: 2 }), 'qr', `QR code of the deck's address, ${url}`) },
            { type: 'paragraph', data: { hName: 'figcaption' }, children: [{ type: 'link', url, children: [{ type: 'text', value: url }] }] },
          ] as never;
          return SKIP;
        }
        case 'leafDirective:figure': {
          const name = attrs.src;
          if (!name) throw new SlideRenderError('::figure needs a src, the name of an SVG in slides/figures/ without ".svg"', line);
          const svg = options.readFigure(name);
          if (svg === undefined) throw new SlideRenderError(`::figure src="${name}": there is no slides/figures/${name}.svg`, line);
          const alt = toString(directive).trim();
          if (!alt) throw new SlideRenderError(`::figure{src="${name}"} needs a text alternative in brackets: ::figure[What the figure shows]{src="${name}"}`, line);
          const caption = attrs.caption;
          directive.data = {
            hName: 'figure',
            hProperties: { className: ['figure', ...classesOf(attrs)], ...(attrs.id ? { id: attrs.id } : {}) },
          };
          directive.children = [
            { type: 'html', value: accessibleSvg(svg, name, alt) },
            ...(caption ? [{ type: 'paragraph', data: { hName: 'figcaption' }, children: [{ type: 'text', value: caption }] } as RootContent] : []),
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
            `unknown directive "${directive.type === 'leafDirective' ? '::' : ':::'}${directive.name}"; known: ::slide, ::demo, ::figure, ::qr, :::fragments, :::fragment, :::small, :::columns, :::column`,
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
  const { data } = optimize(svg, {
    multipass: true,
    plugins: [
      'preset-default',
      { name: 'prefixIds', params: { prefix: `fig-${name}` } },
      'removeTitle',
      'removeDimensions',
    ],
  });
  const escaped = alt.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return data.replace(/^<svg\b/, `<svg role="img" aria-label="${escaped}" focusable="false"`);
}

/** A code block that scrolls must be reachable by keyboard, to scroll it without a mouse. */
function rehypeFocusableCode() {
  return (tree: HastRoot) => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName === 'pre') node.properties.tabIndex = 0;
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
        throw new SlideRenderError(`code block language "${language}" is not highlighted; use one of ${CODE_LANGUAGES.join(', ')}`, node.position?.start.line);
      }
    });
  };
}

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i;
const RESOURCE_ATTRIBUTES = ['src', 'srcSet', 'poster', 'data', 'background', 'xLinkHref'];

/**
 * Refuses anything that a browser would fetch from another origin: the deck
 * must work offline and must not leak its audience to third parties. Links
 * (`<a href>`) are fine: nothing is fetched until someone follows them.
 */
function rehypeSameOrigin() {
  return (tree: HastRoot) => {
    visit(tree, 'element', (node: Element) => {
      const attributes = [...RESOURCE_ATTRIBUTES, ...(node.tagName === 'a' ? [] : ['href'])];
      for (const attribute of attributes) {
        const value = node.properties[attribute];
        const urls = typeof value === 'string' ? value.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '') : [];
        const remote = urls.find((url) => REMOTE.test(url));
        if (remote) {
          throw new SlideRenderError(
            `<${node.tagName}> would load ${remote} from another origin; save the file under public/ (or draw it in slides/figures/) and refer to it by path`,
            node.position?.start.line,
          );
        }
      }
      const style = node.properties.style;
      if (typeof style === 'string' && /url\(\s*['"]?(?:[a-z]+:)?\/\//i.test(style)) {
        throw new SlideRenderError(`<${node.tagName} style> would load a resource from another origin; use a file under public/`, node.position?.start.line);
      }
    });
  };
}
