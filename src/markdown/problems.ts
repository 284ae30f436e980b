/**
 * How a mistake in a slide is recorded while the slide renders.
 *
 * Every check and every directive reports a mistake as a message on the
 * slide's vfile, with its place in the slide, and carries on, so that one
 * pass over a slide finds all of its mistakes rather than the first. When
 * the pipeline has run, the renderer reads the messages back with
 * {@link problemsOf} and fails once with all of them; deck.ts then adds the
 * file and turns each line in the slide into a line in the file.
 */
import type { Point, Position } from 'unist';
import type { VFile } from 'vfile';

/** The `source` of the messages that are the author's mistakes, as opposed to a plugin's own warnings. */
export const SOURCE = 'slides';

/** One mistake in a slide, located by its 1-based line within the slide's body (or notes), when it has one. */
export interface RenderProblem {
  line: number | undefined;
  message: string;
}

/**
 * Records a mistake on the slide's file.
 *
 * @param file The vfile of the slide (or of its notes) being rendered.
 * @param rule Which check found it, e.g. `directive` or `same-origin`: the message's `ruleId`.
 * @param message What is wrong and what to do, as one sentence.
 * @param place Where in the slide; without one, deck.ts reports the mistake at the slide's first line.
 */
export function report(file: VFile, rule: string, message: string, place: Point | Position | undefined): void {
  const reported = file.message(message, { place, source: SOURCE, ruleId: rule });
  // A mistake in a slide stops the build: it is an error, not a warning.
  reported.fatal = true;
}

/** The mistakes recorded on a file, in the order they were found. */
export function problemsOf(file: VFile): RenderProblem[] {
  return file.messages
    .filter((message) => message.source === SOURCE)
    .map((message) => ({ line: message.line ?? undefined, message: message.reason }));
}
