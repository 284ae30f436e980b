/**
 * Rendering one slide's Markdown to HTML at build time.
 *
 * Astro 7's default Markdown processor runs no remark or rehype plugins, and
 * slides must be split before they are rendered anyway, so the deck renders
 * slides with its own unified pipeline, wired here from small modules:
 *
 *   remark-parse → remark-gfm (tables) → remark-math ($…$, $$…$$)
 *   → checks/tex → remark-directive → checks/directions (in notes)
 *   → directives/ (::demo, ::poll, ::figure, ::slide, :::fragments, …)
 *   → remark-rehype → rehype-raw (inline HTML and SVG) → rehype-katex
 *   → checks/code → @shikijs/rehype → checks/same-origin
 *   → focusable code → reader.ts (the reader's notes) → rehype-stringify
 *
 * Every check records the mistakes it finds on the slide's vfile and the
 * pipeline runs to the end (problems.ts), so that one build reports every
 * mistake of a slide: unknown demo, a wrong demo parameter, missing figure,
 * broken TeX, a resource from another origin. They are then raised together
 * as one {@link SlideRenderError}, each with its line in the slide, and the
 * caller adds the file.
 */
import rehypeShiki from '@shikijs/rehype';
import rehypeKatex from 'rehype-katex';
import rehypeRaw from 'rehype-raw';
import rehypeStringify from 'rehype-stringify';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified, type Processor } from 'unified';
import { VFile } from 'vfile';
import { rehypeCheckCode, rehypeFocusableCode, SHIKI } from './checks/code.ts';
import { remarkCheckDirections } from './checks/directions.ts';
import { rehypeSameOrigin } from './checks/same-origin.ts';
import { rehypeKatexProblems, remarkCheckMath } from './checks/tex.ts';
import { assertDemoSpec } from './demo-params.ts';
import type { PollReference, RenderOptions, SlideData } from './directives/define.ts';
import { remarkSlideDirectives } from './directives/visit.ts';
import { problemsOf, type RenderProblem } from './problems.ts';
import { rehypeReaderVersion } from './reader.ts';

export type { DemoSpec } from './demo-params.ts';
export type { PollReference, RenderOptions } from './directives/define.ts';
export type { RenderProblem } from './problems.ts';
export { CODE_LANGUAGES } from './checks/code.ts';
export { DIRECTIONS } from './checks/directions.ts';
export { POLL_DEMO } from './poll.ts';

/** The mistakes in one slide (or its notes), each located by its 1-based line within the slide's body, in the order found. */
export class SlideRenderError extends Error {
  readonly problems: readonly RenderProblem[];
  constructor(problems: readonly RenderProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
    this.name = 'SlideRenderError';
    this.problems = problems;
  }
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

/**
 * Creates a renderer. Building the processor loads Shiki's grammars, which
 * takes a moment, so one renderer serves a whole build.
 *
 * @throws {SlideRenderError} from the renderer, with every mistake in the slide.
 */
export function createRenderer(options: RenderOptions): (markdown: string, kind?: 'slide' | 'notes') => Promise<RenderedSlide> {
  for (const [name, spec] of options.demos) assertDemoSpec(name, spec);
  const processor = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkCheckMath)
    .use(remarkDirective)
    .use(remarkCheckDirections)
    .use(remarkSlideDirectives, options)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRaw)
    .use(rehypeKatex, { output: 'htmlAndMathml' })
    .use(rehypeKatexProblems)
    .use(rehypeCheckCode)
    .use(rehypeShiki, SHIKI)
    .use(rehypeSameOrigin)
    .use(rehypeFocusableCode)
    .use(rehypeReaderVersion)
    .use(rehypeStringify) as unknown as Processor;

  return async (markdown, kind = 'slide') => {
    const file = await processor.process(new VFile({ value: markdown, data: { kind } })).catch((error: unknown) => {
      // A parser's message about the Markdown (a VFileMessage, which has a
      // place) is the author's; anything else is a bug here and keeps its stack.
      const place = (error as { place?: { line?: number; start?: { line?: number } } } | null)?.place;
      if (!place) throw error;
      throw new SlideRenderError([{ message: String((error as Error).message ?? error), line: place.line ?? place.start?.line }]);
    });
    const problems = problemsOf(file);
    if (problems.length > 0) throw new SlideRenderError(problems);
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
