/**
 * The error every mistake in slides/ becomes before it leaves src/markdown.
 *
 * Astro prints an error it receives from a content loader with its message,
 * then a "Location:" and a "Stack trace:" that it reads from the error's
 * `stack`. For a mistake in a slide both would point into src/, where there is
 * nothing to fix, so a {@link SlideError} has an empty stack: Astro then prints
 * the message alone, `slides/<file>.md:<line>: what is wrong and what to do`.
 * Errors that are not the author's (bugs in src/) keep their stacks.
 */

/** One mistake, where the author finds it. */
export interface SlideProblem {
  /** Path from the project root, e.g. `slides/02-context.md`. */
  file: string;
  /** 1-based line in that file, when the mistake has one. */
  line?: number | undefined;
  /** What is wrong and what to do, as one sentence. */
  message: string;
}

/** A mistake in a slide source: one line `file:line: message` per problem, and no stack trace. */
export class SlideError extends Error {
  readonly problems: readonly SlideProblem[];

  /**
   * @param problems One or more mistakes; the first one's file and line are the error's.
   * @param options `cause`: only for an unexpected error from our own code, whose stack is then still printed.
   */
  constructor(problems: SlideProblem | readonly SlideProblem[], options?: ErrorOptions) {
    const list = Array.isArray(problems) ? (problems as readonly SlideProblem[]) : [problems as SlideProblem];
    super(list.map(formatProblem).join('\n'), options);
    this.name = 'SlideError';
    this.problems = list;
    // Astro takes its "Location:" and "Stack trace:" from the stack; without
    // one it prints only the message, which already says where to look.
    this.stack = '';
  }

  /** The file of the first problem. */
  get file(): string {
    return this.problems[0]!.file;
  }

  /** The line of the first problem. */
  get line(): number | undefined {
    return this.problems[0]!.line;
  }
}

/** Writes a problem the way compilers do, so editors and terminals can link to it. */
export function formatProblem({ file, line, message }: SlideProblem): string {
  return `${file}${line === undefined ? '' : `:${line}`}: ${message}`;
}
