/**
 * Every mistake an author can make in a slide, as the author reads it: the
 * file, the line, what is wrong and what to do. Each case is a small slide
 * file in tests/fixtures/slides/, built as if it were slides/<name>.
 */
import { readFileSync } from 'node:fs';
import { z } from 'astro/zod';
import { describe, expect, it } from 'vitest';
import { buildDeck } from '../../src/markdown/deck.ts';
import type { DemoSpec } from '../../src/markdown/demo-params.ts';
import { SlideError } from '../../src/markdown/errors.ts';
import { params as pollParams } from '../../src/demos/poll/params.ts';

/** Demos as their manifests will describe them: schemas over attribute strings, and keys. */
const demos = new Map<string, DemoSpec>([
  [
    'gradient-descent-1d',
    {
      params: z
        .object({
          /** The learning rate the figure starts with. */
          preset: z.enum(['small', 'good', 'large']).default('good'),
          /** The loss curve: one valley, or two. */
          curve: z.enum(['valley', 'two-valleys']).default('valley'),
        })
        .strict(),
      keys: ['A'],
    },
  ],
  [
    'gradient-descent-2d',
    {
      // Not strict on purpose: the build refuses unknown parameters all the same.
      params: z.object({
        /** The learning rate. */
        rate: z.coerce.number().positive().max(2).default(0.1),
        /** Examples per step of stochastic gradient descent. */
        batch: z.coerce.number().int().min(1).default(8),
        /** Whether the descent uses momentum. */
        momentum: z.stringbool().default(false),
      }),
      keys: ['a', 'M'],
    },
  ],
  [
    'mnist-training',
    {
      params: z.object({
        /** How many epochs to train for; the slide must say. */
        epochs: z.coerce.number().int().min(1).max(20),
      }),
      keys: ['T'],
    },
  ],
]);

const fixture = (name: string) => readFileSync(new URL(`../fixtures/slides/${name}.md`, import.meta.url), 'utf8');

/** Builds one fixture as `slides/<name>.md`. */
const build = (name: string) => buildDeck([{ path: `slides/${name}.md`, source: fixture(name) }], { demos, readFigure: () => undefined });

/** The message a fixture fails with; the test fails if it builds. */
async function failure(name: string): Promise<SlideError> {
  const error = await build(name).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error, `${name}.md should not build`).toBeInstanceOf(SlideError);
  return error as SlideError;
}

describe('frontmatter mistakes', () => {
  it('names the line of a misspelt field and lists the known fields', async () => {
    expect((await failure('frontmatter-unknown-field')).message).toBe(
      'slides/frontmatter-unknown-field.md:3: field "minuts" is not a known field (known fields: title, minutes, draft)',
    );
  });

  it('names the line of each field of the wrong type and quotes what was written', async () => {
    expect((await failure('frontmatter-wrong-type')).message).toBe(
      [
        'slides/frontmatter-wrong-type.md:3: field "minutes" must be a number, not "lots"',
        'slides/frontmatter-wrong-type.md:4: field "draft" must be true or false, not "no"',
      ].join('\n'),
    );
  });

  it('gives the line of a YAML syntax error in the file, not in the frontmatter', async () => {
    expect((await failure('frontmatter-yaml-syntax')).message).toBe(
      'slides/frontmatter-yaml-syntax.md:3: the frontmatter is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]; write one "field: value" a line',
    );
  });
});

describe('TeX mistakes', () => {
  it('gives the line of broken inline TeX', async () => {
    const error = await failure('tex-inline');
    expect(error.message).toBe(
      'slides/tex-inline.md:8: KaTeX cannot render this math: Unexpected end of input in a macro argument, expected \'}\' in $…$ "w - \\eta \\frac{\\partial L}{\\partial w"; correct the TeX (what KaTeX supports: https://katex.org/docs/supported.html)',
    );
  });

  it('gives the line inside a display formula where the bad TeX is, not the line of the slide', async () => {
    expect((await failure('tex-display')).message).toBe(
      'slides/tex-display.md:10: KaTeX cannot render this math: Undefined control sequence: \\oops in $$…$$ "+ \\lambda \\lVert w \\rVert_2^2 \\oops"; correct the TeX (what KaTeX supports: https://katex.org/docs/supported.html)',
    );
  });

  it('counts lines in speaker notes from where the notes are, not from the slide', async () => {
    expect((await failure('tex-in-notes')).line).toBe(13);
  });
});

