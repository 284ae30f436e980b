/**
 * From the files in `slides/` to the deck: read frontmatter, split, render,
 * give every slide a stable id, and check the whole deck.
 *
 * No file system here: the Astro loader reads the files and passes their text
 * in, so this is tested directly with fixtures in tests/unit/deck.test.ts.
 */
import { slug } from 'github-slugger';
import { SlideError, type SlideProblem } from './errors.ts';
import { parseFile, type SourceFile } from './parse-file.ts';
import { createRenderer, SlideRenderError, type PollReference, type RenderOptions } from './render.ts';
import type { SlideFileData } from './schema.ts';

export { parseFile, type SourceFile } from './parse-file.ts';

/** One slide, ready to become a `<section>`. */
export interface Slide {
  /** Stable id: the `#/<id>` of its deep link. */
  id: string;
  title: string;
  html: string;
  notes: string;
  /** The notes as the reader's edition prints them: without the lecturer's directions. */
  readerNotes: string;
  /** Ids this slide had before (`::slide{formerly="…"}`): a link to one of them opens this slide. */
  formerly: string[];
  /** Extra attributes for the `<section>` (class and data-…). */
  attributes: Record<string, string>;
  demos: string[];
  /** Where the slide is written, e.g. `slides/02-context.md:14`. */
  source: string;
}

export interface Stack {
  slides: Slide[];
}

/** One file of the lecture. */
export interface Part extends SlideFileData {
  /** The file name without extension, e.g. `02-context`. */
  id: string;
  file: string;
  stacks: Stack[];
}

/** Ids are used in URLs and as HTML ids, so they are kept plain. */
export const SLIDE_ID = /^[a-z][a-z0-9-]*$/;

