/**
 * `::slide{#id .class title="…" formerly="old-id …" data-…="…"}`: not
 * content but the slide's own settings, for its `<section>`. It renders to
 * nothing; deck.ts reads what it records.
 */
import { SKIP } from 'unist-util-visit';
import { ANY_ATTRIBUTES, defineDirective } from './define.ts';

/** What `::slide` sets, in the order the attributes were written (the `<section>` keeps that order). */
interface SlideSettings {
  title?: string;
  formerly?: string[];
  attributes: Record<string, string>;
}

const attributes = ANY_ATTRIBUTES.transform((written, context) => {
  const settings: SlideSettings = { attributes: {} };
  for (const [key, value] of Object.entries(written)) {
    if (value == null) continue;
    if (key === 'title') settings.title = value;
    else if (key === 'formerly') settings.formerly = value.split(/\s+/).filter(Boolean);
    else if (key === 'id' || key === 'class' || key.startsWith('data-')) settings.attributes[key] = value;
    else context.addIssue(`::slide does not take "${key}"; it takes #id, .class, title="…", formerly="old-id …" and data-… attributes`);
  }
  return settings;
});

export const slide = defineDirective({
  name: 'slide',
  kinds: ['leafDirective'],
  attributes,
  readme: {
    write: '`::slide{#my-id .center title="…" formerly="old-id" data-background-color="#0b5cad"}`',
    get: "the slide's own settings: its id (its link), classes and data attributes for reveal.js, a title when it shows no heading, the ids it had before",
  },
  render(_node, settings, { slide: data, parent, index }) {
    if (settings.title !== undefined) data.title = settings.title;
    if (settings.formerly) data.formerly = settings.formerly;
    Object.assign(data.attributes, settings.attributes);
    if (parent && index !== undefined) parent.children.splice(index, 1);
    return [SKIP, index];
  },
});