describe('references to another origin', () => {
  const advice = 'save the file under public/ (or draw it in slides/figures/) and refer to it by path, or link to it with <a href>';
  it.each([
    ['remote-img', 7, `<img src> would load https://example.com/ruler.jpg from another origin; ${advice}`],
    ['remote-style-import-url', 9, `<style> with @import would load https://fonts.example.com/inter.css from another origin; ${advice}`],
    ['remote-style-import-string', 8, `<style> with @import would load https://fonts.example.com/inter.css from another origin; ${advice}`],
    ['remote-style-url', 10, `<style> with url() would load https://images.example.com/hero.jpg from another origin; ${advice}`],
    ['remote-style-protocol-relative', 8, `<style> with url() would load //cdn.example.com/hero.png from another origin; ${advice}`],
    ['remote-style-attribute', 7, `<div style> with url() would load https://images.example.com/hero.jpg from another origin; ${advice}`],
    ['remote-srcset', 7, `<img srcset> would load https://cdn.example.com/digits@2x.png from another origin; ${advice}`],
    ['remote-poster', 7, `<video poster> would load https://cdn.example.com/poster.jpg from another origin; ${advice}`],
    ['remote-link', 7, `<link href> would load https://cdn.example.com/theme.css from another origin; ${advice}`],
    ['remote-object', 7, `<object data> would load https://charts.example.com/loss.svg from another origin; ${advice}`],
    ['remote-svg-use-href', 8, `<use href> would load https://icons.example.com/sprite.svg#brain from another origin; ${advice}`],
    ['remote-svg-xlink-href', 8, `<use xlink:href> would load https://icons.example.com/sprite.svg#brain from another origin; ${advice}`],
    ['remote-iframe', 7, `<iframe src> would load https://playground.tensorflow.org/ from another origin; ${advice}`],
    ['remote-source', 8, `<source src> would load https://cdn.example.com/clip.webm from another origin; ${advice}`],
    ['remote-video', 7, `<video src> would load https://cdn.example.com/clip.mp4 from another origin; ${advice}`],
    ['remote-audio', 7, `<audio src> would load https://cdn.example.com/beep.mp3 from another origin; ${advice}`],
    [
      'remote-form',
      7,
      '<form action> would go to https://poll.example.com/vote, on another origin, without anyone following a link; link to it with <a href="https://poll.example.com/vote"> instead',
    ],
    [
      'remote-meta-refresh',
      7,
      '<meta http-equiv="refresh"> would go to https://example.com/new-deck, on another origin, without anyone following a link; link to it with <a href="https://example.com/new-deck"> instead',
    ],
  ])('refuses %s.md at line %i, naming the element and the URL', async (name, line, message) => {
    expect((await failure(name)).message).toBe(`slides/${name}.md:${line}: ${message}`);
  });

  it('allows links to other sites, in Markdown, in HTML and in inline SVG', async () => {
    const [part] = await build('links-allowed');
    const html = part!.stacks[0]!.slides[0]!.html;
    expect(html).toContain('href="https://www.manning.com/books/deep-learning-with-python"');
    expect(html).toContain('href="https://distill.pub/2017/momentum/"');
    expect(html).toContain('xlink:href="https://playground.tensorflow.org/"');
  });
});

