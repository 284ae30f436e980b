/**
 * Which of the speaker view's two preview frames this page is, if either.
 * reveal.js's notes plugin (node_modules/reveal.js/dist/plugin/notes.mjs,
 * setupIframes) loads the deck twice with `receiver` in the query: the
 * current slide with `postMessageEvents=true` (it reports the presenter's
 * navigation back to the speaker view), and the upcoming slide without it
 * (and with `controls=false`).
 *
 * main.ts writes the answer as `<html data-preview>`, so that deck.css can
 * start the upcoming frame's slide below the "Upcoming" label that the
 * speaker view lays over that frame.
 */
export type PreviewFrame = 'current' | 'upcoming';

export function previewFrame(search: string): PreviewFrame | undefined {
  if (!/receiver/i.test(search)) return undefined;
  return /[?&]postMessageEvents=true(&|$)/i.test(search) ? 'current' : 'upcoming';
}
