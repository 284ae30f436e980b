/**
 * From the files in `slides/` to the deck: read frontmatter, split, render,
 * give every slide a stable id, and check the whole deck.
 *
 * No file system here: the Astro loader reads the files and passes their text
 * in, so this is tested directly with fixtures in tests/unit/deck.test.ts.
 */
import { slug } from 'github-slugger';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { createRenderer, SlideRenderError, type RenderOptions } from './render.ts';
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
 * @throws {Error} whose message starts with `file:line:` and says what to change.
 */
export async function buildDeck(files: SourceFile[], options: RenderOptions): Promise<Part[]> {
  const render = createRenderer(options);
  const parts: Part[] = [];
  const seen = new Map<string, string>();

  for (const file of [...files].sort(compareFiles)) {
    const { data, stacks } = parseFile(file);
    if (data.draft) continue;
    const part: Part = { ...data, id: fileId(file.path), file: file.path, stacks: [] };

    for (const stack of stacks) {
      const slides: Slide[] = [];
      for (const raw of stack.slides) {
        const where = `${file.path}:${raw.line}`;
        const body = await render(raw.body).catch(located(file.path, raw.line));
        const notes = raw.notes ? await render(raw.notes).catch(located(file.path, raw.line)) : undefined;
        if (!body.title) {
          throw new Error(`${where}: this slide has no title; start it with a heading such as "## What a tensor is", or give one with ::slide{title="…"}`);
        }
        const { id: explicitId, ...attributes } = body.attributes;
        const id = explicitId ?? slug(body.title).replace(/^[^a-z]+/, '');
        if (!SLIDE_ID.test(id)) {
          throw new Error(
            `${where}: the slide id "${id}" is not usable in a link; ids are lower-case letters, digits and dashes and start with a letter. Set one with ::slide{#my-id}`,
          );
        }
        const previous = seen.get(id);
        if (previous) {
          throw new Error(`${where}: the slide id "${id}" is already used by the slide at ${previous}; give one of them its own id with ::slide{#another-id}`);
        }
        seen.set(id, where);
        slides.push({ id, title: body.title, html: body.html, notes: notes?.html ?? '', attributes, demos: body.demos, source: where });
      }
      part.stacks.push({ slides });
    }
    if (part.stacks.length === 0) throw new Error(`${file.path}: the file has no slides; write at least one, or set "draft: true"`);
    parts.push(part);
  }
  if (parts.length === 0) throw new Error('slides/: there are no slides; add a Markdown file such as slides/01-title.md');
  return parts;
}

/** Reads the frontmatter and splits the body, with errors that name the file. */
export function parseFile(file: SourceFile) {
  try {
    const { yaml, body, bodyLine } = extractFrontmatter(file.source);
    let raw: unknown;
    try {
      raw = yaml.trim() === '' ? {} : parseYaml(yaml);
    } catch (error) {
      const line = error instanceof YAMLParseError ? (error.linePos?.[0].line ?? 0) + 1 : 1;
      throw new Error(`${file.path}:${line}: the frontmatter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new Error(`${file.path}: the frontmatter must be fields such as "title: Context", not a ${Array.isArray(raw) ? 'list' : typeof raw}`);
    }
    const data = parseFrontmatter(raw, file.path);
    return { data, stacks: splitSlides(body, bodyLine) };
  } catch (error) {
    if (error instanceof SlideSyntaxError) throw new Error(`${file.path}:${error.line}: ${error.message}`);
    throw error;
  }
}

function located(path: string, slideLine: number) {
  return (error: unknown): never => {
    if (error instanceof SlideRenderError) {
      const line = error.line === undefined ? slideLine : slideLine + error.line - 1;
      throw new Error(`${path}:${line}: ${error.message}`);
    }
    throw new Error(`${path}:${slideLine}: ${(error as Error).message ?? String(error)}`);
  };
}

/** `slides/02-context.md` → `02-context`. */
export function fileId(path: string): string {
  return path.split('/').pop()!.replace(/\.mdx?$/, '');
}
