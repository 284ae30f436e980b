/**
 * The deck's URL parameters, declared once: each one's name, schema,
 * default, who reads it and what it does. The deck parses the address with
 * this table once (`readAddress`), and hands the result to whatever reads a
 * parameter (the theme, the demos, the training worker); the README's table
 * of parameters is generated from it (`readmeTable`, checked by a test).
 *
 * Schemas are zod's small build (zod/mini), without its eval-based fast path
 * (`jitless`), which the deck's content security policy would refuse. The
 * deck loads this module only when the address has a query string, so a
 * plain visit (a phone from the QR code) downloads no schema library.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config({ jitless: true, ...en() });

/** One URL parameter. */
export interface ParamSpec<T> {
  schema: z.ZodMiniType<T>;
  /** What a valid value is, for the message when a value is not: "a whole number from 1 to 50". */
  expects: string;
  /** The value when the address does not give one, in words for the README when it is not a plain value. */
  default: string;
  /** Which parts of the deck read it. */
  readers: string;
  /** What it does, for the README: a sentence or two, Markdown. */
  doc: string;
  /** An example value, shown as `name=example` in the README. */
  example: string;
  /** What the parameter is for, when it is not for lecturers: tests, the benchmark, or the deck's own windows. */
  audience?: 'test' | 'benchmark' | 'internal';
  /** A secret: a message about a bad value never repeats it. */
  secret?: boolean;
}

const TRAINING = 'every training demo (live slide, model comparison, overfitting, the ruler, a digit’s path)';

/** A whole number from `min` to `max`, with the words that say so. */
const whole = (min: number, max: number) => ({
  schema: z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)),
  expects: `a whole number from ${min} to ${max}`,
});
/** One of `values`, with the words that say so. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => ({
  schema: z.enum(values),
  expects: `one of ${values.join(', ')}`,
});
/** A text of at most `max` characters. */
const text = (max: number) => ({ schema: z.string().check(z.maxLength(max)), expects: `a text of at most ${max} characters` });
const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;

/** The table. Its order is the README's. */
export const PARAMS = {
  backend: {
    ...oneOf(BACKENDS),
    default: 'auto',
    readers: TRAINING,
    doc: 'Force one backend (`webgpu`, `webgl`, `wasm`, `cpu`), with the others as fallbacks in that order; `auto` measures them and keeps the fastest.',
    example: 'wasm',
  },
  'train-size': {
    ...whole(1, 60000),
    default: '60000',
    readers: TRAINING,
    doc: 'Train on the first N training images.',
    example: '6000',
  },
  'test-size': {
    ...whole(1, 10000),
    default: '10000',
    readers: TRAINING,
    doc: 'Evaluate on the first N test images.',
    example: '1000',
  },
  epochs: {
    ...whole(1, 50),
    default: '5',
    readers: TRAINING,
    doc: 'Number of epochs.',
    example: '1',
  },
  runs: {
    ...text(2000),
    default: 'one run, the Keras program',
    readers: 'the live slide',
    doc: 'Runs to train one after another: `~` between runs, `,` between changes to the lecture’s program; keys `model` (dense, dense-32, dense-2048, logistic, cnn), `opt` (rmsprop, adam, sgd, momentum; with Keras’ default rate), `lr`, `bs`, `train`, `epochs`, `units`.',
    example: 'keras~opt:sgd,lr:0.01~units:32',
  },
  theme: {
    ...oneOf(['light', 'dark']),
    default: 'the last one chosen with D, else light',
    readers: 'the deck and the speaker view',
    doc: 'Open in the light or the dark theme.',
    example: 'dark',
  },
  gd1: {
    ...text(200),
    default: 'the slide’s own start',
    readers: 'gradient descent on one parameter',
    doc: 'A state of the figure as `key:value` pairs (`curve`, `eta`, `w0`, `step`); restores the figure when its slide is first reached.',
    example: 'curve:two-valleys,eta:0.05,w0:-3,step:3',
  },
  gd2: {
    ...text(200),
    default: 'the slide’s own start',
    readers: 'gradient descent on two parameters',
    doc: 'A state of the figure as `key:value` pairs (`eta`, `bs`, `mom`, `w0`, `b0`, `seed`, `step`); restores the figure when its slide is first reached.',
    example: 'eta:0.3,bs:16,mom:0.8,step:9',
  },
  presenter: {
    schema: z.string().check(z.minLength(16), z.maxLength(256)),
    expects: 'a presenter key of 16 to 256 characters',
    default: 'none: a follower',
    readers: 'the room (a deck built with a relay)',
    doc: 'The presenter’s link that `npm start` prints: this window drives the room. The deck takes the key out of the address at once and keeps it in this tab only.',
    example: '…',
    secret: true,
  },
  follow: {
    schema: z.string().check(z.regex(/^([A-Za-z0-9_-]{16})?$/)),
    expects: 'a room id from the follow link',
    default: 'follow the default room',
    readers: 'the room (a deck built with a relay)',
    doc: 'Follow the presenter (the follow-along QR code’s link): the room’s id, or nothing for the relay’s default room.',
    example: 'YSIEgEWBvQ8d2Azh',
  },
  threads: {
    ...whole(1, 16),
    default: 'the machine’s cores, up to 4',
    readers: 'the training worker',
    doc: 'WebAssembly threads.',
    example: '1',
    audience: 'benchmark',
  },
  loop: {
    ...oneOf(['deck', 'stock']),
    default: 'deck',
    readers: 'the live slide',
    doc: 'Train with tf.layers’ `model.fit` (`stock`) instead of the deck’s loop.',
    example: 'stock',
    audience: 'benchmark',
  },
  charts: {
    ...oneOf(['on', 'off']),
    default: 'on',
    readers: 'the live slide',
    doc: 'Draw nothing while training (`off`): the cost of the show.',
    example: 'off',
    audience: 'benchmark',
  },
  fault: {
    schema: z.string().check(z.regex(/^(device-lost|nan|hang)@\d{1,6}$/)),
    expects: 'device-lost@N, nan@N or hang@0',
    default: 'none',
    readers: 'the training worker',
    doc: 'Lose the GPU device (`device-lost@20`), or make the loss NaN (`nan@20`), at that step; or block the training worker’s thread as its first run starts (`hang@0`), as a WebAssembly start that deadlocks does.',
    example: 'nan@20',
    audience: 'test',
  },
} satisfies Record<string, ParamSpec<unknown>>;

