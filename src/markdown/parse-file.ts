/**
 * Reading one slide source file before its slides are rendered: the YAML
 * frontmatter, checked against schema.ts, and the body split into slides
 * (split.ts). Every mistake is a {@link SlideError} with the file's own line,
 * not the frontmatter's or the body's.
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { SlideError } from './errors.ts';
import { parseFrontmatter, type SlideFileData } from './schema.ts';
import { extractFrontmatter, splitSlides, SlideSyntaxError } from './split.ts';

/** A slide source as read from disk. */
export interface SourceFile {
  /** Path from the project root, e.g. `slides/02-context.md`; also decides the order. */
  path: string;
  source: string;
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