describe('demo parameters', () => {
  it('refuses an unknown demo and lists the known ones', async () => {
    expect((await failure('demo-unknown')).message).toBe(
      'slides/demo-unknown.md:7: there is no demo "gradient-descent-3d"; known demos: gradient-descent-1d, gradient-descent-2d, mnist-training',
    );
  });

  it("refuses a misspelt parameter and lists the demo's parameters", async () => {
    expect((await failure('demo-misspelt-param')).message).toBe(
      'slides/demo-misspelt-param.md:7: ::demo{name="gradient-descent-1d"}: field "presett" is not a known parameter (known: preset, curve)',
    );
  });

  it('refuses a value the schema does not allow and says which values it does', async () => {
    expect((await failure('demo-bad-value')).message).toBe(
      'slides/demo-bad-value.md:7: ::demo{name="gradient-descent-1d"}: field "preset" must be one of "small", "good", "large", not "huge"',
    );
  });

  it('refuses a demo without a required parameter', async () => {
    expect((await failure('demo-missing-param')).message).toBe(
      'slides/demo-missing-param.md:7: ::demo{name="mnist-training"}: field "epochs" is required',
    );
  });

  it('refuses two demos on one slide that bind the same key, whatever its case, naming both', async () => {
    expect((await failure('demo-key-collision')).message).toBe(
      'slides/demo-key-collision.md:10: ::demo{name="gradient-descent-2d"} binds the key "a", which ::demo{name="gradient-descent-1d"} on this slide binds too; put one of them on a slide of its own',
    );
  });

  it('writes the checked parameters, defaults included, to the figure as JSON in data-params', async () => {
    const [part] = await build('demo-valid');
    const html = part!.stacks[0]!.slides[0]!.html;
    const attribute = /<figure class="demo" data-demo="gradient-descent-2d" data-demo-state="pending" data-params="([^"]*)">/.exec(
      html,
    )?.[1];
    expect(attribute).toBeDefined();
    const json = attribute!
      .replace(/&#x22;/g, '"')
      .replace(/&#x26;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    expect(JSON.parse(json)).toEqual({ rate: 0.5, batch: 8, momentum: true });
    expect(html).not.toMatch(/data-(rate|momentum)=/);
  });
});

