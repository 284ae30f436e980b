/**
 * Content collections. The deck has one: `slides`, one entry per file in
 * slides/, loaded and rendered by our own loader (see
 * src/integrations/slides-loader.ts for why it is not Astro's glob loader).
 */
import { defineCollection } from 'astro:content';
import { z } from 'astro/zod';
import { slidesLoader } from './integrations/slides-loader.ts';
import { slideFileSchema } from './markdown/schema.ts';

const slide = z.object({
  id: z.string(),
  title: z.string(),
  html: z.string(),
  notes: z.string(),
  readerNotes: z.string(),
  formerly: z.array(z.string()),
  attributes: z.record(z.string(), z.string()),
  demos: z.array(z.string()),
  source: z.string(),
});

/** One file of the lecture, rendered. */
const part = slideFileSchema.extend({
  id: z.string(),
  file: z.string(),
  stacks: z.array(z.object({ slides: z.array(slide) })),
});

/** In `astro dev` only: the mistake that stops the deck from building, for the page to show. */
const slideError = z.object({ error: z.string() }).strict();

const slides = defineCollection({
  loader: slidesLoader({ dir: 'slides' }),
  schema: z.union([part, slideError]),
});

export const collections = { slides };
