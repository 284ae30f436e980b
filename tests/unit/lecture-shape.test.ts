/**
 * The lecture's shape (issue 25, part 3), checked on the real deck as the
 * build makes it from slides/: a divider for each of the five parts that
 * #plan promises, in order, each marking its own part as current and the
 * earlier ones as done; real MNIST digits on the first MNIST slide; no more
 * than 23 slides of text and lists alone; and a recap and a questions slide
 * at the end.
 */
import type { LoaderContext } from 'astro/loaders';
import { beforeAll, describe, expect, it } from 'vitest';
import { slidesLoader } from '../../src/integrations/slides-loader.ts';
import type { Part, Slide } from '../../src/markdown/deck.ts';

/** The parts of #plan, in order, and their dividers' ids. */
const PARTS = ['context', 'ideas', 'tensors', 'learning', 'mnist'] as const;

/** The most slides of text and lists alone that the lecture may keep. */
const MAX_BULLET_ONLY = 23;

/** The deck as `astro build` loads it: slidesLoader over the project's slides/, with the demos' real schemas. */
async function loadDeck(): Promise<Slide[]> {
  const parts: Part[] = [];
  const ctx = {
    collection: 'slides',
    store: {
      clear: () => parts.splice(0),
      set: (entry: { data: Record<string, unknown> }) => parts.push(entry.data as unknown as Part) > 0,
    },
    parseData: async ({ data }: { data: unknown }) => data,
    generateDigest: () => 'digest',
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    config: { root: new URL('../../', import.meta.url), base: '/', site: 'https://example.org' },
    watcher: undefined,
  };
  await slidesLoader({ dir: 'slides' }).load(ctx as unknown as LoaderContext);
  return parts.flatMap((part) => part.stacks.flatMap((stack) => stack.slides));
}

/**
 * Why a slide is more than text and lists, from its rendered HTML, or
 * undefined when it is text and lists alone ("bullet-only"). A slide counts
 * as more when it shows any of: a figure (`<figure>`, which our SVG figures,
 * the demos, the polls, the QR code and the map of the parts all render
 * as) or an inline `<svg>`; a demo or a poll (`data-demo`); a table; a code
 * block (`<pre>`); KaTeX mathematics (`class="katex`), inline or displayed;
 * an image (`<img>`, `<canvas>`, `<picture>`, `<video>`). Emphasis, links,
 * inline `code` and lists do not count.
 */
