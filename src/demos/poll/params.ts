/**
 * A poll's parameters, as the build writes them into its figure's
 * data-params. A slide does not write them by hand: `::poll[Question?]{…}`
 * (src/markdown/poll.ts) reads the slide's attributes, checks them against
 * the deck (unique id, 2 to 16 options, an answer among them, or a demo's
 * report to read it from) and writes this shape; `::demo{name="poll"}` is
 * refused. The schema states the shape once, and the tests check the
 * directive's output against it.
 */
import { z } from 'zod';

export const params = z
  .object({
    /** The poll's id, unique in the deck: votes name it, and the room shares its state as `poll:<id>`. */
    id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
    /** The question, as the slide writes it in brackets. */
    question: z.string().min(1),
    /** What the audience may answer: a value (what the answer is compared with) and a label (what they read). */
    options: z
      .array(z.object({ value: z.string().min(1), label: z.string().min(1) }).strict())
      .min(2)
      .max(16),
    /** The right answer, fixed by the slide: one of the options' values. */
    answer: z.string().optional(),
    /** Or the figure whose data- attribute gives the right answer once its experiment has run. */
    answerFrom: z.object({ demo: z.string(), report: z.string() }).strict().optional(),
  })
  .strict();

export type PollParams = z.output<typeof params>;
