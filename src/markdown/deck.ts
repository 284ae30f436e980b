/**
 * From the files in `slides/` to the deck: read frontmatter, split, render,
 * give every slide a stable id, and check the whole deck.
 *
 * No file system here: the Astro loader reads the files and passes their text
 * in, so this is tested directly with fixtures in tests/unit/deck.test.ts.
 */
import { slug } from 'github-slugger';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { SlideError, type SlideProblem } from './errors.ts';
import { createRenderer, SlideRenderError, type PollReference, type RenderOptions } from './render.ts';
import { parseFrontmatter, type SlideFileData } from './schema.ts';
import { extractFrontmatter, splitSlides, SlideSyntaxError } from './split.ts';

/** A slide source as read from disk. */
export interface SourceFile {
  /** Path from the project root, e.g. `slides/02-context.md`; also decides the order. */
  path: string;
  source: string;
}

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
 * @throws {SlideError} for a mistake in the slides: its message is
 *   `file:line: what is wrong and what to do`, and it has no stack trace.
 */
export async function buildDeck(files: SourceFile[], options: RenderOptions): Promise<Part[]> {
  const render = createRenderer(options);
  const parts: Part[] = [];
  const seen = new Map<string, string>();
  const polls: (PollReference & { file: string; at: number })[] = [];
  const embedded = new Set<string>();
  const formerly: { old: string; id: string; where: string }[] = [];

  for (const file of [...files].sort(compareFiles)) {
    const { data, stacks } = parseFile(file);
    if (data.draft) continue;
    const part: Part = { ...data, id: fileId(file.path), file: file.path, stacks: [] };

    for (const stack of stacks) {
      const slides: Slide[] = [];
      for (const raw of stack.slides) {
        const where = `${file.path}:${raw.line}`;
        const body = await render(raw.body).catch(located(file.path, raw.line));
        const notes = raw.notes ? await render(raw.notes, 'notes').catch(located(file.path, raw.notesLine ?? raw.line)) : undefined;
        const at = (message: string) => new SlideError({ file: file.path, line: raw.line, message });
        if (!body.title) {
          throw at('this slide has no title; start it with a heading such as "## What a tensor is", or give one with ::slide{title="…"}');
        }
        const { id: explicitId, ...attributes } = body.attributes;
        const id = explicitId ?? slug(body.title).replace(/^[^a-z]+/, '');
        if (!SLIDE_ID.test(id)) {
          throw at(
            `the slide id "${id}" is not usable in a link; ids are lower-case letters, digits and dashes and start with a letter. Set one with ::slide{#my-id}`,
          );
        }
        const previous = seen.get(id);
        if (previous) {
          throw at(
            `the slide id "${id}" is already used by the slide at ${previous}; give one of them its own id with ::slide{#another-id}`,
          );
        }
        seen.set(id, where);
        for (const name of body.demos) embedded.add(name);
        for (const poll of body.polls) polls.push({ ...poll, file: file.path, at: raw.line + (poll.line ?? 1) - 1 });
        for (const old of body.formerly) {
          if (!SLIDE_ID.test(old))
            throw at(`formerly="${body.formerly.join(' ')}": "${old}" is not a slide id (lower-case letters, digits and dashes)`);
          formerly.push({ old, id, where });
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
    if (part.stacks.length === 0)
      throw new SlideError({ file: file.path, message: 'the file has no slides; write at least one, or set "draft: true"' });
    parts.push(part);
  }
  if (parts.length === 0)
    throw new SlideError({ file: 'slides/', message: 'there are no slides; add a Markdown file such as slides/01-title.md' });
  checkPolls(polls, embedded);
  checkFormerly(formerly, seen);
  return parts;
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
 * Reads the frontmatter and splits the body.
 *
 * @throws {SlideError} naming the file and the line: of the YAML mistake, of
 *   the wrong field, or of the separator or fence that is wrong.
 */
export function parseFile(file: SourceFile) {
  try {
    const { yaml, body, bodyLine } = extractFrontmatter(file.source);
    const data = parseFrontmatterYaml(yaml, file.path);
    return { data, stacks: splitSlides(body, bodyLine) };
  } catch (error) {
    if (error instanceof SlideSyntaxError) throw new SlideError({ file: file.path, line: error.line, message: error.message });
    throw error;
  }
}

/** The YAML starts on the file's second line, after the opening `---`. */
const YAML_FIRST_LINE = 2;

function parseFrontmatterYaml(yaml: string, path: string): SlideFileData {
  const lineCounter = new LineCounter();
  const document = parseDocument(yaml, { lineCounter });
  const [yamlError] = document.errors;
  if (yamlError) {
    const line = (yamlError.linePos?.[0].line ?? 1) + YAML_FIRST_LINE - 1;
    // yaml's own "at line 2, column 12" counts from the frontmatter, not the file: leave it out.
    const reason = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new SlideError({ file: path, line, message: `the frontmatter is not valid YAML: ${reason}; write one "field: value" a line` });
  }
  const raw: unknown = yaml.trim() === '' ? {} : document.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SlideError({
      file: path,
      line: YAML_FIRST_LINE,
      message: `the frontmatter must be fields such as "title: Context", not ${Array.isArray(raw) ? 'a list' : raw === null ? 'nothing' : `a ${typeof raw}`}`,
    });
  }
  const lineOf = (field: string): number | undefined => {
    if (!isMap(document.contents)) return undefined;
    const pair = document.contents.items.find((item) => isScalar(item.key) && String(item.key.value) === field.split('.')[0]);
    const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    return offset === undefined ? undefined : lineCounter.linePos(offset).line + YAML_FIRST_LINE - 1;
  };
  return parseFrontmatter(raw as Record<string, unknown>, path, lineOf);
}

/** Turns an error from rendering one slide (or its notes) into one that names the file and the line. */
function located(path: string, firstLine: number) {
  return (error: unknown): never => {
    if (error instanceof SlideRenderError) {
      const line = error.line === undefined ? firstLine : firstLine + error.line - 1;
      throw new SlideError(error.messages.map((message) => ({ file: path, line, message })));
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