function notBulletOnly(html: string): string | undefined {
  const kinds: [string, RegExp][] = [
    ['figure', /<figure\b/i],
    ['svg', /<svg\b/i],
    ['demo or poll', /\bdata-demo=/i],
    ['table', /<table\b/i],
    ['code block', /<pre\b/i],
    ['maths', /class="katex/i],
    ['image', /<(img|canvas|picture|video)\b/i],
  ];
  return kinds.find(([, pattern]) => pattern.test(html))?.[0];
}

describe('the lecture’s shape', () => {
  let slides: Slide[];
  const index = (id: string) => slides.findIndex((s) => s.id === id);

  beforeAll(async () => {
    slides = await loadDeck();
  }, 60_000);

  it('has a divider for each of the five parts of #plan, in order, each showing the map with its own part current and the earlier ones done', () => {
    const dividers = PARTS.map((part) => index(`part-${part}`));
    expect(
      dividers.every((i) => i > index('plan')),
      'every divider after #plan',
    ).toBe(true);
    expect(
      [...dividers].sort((a, b) => a - b),
      'the dividers in the order of the parts',
    ).toEqual(dividers);
    dividers.forEach((at, k) => {
      const html = slides[at]!.html;
      const items = [...html.matchAll(/<li\b([^>]*)>/g)].map((m) => m[1]!);
      expect(items, `#part-${PARTS[k]} shows the five parts`).toHaveLength(5);
      expect(html).toContain('class="part-map"');
      items.forEach((attributes, j) => {
        const state = /class="current"/.test(attributes) ? 'current' : /class="done"/.test(attributes) ? 'done' : 'ahead';
        expect(state, `#part-${PARTS[k]}, part ${j + 1}`).toBe(j < k ? 'done' : j === k ? 'current' : 'ahead');
        expect(/aria-current="step"/.test(attributes), `#part-${PARTS[k]}, part ${j + 1}: aria-current on the current part alone`).toBe(
          j === k,
        );
      });
    });
    // Each part's slides lie between its divider and the next: the first slide of each part, as the plan names it.
    expect(index('part-context')).toBeLessThan(index('classical-vs-ml'));
    expect(index('part-ideas')).toBeLessThan(index('what-deep-learning-is'));
    expect(index('part-tensors')).toBeLessThan(index('vocabulary'));
    expect(index('part-learning')).toBeLessThan(index('change-of-coordinates'));
    expect(index('part-mnist')).toBeLessThan(index('mnist'));
    expect(index('part-mnist')).toBeGreaterThan(index('mini-batch'));
  });

  it('shows real MNIST digits on #mnist: the data explorer, in its digits-only mode, before any other MNIST slide', () => {
    const mnist = slides[index('mnist')]!;
    expect(mnist.demos).toContain('mnist-explore');
    const params = /data-demo="mnist-explore"[^>]*data-params="([^"]*)"|data-params="([^"]*)"[^>]*data-demo="mnist-explore"/.exec(
      mnist.html,
    );
    expect(params, 'the demo and its parameters').not.toBeNull();
    const json = (params![1] ?? params![2]!).replaceAll('&quot;', '"').replaceAll('&#x22;', '"').replaceAll('&#34;', '"');
    expect(JSON.parse(json)).toMatchObject({ show: 'digits' });
    // The first slide of the MNIST problem: every other slide of it (mnist-task, mnist-split, …) comes later.
    const others = slides.map((s, i) => [s.id, i] as const).filter(([id, i]) => id.startsWith('mnist-') && i > index('part-mnist'));
    expect(others.length).toBeGreaterThan(0);
    for (const [id, i] of others) expect(i, `#${id} after #mnist`).toBeGreaterThan(index('mnist'));
  });

  it(`keeps at most ${MAX_BULLET_ONLY} slides of text and lists alone`, () => {
    const bulletOnly = slides.filter((s) => notBulletOnly(s.html) === undefined).map((s) => s.id);
    expect(bulletOnly.length, `bullet-only: ${bulletOnly.join(', ')}`).toBeLessThanOrEqual(MAX_BULLET_ONLY);
  });

  it('tells what counts as more than bullets, and what does not', () => {
    expect(notBulletOnly('<h2>T</h2><ul><li><strong>a</strong> <code>x</code> <a href="#/y">y</a></li></ul>')).toBeUndefined();
    expect(notBulletOnly('<figure class="figure"><svg viewBox="0 0 1 1"></svg></figure>')).toBe('figure');
    expect(notBulletOnly('<table><tr><td>1</td></tr></table>')).toBe('table');
    expect(notBulletOnly('<pre class="shiki"><code>x</code></pre>')).toBe('code block');
    expect(notBulletOnly('<p><span class="katex">x</span></p>')).toBe('maths');
  });

  it('ends with #recap ("What we learned") and #questions, among the last slides, before or around the credits', () => {
    const last = slides.length - 1;
    const recap = index('recap');
    const questions = index('questions');
    expect(recap, '#recap exists').toBeGreaterThan(0);
    expect(questions, '#questions exists').toBeGreaterThan(0);
    expect(slides[recap]!.title).toBe('What we learned');
    expect(recap).toBeGreaterThan(index('digit-path'));
    expect(questions).toBeGreaterThan(recap);
    expect(last - recap, 'the recap among the last four slides').toBeLessThanOrEqual(3);
    expect(last - questions, 'questions among the last three slides').toBeLessThanOrEqual(2);
    expect(slides[recap]!.html, 'the recap shows the map, every part done').toMatch(/class="part-map/);
    expect([...slides[recap]!.html.matchAll(/<li class="done"/g)]).toHaveLength(5);
    expect(slides[questions]!.html, 'the questions slide says what to read next').toMatch(/<a href="https?:/);
  });
});