/** Sorts by file name, the documented order of the deck. */
export function compareFiles(a: { path: string }, b: { path: string }): number {
  const an = a.path.split('/').pop()!;
  const bn = b.path.split('/').pop()!;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/**
 * Builds the deck from slide sources.
 *
 * Every file and every slide is read to the end, so that the build reports
 * all the mistakes in the slides at once, each at its file and line (in the
 * order of the files, and in a file by line); the checks of the whole deck
 * (polls, former ids) run once the slides themselves are right.
 *
 * @throws {SlideError} for the mistakes in the slides: its message is one
 *   `file:line: what is wrong and what to do` per mistake, and it has no stack trace.
 */
export async function buildDeck(files: SourceFile[], options: RenderOptions): Promise<Part[]> {
  const render = createRenderer(options);
  const parts: Part[] = [];
  const problems: SlideProblem[] = [];
  const seen = new Map<string, string>();
  const polls: (PollReference & { file: string; at: number })[] = [];
  const embedded = new Set<string>();
  const formerly: { old: string; id: string; where: string }[] = [];

  for (const file of [...files].sort(compareFiles)) {
    const parsed = readFile(file, problems);
    if (!parsed || parsed.data.draft) continue;
    const part: Part = { ...parsed.data, id: fileId(file.path), file: file.path, stacks: [] };
    const found: SlideProblem[] = [];

    for (const stack of parsed.stacks) {
      const slides: Slide[] = [];
      for (const raw of stack.slides) {
        const where = `${file.path}:${raw.line}`;
        const fail = (message: string) => found.push({ file: file.path, line: raw.line, message });
        const body = await render(raw.body).catch(located(file.path, raw.line, found));
        const notes = raw.notes ? await render(raw.notes, 'notes').catch(located(file.path, raw.notesLine ?? raw.line, found)) : undefined;
        if (!body || (raw.notes && !notes)) continue;
        if (!body.title) {
          fail('this slide has no title; start it with a heading such as "## What a tensor is", or give one with ::slide{title="…"}');
          continue;
        }
        const { id: explicitId, ...attributes } = body.attributes;
        const id = explicitId ?? slug(body.title).replace(/^[^a-z]+/, '');
        if (!SLIDE_ID.test(id)) {
          fail(
            `the slide id "${id}" is not usable in a link; ids are lower-case letters, digits and dashes and start with a letter. Set one with ::slide{#my-id}`,
          );
          continue;
        }
        const previous = seen.get(id);
        if (previous) {
          fail(`the slide id "${id}" is already used by the slide at ${previous}; give one of them its own id with ::slide{#another-id}`);
          continue;
        }
        seen.set(id, where);
        for (const name of body.demos) embedded.add(name);
        for (const poll of body.polls) polls.push({ ...poll, file: file.path, at: raw.line + (poll.line ?? 1) - 1 });
        for (const old of body.formerly) {
          if (SLIDE_ID.test(old)) formerly.push({ old, id, where });
          else fail(`formerly="${body.formerly.join(' ')}": "${old}" is not a slide id (lower-case letters, digits and dashes)`);
        }
        slides.push({
          id,
          title: body.title,
          html: body.html,
          notes: notes?.html ?? '',
          readerNotes: notes?.readerHtml ?? '',
          formerly: body.formerly,
          attributes,
          demos: body.demos,
          source: where,
        });
      }
      part.stacks.push({ slides });
    }
    // Problems in one file by line: a slide's notes come after its body, the next slide after both.
    problems.push(...found.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
    if (part.stacks.length === 0)
      problems.push({ file: file.path, message: 'the file has no slides; write at least one, or set "draft: true"' });
    parts.push(part);
  }
  if (problems.length > 0) throw new SlideError(problems);
  if (parts.length === 0)
    throw new SlideError({ file: 'slides/', message: 'there are no slides; add a Markdown file such as slides/01-title.md' });
  checkPolls(polls, embedded);
  checkFormerly(formerly, seen);
  return parts;
}

/** Reads a file's frontmatter and slides, or records its mistakes and returns undefined. */
function readFile(file: SourceFile, problems: SlideProblem[]): ReturnType<typeof parseFile> | undefined {
  try {
    return parseFile(file);
  } catch (error) {
    if (!(error instanceof SlideError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * What a poll needs from the whole deck: its id used once (phones vote by
 * id), and the demo its answer comes from embedded on some slide (the page
 * reads the answer from that figure).
 *
 * @throws {SlideError} with one problem per mistake, at the poll's line.
 */
function checkPolls(polls: readonly (PollReference & { file: string; at: number })[], embedded: ReadonlySet<string>): void {
  const problems: SlideProblem[] = [];
  const first = new Map<string, string>();
  for (const poll of polls) {
    const name = `::poll{id="${poll.id}"}`;
    const previous = first.get(poll.id);
    if (previous)
      problems.push({
        file: poll.file,
        line: poll.at,
        message: `the poll id "${poll.id}" is already used by the poll at ${previous}; give each poll its own id`,
      });
    else first.set(poll.id, `${poll.file}:${poll.at}`);
    const demo = poll.answerFrom?.demo;
    if (demo !== undefined && !embedded.has(demo))
      problems.push({
        file: poll.file,
        line: poll.at,
        message: `${name}: answer-from reads the demo "${demo}", which no slide of the deck embeds; embed it with ::demo{name="${demo}"}, or take the answer from a demo that is shown`,
      });
  }
  if (problems.length > 0) throw new SlideError(problems);
}

/**
 * A former id leads to one slide only, and never to a slide other than the
 * one that has it now: `formerly` names ids no slide uses, each once.
 *
 * @throws {SlideError} with one problem per mistake, at the slide's line.
 */
function checkFormerly(formerly: readonly { old: string; id: string; where: string }[], current: ReadonlyMap<string, string>): void {
  const problems: SlideProblem[] = [];
  const first = new Map<string, string>();
  for (const { old, id, where } of formerly) {
    const [file, line] = [where.slice(0, where.lastIndexOf(':')), Number(where.slice(where.lastIndexOf(':') + 1))];
    const now = current.get(old);
    const earlier = first.get(old);
    if (now)
      problems.push({
        file,
        line,
        message: `formerly="${old}": "${old}" is the id of the slide at ${now}; a former id must be one no slide has now`,
      });
    else if (earlier)
      problems.push({
        file,
        line,
        message: `formerly="${old}": the slide at ${earlier} already names "${old}" as its former id; a link can lead to one slide only`,
      });
    else first.set(old, `${where} (#${id})`);
  }
  if (problems.length > 0) throw new SlideError(problems);
}

/**
 * Records the mistakes of one slide (or its notes) that failed to render, at
 * their lines in the file; the renderer's lines count from `firstLine`.
 */
function located(path: string, firstLine: number, problems: SlideProblem[]) {
  return (error: unknown): undefined => {
    if (error instanceof SlideRenderError) {
      for (const { line, message } of error.problems)
        problems.push({ file: path, line: line === undefined ? firstLine : firstLine + line - 1, message });
      return undefined;
    }
    // Not the author's mistake but a bug in src/: say which slide triggered it,
    // and keep the original error, whose stack Astro prints as the cause.
    const reason = error instanceof Error ? error.message : String(error);
    throw new SlideError({ file: path, line: firstLine, message: `building this slide failed unexpectedly: ${reason}` }, { cause: error });
  };
}

/** `slides/02-context.md` → `02-context`. */
export function fileId(path: string): string {
  return path
    .split('/')
    .pop()!
    .replace(/\.mdx?$/, '');
}
