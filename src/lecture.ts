/**
 * The lecture as both pages read it: every file of slides/ in file-name
 * order, or, in `astro dev`, the message of a slide with a mistake (see
 * src/integrations/slides-loader.ts).
 */
import { getCollection } from 'astro:content';
import { compareFiles, type Part } from './markdown/deck.ts';

export async function loadLecture(): Promise<{ parts: Part[]; failure: string | undefined }> {
  const entries = (await getCollection('slides')).map((entry) => entry.data);
  const failure = entries.flatMap((data) => ('error' in data ? [data.error] : []))[0];
  const parts = entries
    .flatMap((data) => ('error' in data ? [] : [data as Part]))
    .sort((a, b) => compareFiles({ path: a.file }, { path: b.file }));
  return { parts, failure };
}

/** A slide's HTML with its headings moved down, so that its title is an h3 under the reader's h1 and part h2s. */
export function demoteHeadings(html: string): string {
  const level = (n: number) => Math.min(6, n <= 2 ? 3 : n + 1);
  return html.replace(/<(\/?)h([1-6])(?=[\s>])/g, (_, slash: string, n: string) => `<${slash}h${level(Number(n))}`);
}

/**
 * A slide's HTML as the reader's edition draws it, in a figure beside its
 * prose: the title is the article's heading there, so the slide's own heading
 * is drawn (as the slide shows it) but hidden from the outline and screen
 * readers; the slide's other headings move down under the article's h3.
 */
export function stillHtml(html: string): string {
  const demoted = demoteHeadings(html);
  const title = /<h3(?=[\s>])([^>]*)>([\s\S]*?)<\/h3>/.exec(demoted);
  if (!title) return demoted;
  const classes = /\sclass="([^"]*)"/.exec(title[1]!)?.[1];
  const rest = title[1]!.replace(/\sclass="[^"]*"/, '');
  return demoted.replace(
    title[0],
    `<p class="${['slide-title', classes].filter(Boolean).join(' ')}" aria-hidden="true"${rest}>${title[2]}</p>`,
  );
}
