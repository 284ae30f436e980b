/**
 * What a slide directive is: the shape every module in this folder declares,
 * and what the visitor (visit.ts) gives a directive while it renders it.
 *
 * A directive is declared once, as data: its name, the kinds of directive it
 * may be written as (`::name`, `:::name`, `:name[…]`), a zod schema of its
 * attributes, a row for slides/README.md, and a renderer. The table of all
 * of them (index.ts) is then the one place that says what a slide may
 * contain: the visitor looks directives up in it, the "known: …" list of an
 * unknown directive and the README's table are written from it.
 */
import { z } from 'astro/zod';
import type { Parent } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import type { VisitorResult } from 'unist-util-visit';
import type { DemoSpec } from '../demo-params.ts';
import type { AnswerSource } from '../poll.ts';

/** What the renderer needs to know about the world outside the slide. */
export interface RenderOptions {
  /** The demos a slide may embed, by name. */
  demos: ReadonlyMap<string, DemoSpec>;
  /** Returns the SVG text of `slides/figures/<name>.svg`, or undefined when there is none. */
  readFigure: (name: string) => string | undefined;
  /** The deck's published address (site and base path), for `::qr`; without it the page draws the code from its own address. */
  siteUrl?: string | undefined;
}

/** A poll as the deck checks it: its id, where its answer comes from, and its line in the slide. */
export interface PollReference {
  id: string;
  answerFrom: AnswerSource | undefined;
  line: number | undefined;
}

/** What the directives of one slide record about it, for the renderer's result. */
export interface SlideData {
  attributes: Record<string, string>;
  title: string | undefined;
  demos: string[];
  polls: PollReference[];
  formerly: string[];
  /** Keys bound by the slide's demos so far (lower-cased), and which demo binds each. */
  keys: Map<string, string>;
}

export type DirectiveNode = ContainerDirective | LeafDirective | TextDirective;

/** `leafDirective` is `::name`, `containerDirective` is `:::name` … `:::`, `textDirective` is `:name[…]`. */
export type DirectiveKind = DirectiveNode['type'];

/** A directive's attributes as remark-directive gives them. */
export type Attributes = Readonly<Record<string, string | null | undefined>>;

/** Every attribute, unchecked: the schema of a directive that checks its attributes itself, or takes any. */
export const ANY_ATTRIBUTES = z.record(z.string(), z.string().nullish());

/** Where a directive reports a mistake: at its own line, or (for a mistake in a file it reads) at the slide's. */
export type Where = 'directive' | 'slide';

/** What a directive's renderer may read and do. */
export interface DirectiveContext {
  readonly options: RenderOptions;
  readonly slide: SlideData;
  /** Whether this is the slide's speaker notes rather than the slide itself. */
  readonly notes: boolean;
  /** The directive's place among its siblings, for a directive that removes itself. */
  readonly parent: Parent | undefined;
  readonly index: number | undefined;
  /** Records one mistake or several, and leaves the directive unrendered: returns the visitor's SKIP. */
  fail(message: string | readonly string[], where?: Where): VisitorResult;
  /**
   * Claims keys for a demo on this slide (keys are global while a slide is on
   * screen); false, with the mistake recorded, when another demo already has one.
   */
  bindKeys(name: string, keys: readonly string[], written?: string): boolean;
}

/** One directive, declared. */
export interface Directive<Output = unknown> {
  /** As written after the colons: `demo` in `::demo{…}`. */
  name: string;
  /** The kinds it may be written as; another kind is an unknown directive (or, inline, plain text). */
  kinds: readonly DirectiveKind[];
  /** The schema of its {@link Attributes}: each issue's message is a sentence for the author. */
  attributes: z.ZodType<Output>;
  /** Set for a directive that belongs in the speaker notes only: the message when it is used on a slide. */
  notesOnly?: string;
  /** Its row in slides/README.md's table: how to write it, and what it gives. */
  readme: { write: string; get: string };
  /** Turns the directive into HTML (through `data.hName`) and records what the slide needs to know. */
  render(node: DirectiveNode, attributes: Output, context: DirectiveContext): VisitorResult;
}

/** Declares a directive; the table holds them without their attribute types. */
export function defineDirective<Output>(directive: Directive<Output>): Directive {
  return directive as unknown as Directive;
}

/** The classes given with `.name` in a directive's attributes. */
export function classesOf(className: string | null | undefined): string[] {
  return className ? className.split(/\s+/).filter(Boolean) : [];
}

/** Adds a class to the element an mdast node becomes. */
export function addClass(node: { data?: { hProperties?: Record<string, unknown> } }, className: string): void {
  node.data ??= {};
  node.data.hProperties ??= {};
  const existing = node.data.hProperties.className;
  node.data.hProperties.className = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), className];
}

/** The schema of a directive that takes only classes (`.name`); other attributes are ignored, as they always were. */
export const CLASS_ONLY = z.looseObject({
  /** Classes for the element, written `.name`. */
  class: z.string().nullish(),
});
