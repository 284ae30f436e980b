/**
 * The `::poll` directive: a question put to the room, checked when the site
 * is built.
 *
 *     ::poll[Which model will be most accurate?]{id="which-model" options="logistic:Logistic regression|dense:The lecture’s network|cnn:A small convnet" answer-from="model-comparison.best"}
 *
 * A poll is rendered as the demo named `poll` (src/demos/poll/), so the
 * deck's lifecycle mounts it like any other figure; its data-params are the
 * {@link PollData} below. The right answer is either fixed (`answer="dense"`)
 * or read from a figure the deck also shows (`answer-from="<demo>.<report>"`,
 * one of the data- attributes that demo declares in its manifest's
 * `reports`), so that a poll before an experiment is marked by the
 * experiment itself.
 *
 * Everything checkable on one slide is checked here and returned as
 * sentences; the deck (deck.ts) then checks what needs the whole deck: that
 * every poll id is used once and that the demo an answer comes from is
 * embedded somewhere. Pure: no file system, no DOM.
 */
import type { DemoSpec } from './demo-params.ts';

/** The demo every `::poll` is rendered as (src/demos/poll/). */
export const POLL_DEMO = 'poll';

/** A poll's id: as the room's protocol accepts it (src/room/protocol.ts, POLL_ID), so that votes can name it. */
export const POLL_ID = /^[a-z][a-z0-9-]{0,63}$/;
/** An option's value: short and plain, because a demo's data- attribute must be able to equal it. */
export const OPTION_VALUE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
/** The fewest and the most options a poll may offer; the room's vote carries an option index from 0 to 15. */
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 16;
/** The attributes `::poll` takes. */
export const POLL_ATTRIBUTES: readonly string[] = ['id', 'options', 'answer', 'answer-from'];

export interface PollOption {
  /** What a vote and the answer compare: `dense`, `90-100`, `7`. */
  value: string;
  /** What the audience reads. */
  label: string;
}

/** Where a poll's right answer comes from: a data- attribute of another figure in the deck. */
export interface AnswerSource {
  /** The demo's name, as in `::demo{name="…"}`. */
  demo: string;
  /** The attribute without `data-`, e.g. `best` for `data-best`. */
  report: string;
}

/** A poll as the page receives it in data-params. */
export interface PollData {
  id: string;
  question: string;
  options: PollOption[];
  /** The right answer, fixed by the slide. */
  answer?: string;
  /** Or where the right answer will be read once the experiment has run. */
  answerFrom?: AnswerSource;
}

export type PollCheck = { ok: true; data: PollData } | { ok: false; problems: string[] };

/**
 * Reads and checks one `::poll`.
 *
 * @param question The text in brackets.
 * @param attributes The directive's attributes, as remark-directive gives them.
 * @param demos The deck's demos, to check `answer-from` against what each declares it reports.
 * @returns The poll's data, or one sentence per mistake.
 */
export function parsePoll(
  question: string,
  attributes: Readonly<Record<string, string | null | undefined>>,
  demos: ReadonlyMap<string, DemoSpec>,
): PollCheck {
  const problems: string[] = [];
  const text = question.trim();
  const id = attributes.id ?? '';
  const name = id ? `::poll{id="${id}"}` : '::poll';
  if (!text) problems.push(`${name} needs its question in brackets: ::poll[Which model will be most accurate?]{id="…" options="…"}`);
  for (const key of Object.keys(attributes)) {
    if (!POLL_ATTRIBUTES.includes(key)) problems.push(`${name} does not take "${key}"; it takes ${POLL_ATTRIBUTES.join(', ')}`);
  }
  if (!id) problems.push('::poll needs an id, unique in the deck, e.g. ::poll[…]{id="which-model" options="…"}');
  else if (!POLL_ID.test(id))
    problems.push(
      `the poll id "${id}" is not usable: an id is lower-case letters, digits and dashes, starts with a letter and has at most 64 characters`,
    );

  const options = parseOptions(attributes.options, name, problems);
  const values = options.map((o) => o.value);
  const answer = attributes.answer ?? undefined;
  const from = attributes['answer-from'] ?? undefined;
  if (answer !== undefined && from !== undefined) problems.push(`${name} takes answer or answer-from, not both`);
  if (answer !== undefined && options.length > 0 && !values.includes(answer))
    problems.push(`${name}: the answer "${answer}" is not one of the options' values (${values.join(', ')})`);
  const answerFrom = from === undefined ? undefined : parseAnswerSource(from, name, demos, problems);

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    data: { id, question: text, options, ...(answer === undefined ? {} : { answer }), ...(answerFrom ? { answerFrom } : {}) },
  };
}

/** `value:label|value:label`; a value alone is its own label. */
function parseOptions(written: string | null | undefined, name: string, problems: string[]): PollOption[] {
  if (!written) {
    problems.push(`${name} needs options, e.g. options="yes:Yes, it will|no:No, it will not"`);
    return [];
  }
  const options: PollOption[] = [];
  for (const item of written.split('|')) {
    const colon = item.indexOf(':');
    const value = (colon < 0 ? item : item.slice(0, colon)).trim();
    const label = (colon < 0 ? item : item.slice(colon + 1)).trim();
    if (!OPTION_VALUE.test(value)) {
      problems.push(
        `${name}: the option "${item.trim()}" needs a value of letters, digits, dots or dashes before its colon, e.g. "dense:The lecture’s network"`,
      );
      continue;
    }
    if (!label) {
      problems.push(`${name}: the option "${value}" needs a label after its colon, or no colon at all`);
      continue;
    }
    if (options.some((o) => o.value === value)) {
      problems.push(`${name}: the option value "${value}" appears twice; give each option its own value`);
      continue;
    }
    options.push({ value, label });
  }
  const count = written.split('|').length;
  if (count < MIN_OPTIONS || count > MAX_OPTIONS)
    problems.push(`${name} has ${count} option${count === 1 ? '' : 's'}; a poll offers ${MIN_OPTIONS} to ${MAX_OPTIONS}`);
  return options;
}

/** `model-comparison.best` → the demo and its report, checked against what the demo declares. */
function parseAnswerSource(
  written: string,
  name: string,
  demos: ReadonlyMap<string, DemoSpec>,
  problems: string[],
): AnswerSource | undefined {
  const match = /^([a-z][a-z0-9-]*)\.(?:data-)?([a-z][a-z0-9-]*)$/.exec(written.trim());
  if (!match) {
    problems.push(`${name}: answer-from is written demo.attribute, e.g. answer-from="model-comparison.best", not "${written}"`);
    return undefined;
  }
  const demo = match[1]!;
  const report = match[2]!;
  const spec = demos.get(demo);
  if (!spec) {
    const known = [...demos.keys()].filter((n) => (demos.get(n)?.reports ?? []).length > 0).sort();
    problems.push(
      `${name}: answer-from names the demo "${demo}", which does not exist; demos that report figures: ${known.join(', ') || '(none)'}`,
    );
    return undefined;
  }
  const reports = spec.reports ?? [];
  if (!reports.includes(report)) {
    problems.push(
      reports.length === 0
        ? `${name}: answer-from names data-${report} of "${demo}", which reports no figures a poll can use; list them in its manifest's reports`
        : `${name}: answer-from names data-${report}, which "${demo}" does not report; it reports ${reports.map((r) => `data-${r}`).join(', ')}`,
    );
    return undefined;
  }
  return { demo, report };
}

/** The figure's text alternative: the question and its options, for screen readers, print without script, and search. */
export function pollAlternative(poll: PollData): string {
  return `Poll: ${poll.question} Options: ${poll.options.map((o) => o.label).join('; ')}.`;
}