describe('polls', () => {
  /** The demos of the poll fixtures: the poll itself, and a comparison whose figure reports the best model. */
  const pollDemos = new Map<string, DemoSpec>([
    ...demos,
    ['poll', { params: z.object({}), keys: ['V'] }],
    ['model-comparison', { params: z.object({}).strict(), keys: ['T', 'R'], reports: ['best', 'state'] }],
  ]);
  const buildPoll = (name: string) =>
    buildDeck([{ path: `slides/${name}.md`, source: fixture(name) }], { demos: pollDemos, readFigure: () => undefined });
  const pollFailure = async (name: string) => {
    const error = await buildPoll(name).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(error, `${name}.md should not build`).toBeInstanceOf(SlideError);
    return (error as SlideError).message;
  };
  /** The JSON of an attribute as rehype writes it. */
  const attribute = (html: string, name: string) =>
    JSON.parse(
      (new RegExp(`${name}="([^"]*)"`).exec(html)?.[1] ?? 'null')
        .replace(/&#x22;/g, '"')
        .replace(/&#x26;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    ) as unknown;

  it('renders a poll as the poll demo, with its question, options and answer in data-params', async () => {
    const [part] = await buildPoll('poll-valid');
    const [first, , fixed] = part!.stacks.map((stack) => stack.slides[0]!);
    expect(first!.html).toContain('<figure class="demo poll" data-demo="poll" data-demo-state="pending" data-poll="which-model"');
    expect(first!.demos).toEqual(['poll']);
    const data = attribute(first!.html, 'data-params');
    expect(data).toEqual({
      id: 'which-model',
      question: 'Which model will be most accurate?',
      options: [
        { value: 'logistic', label: 'Logistic regression' },
        { value: 'dense', label: 'The lecture’s network' },
        { value: 'cnn', label: 'A small convnet' },
      ],
      answerFrom: { demo: 'model-comparison', report: 'best' },
    });
    expect(pollParams.parse(data)).toEqual(data);
    expect(first!.html).toContain(
      'Poll: Which model will be most accurate? Options: Logistic regression; The lecture’s network; A small convnet.',
    );
    const toy = attribute(fixed!.html, 'data-params');
    expect(toy).toMatchObject({ answer: 'both', options: [{ value: 'yes' }, { value: 'no' }, { value: 'both', label: 'both' }] });
    expect(pollParams.parse(toy)).toEqual(toy);
  });

  it.each([
    [
      'poll-no-question',
      '::poll{id="which-model"} needs its question in brackets: ::poll[Which model will be most accurate?]{id="…" options="…"}',
    ],
    ['poll-no-id', '::poll needs an id, unique in the deck, e.g. ::poll[…]{id="which-model" options="…"}'],
    [
      'poll-bad-id',
      'the poll id "Which_Model" is not usable: an id is lower-case letters, digits and dashes, starts with a letter and has at most 64 characters',
    ],
    ['poll-unknown-attribute', '::poll{id="which"} does not take "answr"; it takes id, options, answer, answer-from'],
    ['poll-no-options', '::poll{id="which"} needs options, e.g. options="yes:Yes, it will|no:No, it will not"'],
    ['poll-one-option', '::poll{id="which"} has 1 option; a poll offers 2 to 16'],
    ['poll-too-many-options', '::poll{id="which"} has 17 options; a poll offers 2 to 16'],
    ['poll-duplicate-value', '::poll{id="which"}: the option value "a" appears twice; give each option its own value'],
    ['poll-option-without-label', '::poll{id="which"}: the option "b" needs a label after its colon, or no colon at all'],
    ['poll-answer-not-option', '::poll{id="which"}: the answer "c" is not one of the options\' values (a, b)'],
    ['poll-answer-and-answer-from', '::poll{id="which"} takes answer or answer-from, not both'],
    [
      'poll-answer-from-syntax',
      '::poll{id="which"}: answer-from is written demo.attribute, e.g. answer-from="model-comparison.best", not "model-comparison"',
    ],
    [
      'poll-answer-from-unknown-demo',
      '::poll{id="which"}: answer-from names the demo "model-comparisn", which does not exist; demos that report figures: model-comparison',
    ],
    [
      'poll-answer-from-unreported',
      '::poll{id="which"}: answer-from names data-winner, which "model-comparison" does not report; it reports data-best, data-state',
    ],
    [
      'poll-answer-from-not-in-deck',
      '::poll{id="which"}: answer-from reads the demo "model-comparison", which no slide of the deck embeds; embed it with ::demo{name="model-comparison"}, or take the answer from a demo that is shown',
    ],
    ['poll-as-demo', '::demo{name="poll"} is written as ::poll[The question?]{id="…" options="a:First|b:Second"}, which checks the poll'],
  ])('refuses %s.md at the line of the poll, saying what to write', async (name, message) => {
    expect(await pollFailure(name)).toBe(`slides/${name}.md:7: ${message}`);
  });

  it('refuses an id used twice in the deck, naming the first poll', async () => {
    expect(await pollFailure('poll-duplicate-id')).toBe(
      'slides/poll-duplicate-id.md:13: the poll id "which" is already used by the poll at slides/poll-duplicate-id.md:7; give each poll its own id',
    );
  });

  it('refuses two polls on one slide, which would share the key V', async () => {
    expect(await pollFailure('poll-key-collision')).toBe(
      'slides/poll-key-collision.md:9: ::poll{id="second"} binds the key "V", which another ::poll on this slide binds too; put one of them on a slide of its own',
    );
  });
});

describe('several mistakes', () => {
  it('reports every mistake of a file, of different kinds and on different slides, each at its line, in one error', async () => {
    const error = await failure('three-mistakes');
    expect(error.problems.map((problem) => `${problem.file}:${problem.line}`)).toEqual([
      'slides/three-mistakes.md:7',
      'slides/three-mistakes.md:9',
      'slides/three-mistakes.md:21',
    ]);
    expect(error.message).toBe(
      [
        'slides/three-mistakes.md:7: ::demo{name="gradient-descent-1d"}: field "presett" is not a known parameter (known: preset, curve)',
        'slides/three-mistakes.md:9: <img src> would load https://example.com/ruler.jpg from another origin; save the file under public/ (or draw it in slides/figures/) and refer to it by path, or link to it with <a href>',
        'slides/three-mistakes.md:21: KaTeX cannot render this math: Unexpected end of input in a macro argument, expected \'}\' in $…$ "\\frac{1}{n"; correct the TeX (what KaTeX supports: https://katex.org/docs/supported.html)',
      ].join('\n'),
    );
  });

  it('fails once for the whole deck, with the mistakes of every file in the order of the files', async () => {
    const error = await buildDeck(
      [
        { path: 'slides/02-second.md', source: '---\ntitle: Two\n---\n\n## Two\n\n::figurine{src="x"}' },
        { path: 'slides/01-first.md', source: '---\ntitle: One\nminuts: 5\n---\n\n## One' },
      ],
      { demos, readFigure: () => undefined },
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(error).toBeInstanceOf(SlideError);
    expect((error as SlideError).problems.map((problem) => `${problem.file}:${problem.line}`)).toEqual([
      'slides/01-first.md:3',
      'slides/02-second.md:7',
    ]);
  });
});