export type ParamName = keyof typeof PARAMS;

/** The parameters an address gave, each checked; absent when not given or not valid. */
export type Given = { -readonly [K in ParamName]?: z.output<(typeof PARAMS)[K]['schema']> };

/** What the deck knows of its address: the parameters given, checked, and a sentence for each one that could not be used. */
export interface Address {
  given: Given;
  /** Each parameter that could not be used, with the sentence that says so: "URL parameter epochs=lots is not …; using the default." */
  problems: { name: ParamName; message: string }[];
  /** Names in the query that are not in the table (reveal.js's own, say); neither checked nor refused. */
  others: string[];
}

/** Parameters of reveal.js and of the deck's own windows, which the table does not document as ours but accepts quietly. */
const FOREIGN = new Set(['print-pdf', 'showNotes', 'receiver', 'postMessageEvents', 'print', 'v']);

/** Reads an address's query string with the table. Parameters given twice take the first value. */
export function readAddress(search: string | URLSearchParams): Address {
  const query = typeof search === 'string' ? new URLSearchParams(search) : search;
  const given: Record<string, unknown> = {};
  const problems: Address['problems'] = [];
  const others: string[] = [];
  for (const name of new Set(query.keys())) {
    const raw = query.get(name) ?? '';
    if (!(name in PARAMS)) {
      if (!FOREIGN.has(name)) others.push(name);
      continue;
    }
    const parsed = z.safeParse(PARAMS[name as ParamName].schema, raw);
    if (parsed.success) given[name] = parsed.data;
    else {
      const known = name as ParamName;
      const spec: ParamSpec<unknown> = PARAMS[known];
      problems.push({
        name: known,
        message: `URL parameter ${name}=${spec.secret ? '…' : raw} is not ${spec.expects}; using the default.`,
      });
    }
  }
  return { given: given as Given, problems, others };
}

/** The README's table of parameters, generated from the table. */
export function readmeTable(): string {
  const rows = (Object.entries(PARAMS) as [ParamName, ParamSpec<unknown>][]).map(([name, spec]) => {
    const who = spec.audience ? `${spec.readers}; for ${spec.audience === 'test' ? 'tests' : 'the benchmark'}` : spec.readers;
    return `| \`${name}=${spec.example}\` | ${spec.doc} | ${who} | ${spec.default} |`;
  });
  return ['| parameter | does | read by | default |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
